"""Where the contenders' tables live: a folder of SQLite files, or a PostgreSQL schema of our own.

SQLite: one database file per contender, on /dev/shm where it exists (else a temp dir),
each in WAL mode. PostgreSQL: a schema ``bench_<pid>`` created for the run and dropped
(with everything in it) afterwards; every contender puts it on its search_path.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/test"


@dataclass(frozen=True)
class Target:
    #: ``sqlite`` or ``postgres``
    name: str
    #: SQLite: the folder holding one database file per contender
    folder: str = ""
    #: PostgreSQL: ``postgres://user@host:port/database`` and the schema of this run
    url: str = ""
    schema: str = ""
    #: the server's version (PostgreSQL), for the report
    version: str = ""

    def sqlite_path(self, contender: str) -> str:
        return os.path.join(self.folder, f"{contender}.sqlite3")

    def url_for(self, scheme: str) -> str:
        """The server URL with another scheme (``postgresql+asyncpg``...), without the query."""
        return f"{scheme}://{self.url.split('://', 1)[1].split('?', 1)[0]}"

    def reset_sql(self, table: str) -> list[str]:
        """Statements that empty ``table`` and restart its ids at 1 (tables use AUTOINCREMENT/SERIAL ids)."""
        if self.name == "sqlite":
            return [f'DELETE FROM "{table}"', f"DELETE FROM sqlite_sequence WHERE name = '{table}'"]
        return [f'TRUNCATE "{table}" RESTART IDENTITY']

    def after_load_sql(self, table: str) -> str | None:
        """Fresh planner statistics after bulk changes, so every contender's table gets the same plans."""
        return f'ANALYZE "{table}"' if self.name == "postgres" else None

    def quiet_sql(self, table: str) -> str | None:
        """No autovacuum on our tables while timing (it would land on one contender at random)."""
        return f'ALTER TABLE "{table}" SET (autovacuum_enabled = false)' if self.name == "postgres" else None


def sqlite_folder() -> str:
    base = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    return tempfile.mkdtemp(prefix="shellback-bench-", dir=base)


@asynccontextmanager
async def open_target(
    name: str, pg_url: str = DEFAULT_PG_URL, contenders: tuple[str, ...] = ()
) -> AsyncIterator[Target]:
    """A fresh place for ``name`` (``sqlite`` or ``postgres``), removed again on the way out."""
    if name == "sqlite":
        folder = sqlite_folder()
        try:
            for contender in contenders:  # WAL is a property of the file: the same for every library
                with sqlite3.connect(os.path.join(folder, f"{contender}.sqlite3")) as conn:
                    conn.execute("PRAGMA journal_mode=WAL")
            yield Target("sqlite", folder=folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    if name != "postgres":
        raise ValueError(f"unknown backend {name!r} (sqlite, postgres)")
    import asyncpg

    schema = f"bench_{os.getpid()}"
    try:
        conn = await asyncpg.connect(pg_url, timeout=10)
    except (OSError, asyncpg.PostgresError) as exc:
        raise SystemExit(f"PostgreSQL at {pg_url} is not reachable ({exc}); start it or pass --pg-url") from exc
    try:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE; CREATE SCHEMA "{schema}"')
        version = await conn.fetchval("SHOW server_version")
        yield Target("postgres", url=pg_url, schema=schema, version=f"PostgreSQL {version}")
    finally:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await conn.close()
