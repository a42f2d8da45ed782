"""Helpers of the reliability tests: what was sent, what the schema holds, and server admin."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any
from urllib.parse import urlsplit

from hypothesis import HealthCheck, settings

from orm.connection import connections
from tests.helpers import Backend, orm_session

MODULES = ("tests.models", "tests.models_reliability")
POSTGRES = ("asyncpg", "psycopg")

#: Hypothesis settings for tests that use the ``db`` fixture (the database outlives the examples);
#: no example database on disk: a failure prints its example.
examples = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None
)


# -- statements sent to the database ------------------------------------------------------------
class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.statements.append(str(record.args[1]) if isinstance(record.args, tuple) else record.getMessage())


@contextmanager
def statements_sent() -> Iterator[list[str]]:
    """The SQL statements the ORM sends while the block runs (the client logs each at DEBUG)."""
    logger = logging.getLogger("orm.db_client")
    collector = _Collector()
    level = logger.level
    logger.addHandler(collector)
    logger.setLevel(logging.DEBUG)
    try:
        yield collector.statements
    finally:
        logger.removeHandler(collector)
        logger.setLevel(level)


# -- the schema -----------------------------------------------------------------------------------
async def schema_state() -> dict[str, int]:
    """Every table of the test database (or schema) with its row count."""
    client = connections.client("default")
    kind = client.capabilities.dialect
    if kind == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
    elif kind == "mysql":
        sql = "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()"
    else:
        sql = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    tables = sorted(row[0] for row in await client.fetch_all(sql))
    quote = client.dialect.quote
    return {table: (await client.fetch_all(f"SELECT COUNT(*) FROM {quote(table)}"))[0][0] for table in tables}


# -- sessions with extra URL parameters -----------------------------------------------------------
def with_params(backend: Backend, **params: Any) -> Backend:
    """``backend`` with query parameters added to its URL."""
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return dataclasses.replace(backend, url=backend.url + ("&" if "?" in backend.url else "?") + query)


@asynccontextmanager
async def session(backend: Backend, **params: Any) -> AsyncIterator[Backend]:
    """An ORM session on ``backend`` with extra URL parameters (pool size, application_name...)."""
    async with orm_session(with_params(backend, **params) if params else backend, MODULES) as active:
        yield active


def app_name() -> str:
    """A PostgreSQL application_name no other connection uses."""
    return f"orm_rel_{secrets.token_hex(4)}"


# -- plain driver connections, beside the ORM's --------------------------------------------------
async def close_driver_connection(backend: Backend, conn: Any) -> None:
    """Close a driver connection opened for ``backend``: asyncpg's close() is a coroutine, sqlite3's
    and asyncmy's are not."""
    if backend.name in POSTGRES:
        await conn.close()
    else:
        conn.close()


# -- a server's administrator: who is connected, and ending connections -------------------------
class Admin:
    """A separate driver connection to the server of ``backend`` (never through the ORM)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        parts = urlsplit(backend.url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port
        self.user = parts.username or ("postgres" if backend.name in POSTGRES else "root")
        self.conn: Any = None

    async def __aenter__(self) -> Admin:
        if self.backend.name in POSTGRES:
            import asyncpg

            self.conn = await asyncpg.connect(host=self.host, port=self.port or 5432, user=self.user,
                                              database="postgres")
        else:
            import asyncmy

            self.conn = await asyncmy.connect(host=self.host, port=self.port or 3306, user=self.user,
                                              password="", autocommit=True)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await close_driver_connection(self.backend, self.conn)

    async def _mysql(self, sql: str, *params: Any) -> list[Any]:
        async with self.conn.cursor() as cursor:
            await cursor.execute(sql, params or None)
            return list(await cursor.fetchall())

    async def sessions(self, application_name: str | None = None) -> list[int]:
        """Server-side ids of the ORM's connections (PostgreSQL: by application_name;
        MariaDB: those using this run's database)."""
        if self.backend.name in POSTGRES:
            rows = await self.conn.fetch(
                "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()",
                application_name,
            )
            return [row[0] for row in rows]
        rows = await self._mysql(
            "SELECT id FROM information_schema.processlist WHERE db = %s AND id <> CONNECTION_ID()",
            self.backend.namespace,
        )
        return [row[0] for row in rows]

    async def end(self, ids: list[int]) -> None:
        """End these sessions from the server side and wait until they are gone."""
        for session_id in ids:
            if self.backend.name in POSTGRES:
                await self.conn.execute("SELECT pg_terminate_backend($1)", session_id)
            else:
                await self._mysql(f"KILL {int(session_id)}")
        for _ in range(100):
            if not set(ids) & set(await self._still_there(ids)):
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"sessions {ids} are still there after being ended")

    async def _still_there(self, ids: list[int]) -> list[int]:
        if self.backend.name in POSTGRES:
            rows = await self.conn.fetch("SELECT pid FROM pg_stat_activity WHERE pid = ANY($1::int[])", ids)
            return [row[0] for row in rows]
        marks = ", ".join(["%s"] * len(ids))
        rows = await self._mysql(f"SELECT id FROM information_schema.processlist WHERE id IN ({marks})", *ids)
        return [row[0] for row in rows]


# -- what another connection sees (committed rows only) -------------------------------------------
class Outside:
    """A second, plain driver connection to the test database: it sees committed rows only."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.conn: Any = None

    async def __aenter__(self) -> Outside:
        backend = self.backend
        parts = urlsplit(backend.url)
        if backend.name == "sqlite":
            import sqlite3

            self.conn = sqlite3.connect(backend.url.removeprefix("sqlite://"))
        elif backend.name in POSTGRES:
            import asyncpg

            self.conn = await asyncpg.connect(
                host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres",
                database=parts.path.lstrip("/"),
                server_settings={"search_path": backend.namespace or "public"},
            )
        else:
            import asyncmy

            self.conn = await asyncmy.connect(
                host=parts.hostname, port=parts.port or 3306, user=parts.username or "root", password="",
                db=backend.namespace, autocommit=True,
            )
        return self

    async def __aexit__(self, *exc: object) -> None:
        await close_driver_connection(self.backend, self.conn)

    async def values(self, table: str, column: str) -> list[Any]:
        """``column`` of every committed row of ``table``, sorted."""
        q = "`" if self.backend.name == "mysql" else '"'
        sql = f"SELECT {q}{column}{q} FROM {q}{table}{q} ORDER BY 1"
        if self.backend.name == "sqlite":
            return [row[0] for row in self.conn.execute(sql).fetchall()]
        if self.backend.name in POSTGRES:
            return [row[0] for row in await self.conn.fetch(sql)]
        async with self.conn.cursor() as cursor:
            await cursor.execute(sql)
            return [row[0] for row in await cursor.fetchall()]
