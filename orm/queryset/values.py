"""``values()`` / ``values_list()``: rows as dicts, tuples or single values."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from orm.hydration import builder, hydrate
from orm.queryset.base import AwaitableQuery, check_alias
from orm.sql.compiler import compile_select

if TYPE_CHECKING:
    from orm.queryset.queryset import QuerySet

ROW = TypeVar("ROW")


class RowList(list):  # type: ignore[type-arg]
    """The rows of a ``values()``/``values_list()`` query: a list that knows its columns."""

    def __init__(self, rows: Any = (), columns: list[str] | None = None, kind: str = "dict", model: Any = None) -> None:
        super().__init__(rows)
        self.columns = list(columns or [])
        self.kind = kind
        self.model = model

    def __reduce__(self) -> Any:  # pickles (and copies) as a plain list
        return (list, (list(self),))


class ValuesQuery(AwaitableQuery[list[ROW]], Generic[ROW]):
    """Rows of selected fields; ``kind`` is "dict", "tuple" or "flat"."""

    kind: str = "dict"
    _single: str | None = None

    @classmethod
    def build(
        cls, qs: QuerySet[Any], fields: tuple[str, ...], named: dict[str, str], kind: str
    ) -> ValuesQuery[Any]:
        meta = qs.model._meta
        if not fields and not named:
            fields = tuple(f.model_field_name for f in meta.db_fields)
            fields += tuple(name for name, _ in qs._query.annotations)
        for name in named:
            check_alias(name, "values() key")
        qs._check_keys([*fields, *named.values()])
        pairs = tuple((name, name) for name in fields) + tuple(named.items())
        values = cls(qs.model, qs._query.replace(values=pairs), qs._db)
        values.kind = kind
        values._single = qs._single
        return values

    def _compile(self) -> tuple[str, list[Any]]:
        sql, params, _ = compile_select(self._query, self._client().dialect)
        return sql, params

    async def _execute(self) -> Any:
        client = self._client()
        sql, params, layout = compile_select(self._query, client.dialect)
        rows = hydrate(await client.fetch_all(sql, params), layout, client.dialect, self.kind)
        if self._single is None:
            return RowList(rows, self.columns, self.kind, self.model)
        if len(rows) > 1 and self._single in ("get", "get_or_none"):
            raise self.model.MultipleObjectsReturned(self.model)  # the model's own subclass
        if rows:
            return rows[0]
        if self._single == "get":
            raise self.model.DoesNotExist(self.model)
        return None

    async def __aiter__(self) -> AsyncIterator[ROW]:
        client = self._client()
        sql, params, layout = compile_select(self._query, client.dialect)
        build = builder(layout, client.dialect, self.kind)
        async for rows in client.stream(sql, params, 1000):
            for row in rows:
                yield build(row)

    async def to_dataframe(
        self, decimal: str = "exact", index: str | None = None, progress: bool | None = None
    ) -> Any:
        """The rows as a pandas DataFrame, each column typed from its field.

        ``decimal="float"`` turns decimals into float64 (else exact Decimal objects);
        ``index`` names a column to use as the index; ``progress`` shows a progress bar
        (default: in notebooks, past 10,000 rows).
        """
        from orm.dataframe import fetch_rows, frame

        client = self._client()
        sql, params, layout = compile_select(self._query, client.dialect)
        rows = await fetch_rows(client, sql, params, progress)
        return frame(rows, layout.extras, client.dialect, decimal, index)

    async def to_polars(self, decimal: str = "exact", progress: bool | None = None) -> Any:
        """The rows as a polars DataFrame (polars must be installed), each column typed from its field.

        ``decimal="float"`` gives Float64 instead of polars Decimals; ``progress`` as for ``to_dataframe``.
        """
        from orm.dataframe import fetch_rows, polars_frame

        client = self._client()
        sql, params, layout = compile_select(self._query, client.dialect)
        rows = await fetch_rows(client, sql, params, progress)
        return polars_frame(rows, layout.extras, client.dialect, decimal)

    @property
    def columns(self) -> list[str]:
        """The output names, in order."""
        return [name for name, _ in self._query.values or ()]

    def __repr__(self) -> str:
        return f"<ValuesQuery of {self.model.__name__}: {', '.join(self.columns)}>"
