"""The raw drivers: aiosqlite (one call per statement, ``sqlite3.Row`` rows) and asyncpg (one connection).

This is the floor: hand-written SQL, rows exactly as the driver returns them, values
converted only as far as the driver needs (JSON to text; on SQLite also datetimes
and Decimals to text). Also here: ``pandas.read_sql`` (operation L only), reading the
raw contender's export table through a synchronous connection as pandas requires.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any

from benchmarks.backends import Target
from benchmarks.contenders import Contender, Row
from benchmarks.data import Column, Shape
from benchmarks.ops import PAGE

_TYPES = {
    "sqlite": {"datetime": "TIMESTAMP", "smallint": "SMALLINT", "float": "REAL", "int": "INT", "bigint": "BIGINT",
               "text": "TEXT", "decimal": "DECIMAL(12,4)", "json": "TEXT"},
    "postgres": {"datetime": "TIMESTAMPTZ", "smallint": "SMALLINT", "float": "DOUBLE PRECISION", "int": "INT",
                 "bigint": "BIGINT", "text": "TEXT", "decimal": "DECIMAL(12,4)", "json": "JSONB"},
}
_ID = {"sqlite": "INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL", "postgres": "SERIAL NOT NULL PRIMARY KEY"}


def _column_ddl(column: Column, backend: str) -> str:
    kind = f"VARCHAR({column.length})" if column.kind == "varchar" else _TYPES[backend][column.kind]
    null = "" if column.null else " NOT NULL"
    default = ""
    if column.default is not None:
        default = f" DEFAULT '{column.default}'" if isinstance(column.default, str) else f" DEFAULT {column.default}"
    return f'"{column.name}" {kind}{null}{default}'


class Sql:
    """The statements of one table, in one dialect's placeholders."""

    def __init__(self, shape: Shape, table: str, backend: str) -> None:
        self.backend = backend
        given = [c.name for c in shape.given]
        quoted = ", ".join(f'"{name}"' for name in shape.names)
        self.create = [
            f'CREATE TABLE "{table}" ("id" {_ID[backend]}, '
            + ", ".join(_column_ddl(c, backend) for c in shape.columns) + ")",
            *(f'CREATE INDEX "idx_{table}_{c.name}" ON "{table}" ("{c.name}")' for c in shape.columns if c.index),
        ]
        names = ", ".join(f'"{name}"' for name in given)
        self.insert = f'INSERT INTO "{table}" ({names}) VALUES ({self.marks(len(given))})'
        self.insert_returning = self.insert + ' RETURNING "id"'
        self.select = f'SELECT {quoted} FROM "{table}"'
        self.filter = f'{self.select} WHERE "level" >= {self.mark(1)} ORDER BY "id"'
        self.page = f'{self.select} ORDER BY "id" LIMIT {self.mark(1)} OFFSET {self.mark(2)}'
        self.get = f'{self.select} WHERE "id" = {self.mark(1)}'
        columns = shape.names[1:]
        sets = ", ".join(f'"{name}" = {self.mark(n + 1)}' for n, name in enumerate(columns))
        self.update_all = f'UPDATE "{table}" SET {sets} WHERE "id" = {self.mark(len(columns) + 1)}'
        self.update_level = f'UPDATE "{table}" SET "level" = {self.mark(1)} WHERE "id" = {self.mark(2)}'
        self.delete = f'DELETE FROM "{table}" WHERE "id" = {self.mark(1)}'
        self.level_at = shape.names.index("level")
        self.text_at = shape.names.index("text")

    def mark(self, n: int) -> str:
        return "?" if self.backend == "sqlite" else f"${n}"

    def marks(self, count: int) -> str:
        return ", ".join(self.mark(n + 1) for n in range(count))

    def load(self, count: int) -> str:
        return f'{self.select} WHERE "id" IN ({self.marks(count)}) ORDER BY "id"'


def _params_maker(shape: Shape, backend: str) -> Callable[[Row], list[Any]]:
    """Row dict -> the driver's parameter list (the conversions the driver cannot do itself)."""
    dumps = json.dumps

    def sqlite_value(kind: str) -> Callable[[Any], Any] | None:
        return {"datetime": datetime.isoformat, "decimal": Decimal.__str__, "json": dumps}.get(kind)

    converters = [(c.name, sqlite_value(c.kind) if backend == "sqlite" else (dumps if c.kind == "json" else None))
                  for c in shape.given]

    def params(row: Row) -> list[Any]:
        return [row[name] if convert is None or row[name] is None else convert(row[name])
                for name, convert in converters]

    return params


