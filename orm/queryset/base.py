"""What every query object shares: immutable chaining, the client it runs on, ``sql()``."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from orm.connection import db_for
from orm.exceptions import FieldError, ParamsError

if TYPE_CHECKING:
    from typing_extensions import Self

    from orm.backends.base.client import QueryRunner
    from orm.models import Model
    from orm.sql.query import Query

MODEL = TypeVar("MODEL", bound="Model")
T = TypeVar("T")


class AwaitableQuery(Generic[T]):
    """A description of a query; ``await`` runs it. Methods return new objects."""

    _write: bool = False

    def __init__(self, model: type[Model], query: Query | None = None, db: QueryRunner | None = None) -> None:
        from orm.sql.query import Query

        self.model = model
        self._query = query if query is not None else Query(model)
        self._db = db

    def _copy(self) -> Self:
        other = object.__new__(type(self))
        other.__dict__.update(self.__dict__)
        return other

    def _chain(self, **changes: Any) -> Self:
        """A copy with the query state changed: the one way querysets are derived."""
        other = self._copy()
        other._query = self._query.replace(**changes)
        return other

    def using_db(self, db: QueryRunner | None) -> Self:
        """Run on ``db`` (a client or transaction) instead of the model's connection."""
        other = self._copy()
        other._db = db
        return other

    def _client(self) -> QueryRunner:
        return db_for(self.model, self._db, self._write)

    # -- execution ------------------------------------------------------------
    def __await__(self) -> Generator[Any, None, T]:
        return self._execute().__await__()

    async def _execute(self) -> T:  # pragma: no cover - abstract
        raise NotImplementedError

    def _compile(self) -> tuple[str, list[Any]]:  # pragma: no cover - abstract
        raise NotImplementedError

    def as_subquery(self, resolver: Any) -> Any:
        """This query as a value inside another query (``id__in=qs``, ``Subquery(qs)``)."""
        from orm.sql.compiler import subquery

        return subquery(self._query, resolver)

    def sql(self, params_inline: bool = False) -> str:
        """The SQL this query runs; ``params_inline=True`` shows values in place (display only)."""
        sql, params = self._compile()
        if not params_inline:
            return sql
        return self._client().dialect.inline_params(sql, params)

    def sql_params(self) -> tuple[str, list[Any]]:
        """The SQL and its bound parameters."""
        return self._compile()

    async def explain(self) -> Any:
        """The database's query plan for this query."""
        client = self._client()
        sql, params = self._compile()
        _, rows = await client.execute_query(client.dialect.explain_prefix + " " + sql, params)
        return rows


def check_alias(name: Any, what: str) -> None:
    """A name the user chose for a result column (annotation, ``values()`` key) must be a Python
    identifier: it becomes an attribute or a key, and never carries quotes, ``%`` or NUL into the SQL."""
    if not isinstance(name, str) or not name.isidentifier():
        raise FieldError(f"{what} {name!r} is not a Python identifier (letters, digits and _)")


def check_limit(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ParamsError(f"{what} must be a non-negative integer, not {value!r}")
    return value
