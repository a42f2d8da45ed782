"""PostgreSQL through psycopg 3 (``psycopg_pool``), for ``psycopg://`` URLs.

Same URL parameters as the asyncpg backend; the SQL dialect is shared.
"""

from __future__ import annotations

import asyncio
import itertools
import select
import time
from collections.abc import AsyncIterator, Sequence
from typing import Any, ClassVar

import psycopg
from psycopg import errors as pg_errors
from psycopg.types.string import TextLoader
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from orm.backends.base.client import QueryRunner, Row, TransactionClient
from orm.backends.base.schema import SchemaGenerator
from orm.backends.base_postgres.dialect import PostgresDialect
from orm.backends.server import ServerClient
from orm.exceptions import BaseORMException, DBConnectionError, IntegrityError, OperationalError

_cursor_names = itertools.count()


def _input_waiting(conn: psycopg.AsyncConnection) -> bool:
    """Whether the server sent something to this idle connection (or it is closed)."""
    try:
        fd = conn.pgconn.socket
        if hasattr(select, "poll"):  # no limit on descriptor numbers, unlike select()
            poller = select.poll()
            poller.register(fd, select.POLLIN)
            return bool(poller.poll(0))
        return bool(select.select([fd], [], [], 0)[0])
    except (psycopg.Error, OSError, ValueError):
        return True


class PsycopgDialect(PostgresDialect):
    """PostgreSQL with psycopg's ``%s`` placeholders."""

    def placeholder(self, index: int) -> str:
        return "%s"