class RawContender(Contender):
    name = "raw"
    prefix = "raw"
    description = "aiosqlite (one call per statement, sqlite3.Row) / asyncpg (one connection), hand-written SQL"
    backend = ""

    @classmethod
    def make(cls, target: Target) -> Contender:
        return RawSqlite() if target.name == "sqlite" else RawAsyncpg()

    def sql(self, shape: Shape, export: bool = False) -> Sql:
        return self.statements[shape.name, export]

    def params(self, shape: Shape) -> Callable[[Row], list[Any]]:
        return self.converters[shape.name]

    def key(self, letter: str) -> Callable[[Any], tuple[int, int]]:
        if letter in "DEF":
            return lambda row: (row["id"], row["level"])
        return super().key(letter)

    async def setup(self, target: Target, shapes: Sequence[Shape]) -> None:
        self.statements = {(s.name, export): Sql(s, s.table(self.prefix, export), self.backend)
                           for s in shapes for export in (False, True)}
        self.converters = {s.name: _params_maker(s, self.backend) for s in shapes}
        await self.connect(target)
        for sql in self.statements.values():
            for statement in sql.create:
                await self.execute(statement)


class RawSqlite(RawContender):
    backend = "sqlite"

    async def connect(self, target: Target) -> None:
        import aiosqlite

        self.db = await aiosqlite.connect(target.sqlite_path(self.name), isolation_level=None)
        self.db.row_factory = sqlite3.Row
        await self.db.execute("PRAGMA foreign_keys=ON")

    async def close(self) -> None:
        await self.db.close()

    async def execute(self, sql: str) -> None:
        await self.db.execute(sql)

    async def fetch_one(self, sql: str) -> Sequence[Any]:
        return (await self.db.execute_fetchall(sql))[0]

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        await self.db.execute("BEGIN")
        try:
            yield
        except BaseException:
            await self.db.execute("ROLLBACK")
            raise
        await self.db.execute("COMMIT")

    async def seed(self, shape: Shape, rows: list[Row], export: bool = False) -> None:
        params = self.params(shape)
        async with self.transaction():
            await self.db.executemany(self.sql(shape, export).insert, [params(row) for row in rows])

    async def load(self, shape: Shape, ids: list[int]) -> list[Any]:
        return [list(row) for row in await self.db.execute_fetchall(self.sql(shape).load(len(ids)), ids)]

    async def insert_single(self, shape: Shape, rows: list[Row]) -> Any:
        sql, params, db = self.sql(shape).insert_returning, self.params(shape), self.db
        return [(await db.execute_fetchall(sql, params(row)))[0][0] for row in rows]

    async def insert_batch(self, shape: Shape, rows: list[Row]) -> Any:
        sql, params, db = self.sql(shape).insert_returning, self.params(shape), self.db
        async with self.transaction():
            return [(await db.execute_fetchall(sql, params(row)))[0][0] for row in rows]

    async def bulk_insert(self, shape: Shape, rows: list[Row]) -> Any:
        await self.seed(shape, rows)

    async def load_all(self, shape: Shape) -> list[Any]:
        return list(await self.db.execute_fetchall(self.sql(shape).filter, (0,)))

    async def pages(self, shape: Shape, offsets: list[int]) -> list[Any]:
        sql, db, result = self.sql(shape).page, self.db, []
        for offset in offsets:
            result.extend(await db.execute_fetchall(sql, (PAGE, offset)))
        return result

    async def get_by_pk(self, shape: Shape, ids: list[int]) -> list[Any]:
        sql, db = self.sql(shape).get, self.db
        return [(await db.execute_fetchall(sql, (pk,)))[0] for pk in ids]

    async def dicts(self, shape: Shape) -> list[Any]:
        return [dict(row) for row in await self.db.execute_fetchall(self.sql(shape).filter, (0,))]

    async def tuples(self, shape: Shape) -> list[Any]:
        return [tuple(row) for row in await self.db.execute_fetchall(self.sql(shape).filter, (0,))]

    async def update_whole(self, shape: Shape, objects: list[Any], values: list[tuple[int, str]]) -> Any:
        sql = self.sql(shape)
        update, level_at, text_at, db = sql.update_all, sql.level_at, sql.text_at, self.db
        async with self.transaction():
            for row, (level, text) in zip(objects, values):
                row[level_at], row[text_at] = level, text
                await db.execute(update, (*row[1:], row[0]))

    async def update_field(self, shape: Shape, objects: list[Any], levels: list[int]) -> Any:
        sql = self.sql(shape)
        update, level_at, db = sql.update_level, sql.level_at, self.db
        async with self.transaction():
            for row, level in zip(objects, levels):
                row[level_at] = level
                await db.execute(update, (level, row[0]))

    async def delete(self, shape: Shape, objects: list[Any]) -> Any:
        delete, db = self.sql(shape).delete, self.db
        async with self.transaction():
            for row in objects:
                await db.execute(delete, (row[0],))

    async def export_frame(self, shape: Shape) -> Any:
        import pandas as pd

        rows = await self.db.execute_fetchall(self.sql(shape, export=True).select)
        return pd.DataFrame.from_records(rows, columns=shape.names)


