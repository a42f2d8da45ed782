"""What relation attributes give on an instance.

- ``event.tournament`` before it is fetched: ``RelatedObjectQuery`` (await it);
- ``tournament.events``: ``ReverseRelation``, a manager (await, filter, ``async for``);
- ``event.participants``: ``ManyToManyRelation``, which adds ``add/remove/clear``.

After ``fetch_related`` / ``prefetch_related`` / ``select_related`` (or after
awaiting), the values are cached on the instance and plain iteration works.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from orm.connection import db_for
from orm.exceptions import NoValuesFetched, OperationalError, ValidationError
from orm.expressions import Expression, Resolved
from orm.sql.writer import SQLWriter

if TYPE_CHECKING:
    from orm.backends.base.client import QueryRunner
    from orm.fields.relational import (
        BackwardFKRelation,
        BackwardOneToOneRelation,
        ForeignKeyFieldInstance,
        ManyToManyFieldInstance,
    )
    from orm.models import Model
    from orm.queryset import QuerySet
    from orm.sql.resolve import Resolver

MODEL = TypeVar("MODEL", bound="Model")


def _require_saved(instance: Model) -> None:
    if instance.pk is None or not instance._saved_in_db:
        raise OperationalError(
            f"{type(instance).__name__} is not saved yet: call .save() before querying its relations"
        )


class RelatedObjectQuery(Generic[MODEL]):
    """An unfetched forward relation: ``await event.tournament`` loads (and caches) it."""

    def __init__(self, field: ForeignKeyFieldInstance[MODEL], instance: Model) -> None:
        self.field = field
        self.instance = instance

    def __await__(self) -> Generator[Any, None, MODEL | None]:
        return self._fetch().__await__()

    async def _fetch(self) -> MODEL | None:
        field, state = self.field, self.instance.__dict__
        key = state.get(field.id_attr)
        related = None
        if key is not None:
            qs = field.related_model._meta.manager.get_queryset()
            related = await qs.filter(**{field.to_field: key}).first()  # type: ignore[misc]
        state[field.cache_key] = related
        return related  # type: ignore[return-value]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        owner = f"{type(self.instance).__name__}.{self.field.model_field_name}"
        raise AttributeError(
            f"{owner} is not fetched, so it has no attribute {name!r}: use "
            f"`await obj.{self.field.model_field_name}`, fetch_related(), select_related() "
            "or prefetch_related() first"
        )

    def __repr__(self) -> str:
        return f"<unfetched {self.field.related_model.__name__} relation (await it)>"


class ReverseOneQuery(RelatedObjectQuery[MODEL]):
    """An unfetched reverse one-to-one relation."""

    def __init__(self, field: BackwardOneToOneRelation[MODEL], instance: Model) -> None:  # type: ignore[override]
        self.field = field  # type: ignore[assignment]
        self.instance = instance

    async def _fetch(self) -> MODEL | None:
        field = self.field
        _require_saved(self.instance)
        key = getattr(self.instance, field.to_field)  # type: ignore[attr-defined]
        qs = field.related_model._meta.manager.get_queryset()
        related = await qs.filter(**{field.relation_field: key}).first()  # type: ignore[attr-defined]
        self.instance.__dict__[field.cache_key] = related
        return related  # type: ignore[return-value]


class ReverseRelation(Generic[MODEL]):
    """The related rows of one instance; a queryset-like manager."""

    def __init__(self, field: Any, instance: Model) -> None:
        self.field = field
        self.instance = instance
        self.remote_model: type[MODEL] = field.related_model
        self._fetched = False
        self.related_objects: list[MODEL] = []

    # -- querying ----------------------------------------------------------------
    def _query(self) -> QuerySet[MODEL]:
        _require_saved(self.instance)
        field: BackwardFKRelation[Any] = self.field
        key = getattr(self.instance, field.to_field)
        return self.remote_model._meta.manager.get_queryset().filter(**{field.relation_field: key})

    def all(self) -> QuerySet[MODEL]:
        """A queryset of the related rows."""
        return self._query()

    def filter(self, *args: Any, **kwargs: Any) -> QuerySet[MODEL]:
        return self._query().filter(*args, **kwargs)

    def exclude(self, *args: Any, **kwargs: Any) -> QuerySet[MODEL]:
        return self._query().exclude(*args, **kwargs)

    def order_by(self, *orderings: str) -> QuerySet[MODEL]:
        return self._query().order_by(*orderings)

    def limit(self, limit: int) -> QuerySet[MODEL]:
        return self._query().limit(limit)

    def offset(self, offset: int) -> QuerySet[MODEL]:
        return self._query().offset(offset)

    def values(self, *fields: str, **named: str) -> Any:
        return self._query().values(*fields, **named)

    def values_list(self, *fields: str, flat: bool = False) -> Any:
        return self._query().values_list(*fields, flat=flat)

    def count(self) -> Any:
        return self._query().count()

    def __await__(self) -> Generator[Any, None, list[MODEL]]:
        return self._fetch().__await__()

    async def _fetch(self) -> list[MODEL]:
        self._set_result_for_query(await self._query())
        return self.related_objects

    def _set_result_for_query(self, objects: list[MODEL], attr: str | None = None) -> None:
        self.related_objects = list(objects)
        self._fetched = True
        if attr:
            setattr(self.instance, attr, self.related_objects)

    # -- after fetching ------------------------------------------------------------------
    async def __aiter__(self) -> AsyncIterator[MODEL]:
        if not self._fetched:
            await self._fetch()
        for obj in self.related_objects:
            yield obj

    def _require_fetched(self) -> list[MODEL]:
        if not self._fetched:
            owner = f"{type(self.instance).__name__}.{self.field.model_field_name}"
            raise NoValuesFetched(
                f"{owner} is not fetched: `await` it, use `async for`, "
                "or fetch_related()/prefetch_related() first"
            )
        return self.related_objects

    def __iter__(self) -> Iterator[MODEL]:
        return iter(self._require_fetched())

    def __len__(self) -> int:
        return len(self._require_fetched())

    def __bool__(self) -> bool:
        return bool(self._require_fetched())

    def __contains__(self, item: object) -> bool:
        return item in self._require_fetched()

    def __getitem__(self, index: int) -> MODEL:
        return self._require_fetched()[index]

    def __repr__(self) -> str:
        state = f"{len(self.related_objects)} fetched" if self._fetched else "not fetched"
        return (
            f"<{type(self).__name__} {type(self.instance).__name__}.{self.field.model_field_name}: {state}>"
        )


class _ThroughKeys(Expression):
    """``SELECT forward_key FROM through WHERE backward_key = <owner pk>``."""

    def __init__(self, field: ManyToManyFieldInstance[Any], owner_key: Any) -> None:
        self.field = field
        self.owner_key = owner_key

    def resolve(self, resolver: Resolver) -> Resolved:
        return Resolved(self)  # type: ignore[arg-type]

    def __sql__(self, w: SQLWriter) -> None:
        field = self.field
        key = field.model._meta.pk.db_converter(w.dialect)(self.owner_key)
        w.write("SELECT ").ident(field.forward_key).write(" FROM ").ident(field.through)  # type: ignore[arg-type]
        w.write(" WHERE ").ident(field.backward_key).write("=").value(key)


class ManyToManyRelation(ReverseRelation[MODEL]):
    """The linked rows of one instance, with ``add``, ``remove`` and ``clear``."""

    def _query(self) -> QuerySet[MODEL]:
        _require_saved(self.instance)
        keys = _ThroughKeys(self.field, self.instance.pk)
        return self.remote_model._meta.manager.get_queryset().filter(pk__in=keys)

    def _client(self, using_db: QueryRunner | None) -> QueryRunner:
        return db_for(type(self.instance), using_db, write=True)

    def _keys(self, instances: tuple[Any, ...]) -> list[Any]:
        keys = []
        for obj in instances:
            if not isinstance(obj, self.remote_model):
                raise ValidationError(
                    f"{type(self.instance).__name__}.{self.field.model_field_name} links "
                    f"{self.remote_model.__name__} instances, not {type(obj).__name__}"
                )
            if obj.pk is None or not obj._saved_in_db:
                raise OperationalError(f"You should first call .save() on {obj!r} before linking it")
            keys.append(obj.pk)
        return list(dict.fromkeys(keys))

    async def add(self, *instances: MODEL, using_db: QueryRunner | None = None) -> None:
        """Link these instances (already linked ones are left alone)."""
        _require_saved(self.instance)
        keys = self._keys(instances)
        if not keys:
            return
        from orm.sql.statements import through_insert_sql, through_select_sql

        client = self._client(using_db)
        async with client.in_transaction() as tx:
            rows = await tx.fetch_all(*through_select_sql(self.field, tx.dialect, self.instance.pk, keys))
            convert = self.remote_model._meta.pk.python_converter(tx.dialect)
            linked = {convert(row[0]) if convert else row[0] for row in rows}
            missing = [key for key in keys if key not in linked]
            if missing:
                await tx.execute(*through_insert_sql(self.field, tx.dialect, self.instance.pk, missing))

    async def remove(self, *instances: MODEL, using_db: QueryRunner | None = None) -> None:
        """Unlink these instances."""
        _require_saved(self.instance)
        keys = self._keys(instances)
        if keys:
            from orm.sql.statements import through_delete_sql

            client = self._client(using_db)
            await client.execute(*through_delete_sql(self.field, client.dialect, self.instance.pk, keys))

    async def clear(self, using_db: QueryRunner | None = None) -> None:
        """Unlink every instance."""
        _require_saved(self.instance)
        from orm.sql.statements import through_delete_sql

        client = self._client(using_db)
        await client.execute(*through_delete_sql(self.field, client.dialect, self.instance.pk, None))