class PsycopgClient(ServerClient):
    """Client for ``psycopg://`` URLs."""

    server_kind = "postgres"
    dialect_class: ClassVar[type[PostgresDialect]] = PsycopgDialect
    schema_generator = SchemaGenerator
    error_map = (
        (pg_errors.IntegrityError, IntegrityError),
        (pg_errors.AdminShutdown, DBConnectionError),
        (psycopg.InterfaceError, DBConnectionError),
        (psycopg.Error, OperationalError),
    )

    def __init__(self, connection_name: str = "default", **credentials: Any) -> None:
        super().__init__(connection_name, **credentials)
        self._pool: AsyncConnectionPool | None = None

    def translate_error(self, exc: Exception, sql: str) -> BaseORMException:
        # psycopg's OperationalError also covers lock timeouts and cancellations: only a missing
        # SQLSTATE, class 08 (connection exception) or an administrator's shutdown mean the link is gone
        if isinstance(exc, psycopg.OperationalError):
            state = getattr(exc, "sqlstate", None)
            if state is None or state.startswith("08") or state in ("57P01", "57P02", "57P03"):
                return DBConnectionError(f"{self.describe_target()}: {exc}")
            return OperationalError(str(exc))
        return super().translate_error(exc, sql)

    def is_disconnect(self, exc: Exception) -> bool:
        if not isinstance(exc, psycopg.OperationalError):
            return False
        state = getattr(exc, "sqlstate", None)
        return state is None or state.startswith("08") or state in ("57P01", "57P02", "57P03")

    def is_unsent(self, exc: Exception) -> bool:
        # raised by psycopg before sending anything, on a connection it knows is closed
        return isinstance(exc, psycopg.OperationalError) and str(exc) == "the connection is closed"

    # -- lifecycle -------------------------------------------------------------------------
    def _conninfo(self, database: str | None = None) -> str:
        server = self.server
        parts = {
            "host": server.host, "port": server.port, "dbname": database or server.database,
            "user": server.user, "password": server.password,
            "connect_timeout": max(1, int(server.connect_timeout)),
            "options": "-c timezone=UTC" + (f" -c search_path={server.schema}" if server.schema else ""),
        }
        if server.options.get("application_name"):
            parts["application_name"] = server.options["application_name"]
        if server.options.get("ssl"):
            parts["sslmode"] = "require" if server.options["ssl"] is True else server.options["ssl"]
        return psycopg.conninfo.make_conninfo(**{k: v for k, v in parts.items() if v is not None})

    @staticmethod
    async def _configure(conn: psycopg.AsyncConnection) -> None:
        # JSON arrives as text: the JSONField decodes it (so a JSON string stays a string)
        for json_type in ("json", "jsonb"):
            conn.adapters.register_loader(json_type, TextLoader)

    async def _open(self) -> None:
        server = self.server
        try:  # one plain connection first: an unreachable server fails at once, saying why
            probe = await psycopg.AsyncConnection.connect(self._conninfo(), autocommit=True)
        except (psycopg.Error, OSError) as exc:
            raise server.unreachable(exc) from exc
        await probe.close()
        pool = AsyncConnectionPool(
            self._conninfo(), min_size=server.minsize, max_size=server.maxsize, open=False,
            kwargs={"autocommit": True}, configure=self._configure, timeout=server.acquire_timeout,
        )
        try:
            await pool.open(wait=True, timeout=server.connect_timeout)
        except (PoolTimeout, psycopg.Error, OSError) as exc:
            await pool.close()
            raise server.unreachable(exc) from exc
        self._pool = pool

    async def _close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close(timeout=10)

    async def _abandon(self) -> None:
        self._pool = None
        await super()._abandon()

    async def _admin(self, sql: str) -> None:
        try:
            conn = await psycopg.AsyncConnection.connect(self._conninfo("postgres"), autocommit=True)
        except psycopg.Error as exc:
            raise self.server.unreachable(exc) from exc
        try:
            await conn.execute(sql)
        except psycopg.Error as exc:
            raise OperationalError(str(exc)) from exc
        finally:
            await conn.close()

    async def _take(self) -> psycopg.AsyncConnection:
        pool = self._pool
        if pool is None:
            raise self.pool_closed()
        try:
            return await self._live_connection(pool)
        except PoolTimeout:
            raise self.server.pool_exhausted() from None

    async def _give(self, conn: psycopg.AsyncConnection, error: BaseException | None) -> None:
        try:
            # A pooled connection's exit ends any implicit transaction (commit, or rollback
            # after an error) and leaves the connection open.
            await conn.__aexit__(type(error) if error else None, error, None)
        finally:
            pool = self._pool
            if pool is None:  # closed meanwhile
                await conn.close()
            else:
                await pool.putconn(conn)  # a closed (broken) connection is replaced by a new one

    async def _live_connection(self, pool: AsyncConnectionPool) -> psycopg.AsyncConnection:
        """A connection of the pool that the server did not close while it sat idle.

        An idle connection has nothing to read unless the server spoke first, which is mostly
        its goodbye (a restart, ``pg_terminate_backend``): only such a connection is tested with an
        empty statement, and dropped if that fails. So a statement is not sent to a connection
        known to be dead, and costs no extra round trip otherwise.
        """
        deadline = time.monotonic() + self.server.acquire_timeout
        while True:
            conn = await pool.getconn(timeout=max(deadline - time.monotonic(), 0.001))
            if not _input_waiting(conn):
                return conn
            try:
                await conn.execute("")
                return conn
            except psycopg.Error:
                await conn.close()
                await pool.putconn(conn)
            except BaseException:
                await pool.putconn(conn)
                raise

    # -- statements: no parameters means no placeholder parsing (a literal % stays as it is) --------
    async def _cursor(self, conn: psycopg.AsyncConnection, sql: str, params: Sequence[Any]) -> psycopg.AsyncCursor:
        return await conn.execute(sql, params or None)

    async def _fetch_all(self, conn: psycopg.AsyncConnection, sql: str, params: Sequence[Any]) -> list[Row]:
        return await (await self._cursor(conn, sql, params)).fetchall()

    async def _execute(self, conn: psycopg.AsyncConnection, sql: str, params: Sequence[Any]) -> int:
        return max((await self._cursor(conn, sql, params)).rowcount, 0)

    async def _insert(self, conn: psycopg.AsyncConnection, sql: str, params: Sequence[Any], returning: bool) -> Any:
        cursor = await self._cursor(conn, sql, params)
        return await cursor.fetchall() if returning else None

    async def _execute_many(
        self, conn: psycopg.AsyncConnection, sql: str, params_list: Sequence[Sequence[Any]]
    ) -> None:
        async with conn.cursor() as cursor:
            await cursor.executemany(sql, params_list)

    async def _execute_script(self, conn: psycopg.AsyncConnection, sql: str) -> None:
        await conn.execute(sql)

    async def _execute_query(
        self, conn: psycopg.AsyncConnection, sql: str, params: Sequence[Any]
    ) -> tuple[int, list[dict[str, Any]]]:
        cursor = await self._cursor(conn, sql, params)
        if cursor.description is None:
            return max(cursor.rowcount, 0), []
        names = [column.name for column in cursor.description]
        rows = await cursor.fetchall()
        return len(rows), [dict(zip(names, row)) for row in rows]

    async def _stream(
        self, runner: QueryRunner, sql: str, params: Sequence[Any], chunk_size: int
    ) -> AsyncIterator[list[Row]]:
        name = f"orm_stream_{next(_cursor_names)}"
        if isinstance(runner, TransactionClient):
            async with runner._acquire() as conn:
                cursor = conn.cursor(name)
                await cursor.execute(sql, params or None)
            try:
                while True:
                    async with runner._acquire() as conn:
                        rows = await cursor.fetchmany(chunk_size)
                    if not rows:
                        return
                    yield rows
            finally:
                await asyncio.shield(cursor.close())
        async with runner._acquire() as conn, conn.transaction(), conn.cursor(name) as cursor:
            await cursor.execute(sql, params or None)
            while rows := await cursor.fetchmany(chunk_size):
                yield rows


client_class = PsycopgClient
