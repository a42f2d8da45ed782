"""PostgreSQL through asyncpg, with a connection pool.

URL: ``postgres://user:password@host:5432/database?minsize=1&maxsize=10``; other
query parameters: ``schema`` (search_path), ``ssl``, ``connect_timeout``,
``acquire_timeout``, ``max_queries``, ``max_inactive_connection_lifetime``,
``statement_cache_size``, ``application_name``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from typing import Any

import asyncpg
from asyncpg import exceptions as pg_errors

from orm.backends.asyncpg.pool import ConnectionPool
from orm.backends.base.client import QueryRunner, Row, TransactionClient
from orm.backends.base.schema import SchemaGenerator
from orm.backends.base_postgres.dialect import PostgresDialect
from orm.backends.server import ServerClient, as_number, within
from orm.exceptions import DBConnectionError, IntegrityError, OperationalError

#: The server or the network ended the connection (the statement may have been running).
_DISCONNECTS = (
    pg_errors.ConnectionDoesNotExistError,
    pg_errors.AdminShutdownError,
    pg_errors.CrashShutdownError,
    pg_errors.CannotConnectNowError,
    ConnectionError,
    OSError,
)


def _rowcount(status: str | None) -> int:
    last = (status or "").rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class AsyncpgDBClient(ServerClient):
    """Client for ``postgres://`` and ``asyncpg://`` URLs."""

    server_kind = "postgres"
    dialect_class = PostgresDialect
    schema_generator = SchemaGenerator
    error_map = (
        (pg_errors.IntegrityConstraintViolationError, IntegrityError),
        (pg_errors.ConnectionDoesNotExistError, DBConnectionError),
        (pg_errors.AdminShutdownError, DBConnectionError),
        (pg_errors.CannotConnectNowError, DBConnectionError),
        (pg_errors.InvalidCatalogNameError, DBConnectionError),
        (pg_errors.InvalidPasswordError, DBConnectionError),
        (asyncpg.InterfaceError, DBConnectionError),
        (asyncpg.PostgresError, OperationalError),
    )

    def __init__(self, connection_name: str = "default", **credentials: Any) -> None:
        super().__init__(connection_name, **credentials)
        self._pool: ConnectionPool | None = None
        #: Pools being closed: they still take back the connections they lent.
        self._closing: list[ConnectionPool] = []

    def is_disconnect(self, exc: Exception) -> bool:
        return isinstance(exc, _DISCONNECTS) or self.is_unsent(exc)

    def is_unsent(self, exc: Exception) -> bool:
        # raised by asyncpg before sending anything, on a connection it knows is closed
        return isinstance(exc, asyncpg.InterfaceError) and "connection is closed" in str(exc)

    # -- lifecycle -------------------------------------------------------------------------
    def _connect_kwargs(self, database: str | None = None) -> dict[str, Any]:
        server = self.server
        settings = {"timezone": "UTC", **({"search_path": server.schema} if server.schema else {})}
        if server.options.get("application_name"):
            settings["application_name"] = str(server.options["application_name"])
        kwargs: dict[str, Any] = {
            "host": server.host, "port": server.port, "user": server.user, "password": server.password,
            "database": database or server.database, "timeout": server.connect_timeout,
            "server_settings": settings,
        }
        for name in ("ssl", "statement_cache_size"):
            if name in server.options:
                kwargs[name] = server.options[name]
        return kwargs

    async def _open(self) -> None:
        server = self.server
        options, limits = server.options, {}
        if "max_queries" in options:
            limits["max_queries"] = as_number(options["max_queries"], "max_queries")
        if "max_inactive_connection_lifetime" in options:
            limits["max_inactive_lifetime"] = as_number(
                options["max_inactive_connection_lifetime"], "max_inactive_connection_lifetime", float)
        connect_kwargs = self._connect_kwargs()
        pool = ConnectionPool(lambda: asyncpg.connect(**connect_kwargs), min_size=server.minsize,
                              max_size=server.maxsize, **limits)
        try:
            await pool.open()
        except (OSError, asyncio.TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise server.unreachable(exc) from exc
        self._pool = pool

    async def _close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            self._closing.append(pool)
            try:
                await within(pool.close(), 10)
            except (asyncio.TimeoutError, RuntimeError):  # RuntimeError: its loop is gone
                pool.terminate()
            finally:
                self._closing.remove(pool)

    async def _abandon(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.terminate()
        await super()._abandon()

    async def _admin(self, sql: str) -> None:
        conn = await asyncpg.connect(**self._connect_kwargs("postgres"))
        try:
            await conn.execute(sql)
        except asyncpg.PostgresError as exc:
            raise OperationalError(str(exc)) from exc
        finally:
            await conn.close()

    async def _take(self) -> asyncpg.Connection:
        pool = self._pool
        if pool is None:
            raise self.pool_closed()
        try:
            return await pool.take(self.server.acquire_timeout)
        except asyncio.TimeoutError:
            raise self.server.pool_exhausted() from None
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise self.server.unreachable(exc) from exc

    async def _give(self, conn: asyncpg.Connection, error: BaseException | None) -> None:
        pool = self._pool
        if pool is None or not pool.lent(conn):
            pool = next((old for old in self._closing if old.lent(conn)), None)
            if pool is None:  # its pool was terminated
                conn.terminate()
                return
        await pool.give(conn, error)

    # -- statements ---------------------------------------------------------------------------
    async def _fetch_all(self, conn: asyncpg.Connection, sql: str, params: Sequence[Any]) -> list[Row]:
        return await conn.fetch(sql, *params)

    async def _execute(self, conn: asyncpg.Connection, sql: str, params: Sequence[Any]) -> int:
        return _rowcount(await conn.execute(sql, *params))

    async def _insert(self, conn: asyncpg.Connection, sql: str, params: Sequence[Any], returning: bool) -> Any:
        if returning:
            return await conn.fetch(sql, *params)
        await conn.execute(sql, *params)
        return None

    async def _execute_many(self, conn: asyncpg.Connection, sql: str, params_list: Sequence[Sequence[Any]]) -> None:
        await conn.executemany(sql, params_list)

    async def _execute_script(self, conn: asyncpg.Connection, sql: str) -> None:
        await conn.execute(sql)

    async def _execute_query(
        self, conn: asyncpg.Connection, sql: str, params: Sequence[Any]
    ) -> tuple[int, list[dict[str, Any]]]:
        statement = await conn.prepare(sql)
        rows = await statement.fetch(*params)
        count = _rowcount(statement.get_statusmsg()) or len(rows)
        return count, [dict(row) for row in rows]

    async def _stream(
        self, runner: QueryRunner, sql: str, params: Sequence[Any], chunk_size: int
    ) -> AsyncIterator[list[Row]]:
        if isinstance(runner, TransactionClient):
            # inside a transaction: share its connection chunk by chunk, so the loop body can use it too
            async with runner._acquire() as conn:
                cursor = await conn.cursor(sql, *params)
            while True:
                async with runner._acquire() as conn:
                    rows = await cursor.fetch(chunk_size)
                if not rows:
                    return
                yield rows
        async with runner._acquire() as conn, conn.transaction(readonly=True):
            cursor = await conn.cursor(sql, *params)
            while rows := await cursor.fetch(chunk_size):
                yield rows


client_class = AsyncpgDBClient
