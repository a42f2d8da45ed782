"""MySQL and MariaDB through asyncmy, with a connection pool.

URL: ``mysql://user:password@host:3306/database?minsize=1&maxsize=10``; also
``connect_timeout``, ``acquire_timeout``, ``charset``, ``ssl``. MariaDB is
detected on connect, and its dialect (with RETURNING) is used.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from typing import Any

import asyncmy
from asyncmy import errors as my_errors
from asyncmy.constants import CLIENT
from asyncmy.cursors import SSCursor

from orm.backends.base.client import Capabilities, QueryRunner, Row
from orm.backends.base.schema import SchemaGenerator
from orm.backends.mysql.dialect import MariaDBDialect, MySQLDialect
from orm.backends.server import ServerClient, within
from orm.exceptions import BaseORMException, DBConnectionError, IntegrityError, OperationalError

#: Error codes meaning the connection is gone or unusable (SERVER_GONE, SERVER_LOST...;
#: asyncmy uses 0 for a statement cancelled half-way, after which the protocol state is lost).
CONNECTION_LOST = {0, 2002, 2003, 2006, 2013, 2055}
#: The server went away or the connection dropped (2013: during the statement).
SERVER_GONE = {2006, 2013, 2055}
#: Errors that break a constraint though the driver calls them operational (1364: a required value is missing).
CONSTRAINT_VIOLATED = {1048, 1062, 1216, 1217, 1364, 1451, 1452}


def _code(exc: BaseException) -> int | None:
    return exc.args[0] if exc.args and isinstance(exc.args[0], int) else None


class MySQLClient(ServerClient):
    """Client for ``mysql://`` URLs (MySQL 8 and MariaDB 10.5+)."""

    server_kind = "mysql"
    dialect_class = MySQLDialect
    schema_generator = SchemaGenerator
    error_map = (
        (my_errors.IntegrityError, IntegrityError),
        (my_errors.Error, OperationalError),
    )

    def __init__(self, connection_name: str = "default", **credentials: Any) -> None:
        super().__init__(connection_name, **credentials)
        self._pool: Any = None

    def make_capabilities(self) -> Capabilities:
        # Tortoise names the family: "mysql" for MariaDB too (code tests ``capabilities.dialect``)
        return replace(super().make_capabilities(), dialect="mysql")

    def translate_error(self, exc: Exception, sql: str) -> BaseORMException:
        code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
        if code in CONNECTION_LOST:
            return DBConnectionError(f"{self.describe_target()}: {exc}")
        if code in CONSTRAINT_VIOLATED:
            return IntegrityError(str(exc))
        return super().translate_error(exc, sql)

    def is_disconnect(self, exc: Exception) -> bool:
        return _code(exc) in SERVER_GONE or self.is_unsent(exc) or super().is_disconnect(exc)

    def is_unsent(self, exc: Exception) -> bool:
        # 2006 comes from writing to a connection already closed; InterfaceError 0 from using one
        # asyncmy had closed (both before anything was sent)
        return _code(exc) == 2006 or (isinstance(exc, my_errors.InterfaceError) and _code(exc) == 0)

    # -- lifecycle -------------------------------------------------------------------------
    def _connect_kwargs(self, database: str | None) -> dict[str, Any]:
        server = self.server
        kwargs: dict[str, Any] = {
            "host": server.host, "port": server.port, "user": server.user or "root",
            "password": server.password or "", "db": database,
            "charset": server.options.get("charset", "utf8mb4"), "autocommit": True,
            "connect_timeout": server.connect_timeout, "init_command": "SET time_zone = '+00:00'",
            # rowcount = rows matched, as on other databases (not only rows whose values changed)
            "client_flag": CLIENT.FOUND_ROWS,
        }
        if server.options.get("ssl"):
            kwargs["ssl"] = server.options["ssl"]
        return kwargs

    async def _open(self) -> None:
        server = self.server
        try:
            # asyncmy's connect_timeout covers the TCP connect only: a server that accepts and then
            # says nothing would hold the handshake forever, so the whole opening is bounded here
            version = await within(self._open_pool(), server.connect_timeout)
        except (OSError, asyncio.TimeoutError, my_errors.Error) as exc:
            await self._close()
            raise server.unreachable(exc) from exc
        if "mariadb" in str(version).lower() and not isinstance(self.dialect, MariaDBDialect):
            self.dialect = MariaDBDialect()
            self.capabilities = self.make_capabilities()

    async def _open_pool(self) -> str:
        """Open the pool (``minsize`` connections) and return the server's version."""
        server = self.server
        self._pool = await asyncmy.create_pool(
            minsize=server.minsize, maxsize=server.maxsize, **self._connect_kwargs(server.database)
        )
        async with self._pool.acquire() as conn, conn.cursor() as cursor:
            await cursor.execute("SELECT VERSION()")
            (version,) = await cursor.fetchone()
        return str(version)

    async def _close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()
            await pool.wait_closed()

    async def _abandon(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.terminate()
        await super()._abandon()

    async def _admin(self, sql: str) -> None:
        try:
            conn = await asyncmy.connect(**self._connect_kwargs(None))
        except (OSError, my_errors.Error) as exc:
            raise self.server.unreachable(exc) from exc
        try:
            async with conn.cursor() as cursor:
                await cursor.execute(sql)
        finally:
            await conn.ensure_closed()

    async def _take(self) -> Any:
        pool = self._pool
        if pool is None:
            raise self.pool_closed()
        try:
            return await within(pool.acquire(), self.server.acquire_timeout)
        except asyncio.TimeoutError:
            raise self.server.pool_exhausted() from None

    async def _give(self, conn: Any, error: BaseException | None) -> None:
        if isinstance(error, (asyncio.CancelledError, DBConnectionError)):
            conn.close()  # a half-read result or a dead socket: never hand this connection out again
        pool = self._pool
        if pool is not None:
            pool.release(conn)

    # -- statements: no parameters means no %-interpolation (a literal % stays as it is) ------------
    async def _fetch_all(self, conn: Any, sql: str, params: Sequence[Any]) -> list[Row]:
        async with conn.cursor() as cursor:
            await cursor.execute(sql, params or None)
            return list(await cursor.fetchall())

    async def _execute(self, conn: Any, sql: str, params: Sequence[Any]) -> int:
        async with conn.cursor() as cursor:
            return await cursor.execute(sql, params or None)

    async def _insert(self, conn: Any, sql: str, params: Sequence[Any], returning: bool) -> Any:
        async with conn.cursor() as cursor:
            await cursor.execute(sql, params or None)
            return list(await cursor.fetchall()) if returning else cursor.lastrowid

    async def _execute_many(self, conn: Any, sql: str, params_list: Sequence[Sequence[Any]]) -> None:
        async with conn.cursor() as cursor:
            await cursor.executemany(sql, params_list)

    async def _execute_script(self, conn: Any, sql: str) -> None:
        async with conn.cursor() as cursor:
            for statement in filter(None, (s.strip() for s in sql.split(";\n"))):
                await cursor.execute(statement)

    async def _execute_query(self, conn: Any, sql: str, params: Sequence[Any]) -> tuple[int, list[dict[str, Any]]]:
        async with conn.cursor() as cursor:
            count = await cursor.execute(sql, params or None)
            if cursor.description is None:
                return count, []
            names = [column[0] for column in cursor.description]
            rows = await cursor.fetchall()
            return len(rows), [dict(zip(names, row)) for row in rows]

    async def _stream(
        self, runner: QueryRunner, sql: str, params: Sequence[Any], chunk_size: int
    ) -> AsyncIterator[list[Row]]:
        # an unbuffered cursor holds its connection until exhausted: no other statement may use it
        async with runner._acquire() as conn, conn.cursor(SSCursor) as cursor:
            await cursor.execute(sql, params or None)
            while rows := await cursor.fetchmany(chunk_size):
                yield list(rows)


client_class = MySQLClient
