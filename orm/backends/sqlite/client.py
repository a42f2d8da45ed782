"""SQLite through aiosqlite: one connection per database, shared in turn.

SQLite allows one writer at a time, so the client keeps one connection and a
lock: a transaction holds the lock for its whole life, single statements take
it briefly. Other tasks wait instead of meeting "database is locked".
"""

from __future__ import annotations

import asyncio
import functools
import os
import sqlite3
from collections.abc import AsyncIterator, Sequence
from typing import Any

import aiosqlite

from orm.backends.base.client import BaseDBAsyncClient, QueryRunner, Row
from orm.backends.base.schema import SchemaGenerator
from orm.backends.sqlite import functions
from orm.backends.sqlite.dialect import SQLiteDialect
from orm.exceptions import DBConnectionError, IntegrityError, OperationalError, TransactionManagementError

#: PRAGMAs set on every new connection unless the URL says otherwise.
DEFAULT_PRAGMAS = {"foreign_keys": "ON", "journal_mode": "WAL", "busy_timeout": "5000"}


def _fetch_all(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> list[Row]:
    return conn.execute(sql, params).fetchall()


def _execute(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> int:
    return conn.execute(sql, params).rowcount


def _insert(conn: sqlite3.Connection, sql: str, params: Sequence[Any], returning: bool) -> Any:
    cursor = conn.execute(sql, params)
    if returning:
        return cursor.fetchall()
    return cursor.lastrowid


def _execute_query(
    conn: sqlite3.Connection, sql: str, params: Sequence[Any]
) -> tuple[int, list[dict[str, Any]]]:
    cursor = conn.execute(sql, params)
    rows = cursor.fetchall()
    if cursor.description is None:
        return cursor.rowcount, []
    names = [column[0] for column in cursor.description]
    return len(rows) if rows else max(cursor.rowcount, 0), [dict(zip(names, row)) for row in rows]


class SqliteClient(BaseDBAsyncClient):
    """Client for ``sqlite://`` URLs (``:memory:``, a relative or an absolute file path)."""

    dialect_class = SQLiteDialect
    schema_generator = SchemaGenerator
    error_map = (
        (sqlite3.IntegrityError, IntegrityError),
        (sqlite3.OperationalError, OperationalError),
        (sqlite3.DatabaseError, OperationalError),
    )
    loop_bound = False  # aiosqlite answers on whichever loop awaits it

    def __init__(self, file_path: str, connection_name: str = "default", **pragmas: Any) -> None:
        super().__init__(connection_name)
        self.filename = file_path
        self.pragmas = {**DEFAULT_PRAGMAS, **{k: str(v) for k, v in pragmas.items()}}
        self._db: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._holder: asyncio.Task[Any] | None = None

    def describe_target(self) -> str:
        return f"sqlite:{self.filename}"

    # -- lifecycle -------------------------------------------------------------------------
    async def _open(self) -> None:
        if self.filename != ":memory:":
            folder = os.path.dirname(os.path.abspath(self.filename))
            if not os.path.isdir(folder):
                raise DBConnectionError(f"sqlite: the folder {folder!r} does not exist")
        try:
            connecting = aiosqlite.connect(self.filename, isolation_level=None)
            # aiosqlite's worker thread is not a daemon, and the interpreter's exit waits for
            # every such thread: a connection the program never closed would hang its exit.
            worker = getattr(connecting, "_thread", None)
            if worker is not None:
                worker.daemon = True
            db = await connecting
            await db._execute(self._prepare, db._conn)
        except sqlite3.Error as exc:
            raise DBConnectionError(f"sqlite: cannot open {self.filename!r}: {exc}") from exc
        self._db = db
        self._lock = asyncio.Lock()

    def _prepare(self, conn: sqlite3.Connection) -> None:
        functions.register(conn)
        for name, value in self.pragmas.items():
            if not name.replace("_", "").isalnum() or not str(value).replace("-", "").isalnum():
                raise DBConnectionError(f"sqlite: invalid pragma {name}={value}")
            if self.filename == ":memory:" and name == "journal_mode":
                continue
            conn.execute(f"PRAGMA {name}={value}")

    async def _close(self) -> None:
        db, self._db = self._db, None
        if db is not None:
            await db.close()

    async def db_create(self) -> None:
        await self.ensure_connected()

    async def db_delete(self) -> None:
        await self.close()
        if self.filename != ":memory:":
            for suffix in ("", "-wal", "-shm"):
                try:
                    os.remove(self.filename + suffix)
                except FileNotFoundError:
                    pass

    async def _take(self) -> aiosqlite.Connection:
        task = asyncio.current_task()
        if self._holder is task and self._lock.locked():
            # Only a transaction holds the lock across awaits: waiting for it here would hang.
            raise TransactionManagementError(
                f"connection {self.connection_name!r} is held by a transaction open in this task; "
                "run the query in that transaction (inside `async with in_transaction()` queries use "
                "it unless given another client with using_db=)"
            )
        await self._lock.acquire()
        db = self._db
        if db is None:
            self._lock.release()
            raise DBConnectionError(f"sqlite: the connection to {self.filename!r} is closed")
        self._holder = task
        return db

    async def _give(self, conn: aiosqlite.Connection, error: BaseException | None) -> None:
        self._holder = None
        self._lock.release()

    # -- one call into the connection's thread per operation ---------------------------------
    @staticmethod
    async def _call(conn: aiosqlite.Connection, function: Any, *args: Any) -> Any:
        """Run ``function`` in the connection's thread; a cancelled caller interrupts the statement.

        The lock lets one operation at a time into the thread, so the statement interrupted
        is the caller's own (a kernel interrupt stops a long query instead of waiting it out).
        """
        try:
            return await conn._execute(function, *args)
        except asyncio.CancelledError:
            conn._conn.interrupt()
            raise

    async def _fetch_all(self, conn: aiosqlite.Connection, sql: str, params: Sequence[Any]) -> list[Row]:
        return await self._call(conn, _fetch_all, conn._conn, sql, params)

    async def _execute(self, conn: aiosqlite.Connection, sql: str, params: Sequence[Any]) -> int:
        return await self._call(conn, _execute, conn._conn, sql, params)

    async def _insert(
        self, conn: aiosqlite.Connection, sql: str, params: Sequence[Any], returning: bool
    ) -> Any:
        return await self._call(conn, _insert, conn._conn, sql, params, returning)

    async def _execute_many(
        self, conn: aiosqlite.Connection, sql: str, params_list: Sequence[Sequence[Any]]
    ) -> None:
        await self._call(conn, conn._conn.executemany, sql, params_list)

    async def _execute_script(self, conn: aiosqlite.Connection, sql: str) -> None:
        await self._call(conn, conn._conn.executescript, sql)

    async def _execute_query(
        self, conn: aiosqlite.Connection, sql: str, params: Sequence[Any]
    ) -> tuple[int, list[dict[str, Any]]]:
        return await self._call(conn, _execute_query, conn._conn, sql, params)

    async def _stream(
        self, runner: QueryRunner, sql: str, params: Sequence[Any], chunk_size: int
    ) -> AsyncIterator[list[Row]]:
        # The lock is taken per chunk, so the loop body may run queries between chunks.
        async with runner._acquire() as conn:
            cursor = await self._call(conn, conn._conn.execute, sql, params)
        fetch = functools.partial(cursor.fetchmany, chunk_size)
        try:
            while True:
                async with runner._acquire() as conn:
                    rows = await self._call(conn, fetch)
                if not rows:
                    return
                yield rows
        finally:
            async with runner._acquire() as conn:
                await conn._execute(cursor.close)


client_class = SqliteClient
