"""Queries that return one value: COUNT, EXISTS, UPDATE and DELETE."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from orm.persistence import set_default_references, set_defaults
from orm.queryset.base import AwaitableQuery
from orm.sql.compiler import compile_count, compile_delete, compile_exists, compile_update

if TYPE_CHECKING:
    from orm.backends.base.client import QueryRunner
    from orm.models import Model
    from orm.sql.query import Query


class CountQuery(AwaitableQuery[int]):
    """``await qs.count()``: the number of matching rows."""

    def _compile(self) -> tuple[str, list[Any]]:
        return compile_count(self._query, self._client().dialect)

    async def _execute(self) -> int:
        client = self._client()
        rows = await client.fetch_all(*compile_count(self._query, client.dialect))
        return int(rows[0][0])


class ExistsQuery(AwaitableQuery[bool]):
    """``await qs.exists()``: whether any row matches."""

    def _compile(self) -> tuple[str, list[Any]]:
        return compile_exists(self._query, self._client().dialect)

    async def _execute(self) -> bool:
        client = self._client()
        return bool(await client.fetch_all(*compile_exists(self._query, client.dialect)))


class UpdateQuery(AwaitableQuery[int]):
    """``await qs.update(field=value)``: the number of rows changed."""

    _write = True

    def __init__(
        self, model: type[Model], query: Query, db: QueryRunner | None, values: dict[str, Any]
    ) -> None:
        super().__init__(model, query, db)
        self.values = values

    def _compile(self) -> tuple[str, list[Any]]:
        return compile_update(self._query, self.values, self._client().dialect)

    async def _execute(self) -> int:
        client = self._client()
        return await client.execute(*compile_update(self._query, self.values, client.dialect))


class DeleteQuery(AwaitableQuery[int]):
    """``await qs.delete()``: the number of rows deleted."""

    _write = True

    def _compile(self) -> tuple[str, list[Any]]:
        return compile_delete(self._query, self._client().dialect)

    async def _execute(self) -> int:
        client = self._client()
        references = set_default_references(self.model, client.dialect)
        if not references:
            return await client.execute(*compile_delete(self._query, client.dialect))
        from orm.queryset.queryset import QuerySet

        async with client.in_transaction() as tx:  # ON DELETE SET DEFAULT applied by the ORM
            await set_defaults(references, QuerySet(self.model, self._query, tx), tx)
            return await tx.execute(*compile_delete(self._query, tx.dialect))


class RawSQLQuery(AwaitableQuery[list[Any]]):
    """``await Model.raw("SELECT ...")``: instances built from hand-written SQL.

    Columns named like the model's columns fill those fields; other columns
    become plain attributes. The SQL is sent as written: never build it from user input.
    """

    def __init__(
        self, model: type[Model], sql: str, db: QueryRunner | None, params: list[Any] | None = None
    ) -> None:
        super().__init__(model, None, db)
        self.raw_sql = sql
        self.params = list(params or ())

    def _compile(self) -> tuple[str, list[Any]]:
        return self.raw_sql, self.params

    async def _execute(self) -> list[Any]:
        client = self._client()
        rows = await client.execute_query_dict(self.raw_sql, self.params)
        meta = self.model._meta
        converters = {
            f.column: (f.model_field_name, f.python_converter(client.dialect)) for f in meta.db_fields
        }
        result = []
        for row in rows:
            obj = object.__new__(self.model)
            state = obj.__dict__
            state["_saved_in_db"] = True
            for column, value in row.items():
                name, convert = converters.get(column, (column, None))
                state[name] = convert(value) if convert is not None else value
            result.append(obj)
        return result