class RawAsyncpg(RawContender):
    backend = "postgres"

    async def connect(self, target: Target) -> None:
        import asyncpg

        self.conn = await asyncpg.connect(target.url, server_settings={"search_path": target.schema})

    async def close(self) -> None:
        await self.conn.close()

    async def execute(self, sql: str) -> None:
        await self.conn.execute(sql)

    async def fetch_one(self, sql: str) -> Sequence[Any]:
        return await self.conn.fetchrow(sql)

    async def seed(self, shape: Shape, rows: list[Row], export: bool = False) -> None:
        params = self.params(shape)
        await self.conn.executemany(self.sql(shape, export).insert, [params(row) for row in rows])

    async def load(self, shape: Shape, ids: list[int]) -> list[Any]:
        return [list(row) for row in await self.conn.fetch(self.sql(shape).load(len(ids)), *ids)]

    async def insert_single(self, shape: Shape, rows: list[Row]) -> Any:
        sql, params, conn = self.sql(shape).insert_returning, self.params(shape), self.conn
        return [await conn.fetchval(sql, *params(row)) for row in rows]

    async def insert_batch(self, shape: Shape, rows: list[Row]) -> Any:
        sql, params, conn = self.sql(shape).insert_returning, self.params(shape), self.conn
        async with conn.transaction():
            return [await conn.fetchval(sql, *params(row)) for row in rows]

    async def bulk_insert(self, shape: Shape, rows: list[Row]) -> Any:
        await self.seed(shape, rows)  # executemany is atomic (one transaction) in asyncpg

    async def load_all(self, shape: Shape) -> list[Any]:
        return await self.conn.fetch(self.sql(shape).filter, 0)

    async def pages(self, shape: Shape, offsets: list[int]) -> list[Any]:
        sql, conn, result = self.sql(shape).page, self.conn, []
        for offset in offsets:
            result.extend(await conn.fetch(sql, PAGE, offset))
        return result

    async def get_by_pk(self, shape: Shape, ids: list[int]) -> list[Any]:
        sql, conn = self.sql(shape).get, self.conn
        return [await conn.fetchrow(sql, pk) for pk in ids]

    async def dicts(self, shape: Shape) -> list[Any]:
        return [dict(row) for row in await self.conn.fetch(self.sql(shape).filter, 0)]

    async def tuples(self, shape: Shape) -> list[Any]:
        return [tuple(row) for row in await self.conn.fetch(self.sql(shape).filter, 0)]

    async def update_whole(self, shape: Shape, objects: list[Any], values: list[tuple[int, str]]) -> Any:
        sql = self.sql(shape)
        update, level_at, text_at, conn = sql.update_all, sql.level_at, sql.text_at, self.conn
        async with conn.transaction():
            for row, (level, text) in zip(objects, values):
                row[level_at], row[text_at] = level, text
                await conn.execute(update, *row[1:], row[0])

    async def update_field(self, shape: Shape, objects: list[Any], levels: list[int]) -> Any:
        sql = self.sql(shape)
        update, level_at, conn = sql.update_level, sql.level_at, self.conn
        async with conn.transaction():
            for row, level in zip(objects, levels):
                row[level_at] = level
                await conn.execute(update, level, row[0])

    async def delete(self, shape: Shape, objects: list[Any]) -> Any:
        delete, conn = self.sql(shape).delete, self.conn
        async with conn.transaction():
            for row in objects:
                await conn.execute(delete, row[0])

    async def export_frame(self, shape: Shape) -> Any:
        import pandas as pd

        rows = await self.conn.fetch(self.sql(shape, export=True).select)
        return pd.DataFrame.from_records(rows, columns=shape.names)


class ReadSqlContender(Contender):
    """``pandas.read_sql`` on the raw contender's export table: sqlite3, or SQLAlchemy + psycopg (sync)."""

    name = "read_sql"
    prefix = "raw"
    ops = "L"
    owns_tables = False
    description = "pandas.read_sql with a sqlite3 connection / a SQLAlchemy engine over psycopg (synchronous)"

    async def setup(self, target: Target, shapes: Sequence[Shape]) -> None:
        if target.name == "sqlite":
            self.conn: Any = sqlite3.connect(target.sqlite_path(RawContender.name))
        else:
            from sqlalchemy import create_engine

            self.conn = create_engine(target.url_for("postgresql+psycopg"),
                                      connect_args={"options": f"-c search_path={target.schema}"})

    async def close(self) -> None:
        if isinstance(self.conn, sqlite3.Connection):
            self.conn.close()
        else:
            self.conn.dispose()

    async def export_frame(self, shape: Shape) -> Any:
        import pandas as pd

        columns = ", ".join(f'"{name}"' for name in shape.names)
        sql = f'SELECT {columns} FROM "{shape.table(self.prefix, export=True)}"'
        if isinstance(self.conn, sqlite3.Connection):
            return pd.read_sql(sql, self.conn)
        from sqlalchemy import text

        return pd.read_sql(text(sql), self.conn)
