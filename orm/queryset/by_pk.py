"""``Model.get(pk=...)``: the most frequent query, answered without building a queryset."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from orm.connection import db_for
from orm.expressions import Q
from orm.hydration import hydrate
from orm.manager import Manager
from orm.queryset.queryset import MODEL, QuerySetSingle
from orm.sql.compiler import compile_select
from orm.sql.query import Query
from orm.sql.writer import replay

if TYPE_CHECKING:
    from orm.backends.base.client import QueryRunner
    from orm.models import Model

#: Key types whose every value compiles to the same statement.
_SCALAR_KEYS = (int, str, uuid.UUID)


class GetByPk(QuerySetSingle[MODEL]):
    """``Model.get(pk=value)`` (or ``get_or_none``) as a QuerySetSingle whose query is only built
    when it is chained; awaited as it is, it replays its model's compiled statement."""

    def __init__(self, model: type[MODEL], value: Any, db: QueryRunner | None, mode: str) -> None:
        self.model = model
        self._db = db
        self._single = mode
        self._pk_value = value

    def _build(self) -> Query:
        return Query(self.model, filters=(Q(pk=self._pk_value),), limit=2)

    @property  # type: ignore[override]
    def _query(self) -> Query:
        query = self.__dict__.get("_built")
        if query is None:
            query = self.__dict__["_built"] = self._build()
        return query

    @_query.setter
    def _query(self, query: Query) -> None:
        self.__dict__["_built"] = query

    async def _execute(self) -> Any:
        if "_built" in self.__dict__:  # chained or inspected: a queryset like any other
            return await super()._execute()
        client = db_for(self.model, self._db, False)
        dialect = client.dialect
        key = ("get_by_pk", self.model, type(self._pk_value))
        compiled = dialect.cache.get(key)
        if compiled is None:
            query = self._build()
            compile_select(query, dialect)  # compiles the statement of this shape and caches it
            compiled = dialect.cache.get(("select", query.shape()))
            if compiled is None:
                return await super()._execute()
            dialect.cache.put(key, compiled)
        # The slot values of the query _build() describes: the filter's value, limit, offset.
        params = replay(compiled.plan, [self._pk_value, 2, None])
        objects = hydrate(await client.fetch_all(compiled.sql, params), compiled.layout, dialect)
        return self._result(objects)


def by_pk(model: type[Model], kwargs: dict[str, Any], db: QueryRunner | None, mode: str) -> GetByPk[Any] | None:
    """A GetByPk when ``kwargs`` is just the primary key and the model's manager is the plain one."""
    if len(kwargs) != 1:
        return None
    ((key, value),) = kwargs.items()
    meta = model._meta
    if (
        (key == "pk" or key == meta.pk_attr)
        and isinstance(value, _SCALAR_KEYS)
        and not isinstance(value, bool)
        and type(meta.manager).get_queryset is Manager.get_queryset
    ):
        return GetByPk(model, value, db, mode)
    return None
