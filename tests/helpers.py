"""Backends the suite runs on, and a context manager giving an initialised ORM on one.

Server databases get a schema (PostgreSQL) or database (MariaDB) of their own
per test run, so parallel runs cannot collide. Tables are created once per set
of model modules and emptied between tests.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from orm import Tortoise
from orm.connection import connections

RUN_ID = f"orm_t_{os.getpid()}_{secrets.token_hex(3)}"

#: name -> (environment variable with the server URL, its default, how to start the server)
SERVERS = {
    "asyncpg": (
        "ORM_TEST_POSTGRES_URL",
        "postgres://postgres@127.0.0.1:5432/test",
        "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    ),
    "psycopg": (
        "ORM_TEST_PSYCOPG_URL",
        "psycopg://postgres@127.0.0.1:5432/test",
        "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    ),
    "mysql": (
        "ORM_TEST_MYSQL_URL",
        "mysql://root:@127.0.0.1:3306/test",
        "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd",
    ),
}
ALL_BACKENDS = ("sqlite", *SERVERS)


@dataclass(frozen=True)
class Backend:
    name: str
    url: str
    #: The schema (PostgreSQL) or database (MariaDB) this run owns.
    namespace: str | None = None

    @property
    def is_server(self) -> bool:
        return self.namespace is not None


def server_url(name: str) -> str:
    """The URL of a server backend (its environment variable, else the local default)."""
    variable, default, _ = SERVERS[name]
    return os.environ.get(variable, default)


def url_in(name: str, namespace: str) -> str:
    """The server URL pointing into ``namespace`` (a PostgreSQL schema or a MariaDB database)."""
    url = server_url(name)
    if name == "mysql":
        base, _, query = url.partition("?")
        return base.rsplit("/", 1)[0] + f"/{namespace}" + (f"?{query}" if query else "")
    return url + ("&" if "?" in url else "?") + f"schema={namespace}"


def requested_backends() -> list[str]:
    names = os.environ.get("ORM_TEST_BACKENDS", ",".join(ALL_BACKENDS)).split(",")
    unknown = set(names) - set(ALL_BACKENDS)
    if unknown:
        raise ValueError(f"ORM_TEST_BACKENDS has unknown names {sorted(unknown)}; known: {ALL_BACKENDS}")
    return names


def backend_for(name: str) -> Backend:
    if name == "sqlite":
        return Backend("sqlite", os.environ.get("ORM_TEST_SQLITE_URL", "sqlite://:memory:"))
    namespace = f"{RUN_ID}_{name}"
    return Backend(name, url_in(name, namespace), namespace)


# -- namespaces on the servers --------------------------------------------------------------
async def create_namespace(backend: Backend) -> None:
    """Create this run's schema/database (raises DBConnectionError if the server is down)."""
    from orm.config import create_client

    client = create_client("setup", server_url(backend.name))
    try:
        if backend.name == "mysql":
            await client.execute(f"CREATE DATABASE {client.dialect.quote(backend.namespace or '')}")
        else:
            await client.execute(f"CREATE SCHEMA {client.dialect.quote(backend.namespace or '')}")
    finally:
        await client.close()


async def drop_namespace(backend: Backend) -> None:
    from orm.config import create_client

    client = create_client("setup", server_url(backend.name))
    try:
        quoted = client.dialect.quote(backend.namespace or "")
        if backend.name == "mysql":
            await client.execute(f"DROP DATABASE IF EXISTS {quoted}")
        else:
            await client.execute(f"DROP SCHEMA IF EXISTS {quoted} CASCADE")
    finally:
        await client.close()


def start_hint(name: str) -> str:
    return SERVERS[name][2]


# -- per-test sessions ------------------------------------------------------------------------
_tables_for: dict[str, tuple[str, ...]] = {}


async def _drop_tables(backend: Backend) -> None:
    client = connections.client("default")
    quote = client.dialect.quote
    if backend.name == "mysql":
        rows = await client.fetch_all(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [backend.namespace]
        )
        async with client.in_transaction() as tx:  # one connection for the session setting
            await tx.execute("SET FOREIGN_KEY_CHECKS = 0")
            for (table,) in rows:
                await tx.execute(f"DROP TABLE {quote(table)}")
            await tx.execute("SET FOREIGN_KEY_CHECKS = 1")
    else:
        quoted = quote(backend.namespace or "")
        await client.execute(f"DROP SCHEMA IF EXISTS {quoted} CASCADE")
        await client.execute(f"CREATE SCHEMA {quoted}")


async def _empty_tables(backend: Backend) -> None:
    client = connections.client("default")
    quote = client.dialect.quote
    tables = [m._meta.db_table for m in Tortoise.apps.get("models", {}).values()]
    tables += sorted({f.through for m in Tortoise.apps.get("models", {}).values()
                      for f in m._meta.fields_map.values() if getattr(f, "through", None)})
    if backend.name == "mysql":
        async with client.in_transaction() as tx:
            await tx.execute("SET FOREIGN_KEY_CHECKS = 0")
            for table in tables:
                await tx.execute(f"TRUNCATE TABLE {quote(table)}")
            await tx.execute("SET FOREIGN_KEY_CHECKS = 1")
    elif tables:
        await client.execute(f"TRUNCATE {', '.join(quote(t) for t in tables)} RESTART IDENTITY CASCADE")


@asynccontextmanager
async def orm_session(
    backend: Backend, modules: Iterable[str] = ("tests.models",), **init_options: object
) -> AsyncIterator[Backend]:
    """Initialise the ORM on ``backend`` with empty tables, and close it afterwards."""
    modules = tuple(modules)
    await Tortoise.init(db_url=backend.url, modules={"models": list(modules)}, **init_options)  # type: ignore[arg-type]
    try:
        if not backend.is_server:
            await Tortoise.generate_schemas()
        elif _tables_for.get(backend.name) == modules:
            await _empty_tables(backend)
        else:
            _tables_for.pop(backend.name, None)
            await _drop_tables(backend)
            await Tortoise.generate_schemas(safe=False)
            _tables_for[backend.name] = modules
        yield backend
    finally:
        await connections.close_all(discard=True)
        Tortoise._reset()


def run(coro: object) -> object:
    """Run a coroutine outside pytest's loop (session setup/teardown)."""
    return asyncio.run(coro)  # type: ignore[arg-type]
