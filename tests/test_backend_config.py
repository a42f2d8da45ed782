"""Choosing and configuring a backend: every URL scheme, Tortoise-style engine configs, pool sizes
as the server sees them, each run's own schema or database, and what an unreachable server does
to a run (a failure with ``CI=true``, a one-line notice otherwise)."""

from __future__ import annotations

import asyncio
import importlib
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from orm import Tortoise
from orm.config import create_client, expand_db_url
from orm.connection import connections
from tests.helpers import RUN_ID, Backend
from tests.models import Team
from tests.reliability.support import Admin, app_name

ROOT = Path(__file__).resolve().parents[1]

SCHEMES = [
    ("sqlite://:memory:", "orm.backends.sqlite"),
    ("postgres://u@127.0.0.1:5432/d", "orm.backends.asyncpg"),
    ("postgresql://u@127.0.0.1:5432/d", "orm.backends.asyncpg"),
    ("asyncpg://u@127.0.0.1:5432/d", "orm.backends.asyncpg"),
    ("psycopg://u@127.0.0.1:5432/d", "orm.backends.psycopg"),
    ("mysql://u@127.0.0.1:3306/d", "orm.backends.mysql"),
]


@pytest.mark.parametrize(("url", "engine"), SCHEMES, ids=[u.split(":")[0] for u, _ in SCHEMES])
def test_each_url_scheme_selects_its_backend(url: str, engine: str) -> None:
    assert expand_db_url(url)["engine"] == engine
    client = create_client("probe", url)  # nothing connects until the first statement
    assert type(client) is importlib.import_module(engine).client_class


def test_tortoise_engine_strings_select_the_same_backends() -> None:
    for name in ("sqlite", "asyncpg", "psycopg", "mysql"):
        credentials = {"file_path": ":memory:"} if name == "sqlite" else {"host": "127.0.0.1", "database": "d"}
        client = create_client("probe", {"engine": f"tortoise.backends.{name}", "credentials": credentials})
        assert type(client) is importlib.import_module(f"orm.backends.{name}").client_class


# -- engine configs and pools, on the servers ----------------------------------------------------------
def servers_only(backend: Backend) -> None:
    if not backend.is_server:
        pytest.skip("SQLite has no server, no pool and no namespace")


def tortoise_credentials(backend: Backend, **extra: Any) -> dict[str, Any]:
    """The credentials dict a Tortoise config spells out for ``backend`` (as its docs show it)."""
    url = urlsplit(backend.url)
    credentials: dict[str, Any] = {
        "host": url.hostname, "port": str(url.port), "user": url.username, "password": url.password or "",
        "database": url.path.lstrip("/"), **dict(parse_qsl(url.query)), **extra,
    }
    return credentials


@asynccontextmanager
async def engine_session(backend: Backend, **extra: Any) -> AsyncIterator[None]:
    engine = {"asyncpg": "asyncpg", "psycopg": "psycopg", "mysql": "mysql"}[backend.name]
    config = {
        "connections": {
            "default": {"engine": f"tortoise.backends.{engine}", "credentials": tortoise_credentials(backend, **extra)}
        },
        "apps": {"models": {"models": ["tests.models"], "default_connection": "default"}},
    }
    await Tortoise.init(config=config)
    try:
        yield
    finally:
        await connections.close_all(discard=True)
        Tortoise._reset()


async def test_a_tortoise_engine_config_reaches_the_server(backend: Backend, db: Backend) -> None:
    """A config naming ``tortoise.backends.X`` with a credentials dict works like the URL."""
    servers_only(backend)
    await Team.create(name="through the URL")
    await connections.close_all(discard=True)
    Tortoise._reset()
    async with engine_session(backend):
        client = connections.get("default")
        assert type(client) is importlib.import_module(f"orm.backends.{backend.name}").client_class
        assert await Team.all().values_list("name", flat=True) == ["through the URL"]
        await Team.create(name="through the config")
        assert await Team.all().count() == 2


async def test_pool_sizes_from_the_url_are_what_the_server_sees(backend: Backend, db: Backend) -> None:
    """``minsize`` connections open at init; concurrent statements never use more than ``maxsize``."""
    servers_only(backend)
    await connections.close_all(discard=True)
    Tortoise._reset()
    name = app_name()
    extra = {"minsize": 2, "maxsize": 3}
    if backend.name != "mysql":
        extra["application_name"] = name
    async with Admin(backend) as admin, engine_session(backend, **extra):
        client = connections.get("default")
        await client.execute_query("SELECT 1")  # opened
        await asyncio.sleep(0.3)  # psycopg's pool fills up in the background
        assert len(await admin.sessions(name)) == 2
        sleep = "SELECT SLEEP(0.3)" if backend.name == "mysql" else "SELECT pg_sleep(0.3)"
        seen: list[int] = []

        async def count_sessions() -> None:
            for _ in range(5):
                await asyncio.sleep(0.1)
                seen.append(len(await admin.sessions(name)))

        await asyncio.gather(count_sessions(), *(client.execute_query(sleep) for _ in range(8)))
        assert max(seen) == 3, seen


async def test_each_run_works_in_a_namespace_of_its_own(backend: Backend, db: Backend) -> None:
    servers_only(backend)
    client = connections.get("default")
    sql = "SELECT DATABASE() AS here" if backend.name == "mysql" else "SELECT current_schema() AS here"
    here = (await client.execute_query_dict(sql))[0]["here"]
    assert here == backend.namespace
    assert here.startswith(RUN_ID) and str(os.getpid()) in RUN_ID  # named after this process and a random token


# -- an unreachable server ---------------------------------------------------------------------------
def run_pytest_against_a_dead_server(ci: bool) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ, "ORM_TEST_BACKENDS": "asyncpg",
        "ORM_TEST_POSTGRES_URL": "postgres://postgres@127.0.0.1:1/test?connect_timeout=2",
    }
    env.pop("CI", None)
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_smoke.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


@pytest.mark.slow
def test_in_ci_an_unreachable_server_fails_the_run_saying_how_to_start_it() -> None:
    done = run_pytest_against_a_dead_server(ci=True)
    output = done.stdout + done.stderr
    assert done.returncode == 3, output
    assert "asyncpg: cannot connect to postgres at 127.0.0.1:1" in output, output
    assert "start it with: pg_ctlcluster" in output and "CI=true" in output, output


@pytest.mark.slow
def test_outside_ci_an_unreachable_server_is_skipped_with_a_notice() -> None:
    done = run_pytest_against_a_dead_server(ci=False)
    output = done.stdout + done.stderr
    assert done.returncode in (0, 5), output  # nothing failed (no backend left: nothing collected)
    notices = [line for line in output.splitlines() if line.startswith("skipping backends")]
    assert len(notices) == 1, output
    assert notices[0].startswith("skipping backends asyncpg (cannot connect to postgres at 127.0.0.1:1 "), output
    assert notices[0].endswith("; CI=true makes this a failure"), output
