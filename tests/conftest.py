"""Fixtures: ``db`` gives an initialised ORM with empty tables, once per backend.

Backends: SQLite always; PostgreSQL (asyncpg and psycopg) and MariaDB/MySQL
when reachable (``ORM_TEST_BACKENDS`` narrows the list; ``ORM_TEST_POSTGRES_URL``,
``ORM_TEST_PSYCOPG_URL``, ``ORM_TEST_MYSQL_URL`` point elsewhere on 127.0.0.1).
With ``CI=true`` an unreachable server fails the run instead of being skipped.
"""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator

import pytest

from orm.exceptions import BaseORMException
from tests.helpers import Backend, backend_for, create_namespace, drop_namespace, requested_backends, run, start_hint

IN_CI = os.environ.get("CI", "").lower() == "true"


def _available_backends() -> tuple[list[Backend], list[str]]:
    chosen, problems = [], []
    for name in requested_backends():
        backend = backend_for(name)
        if backend.is_server:
            try:
                run(create_namespace(backend))
            except (BaseORMException, OSError) as exc:
                problems.append(f"{name}: {exc}\n    start it with: {start_hint(name)}")
                continue
        chosen.append(backend)
    return chosen, problems


BACKENDS, UNREACHABLE = _available_backends()


def pytest_sessionstart(session: pytest.Session) -> None:
    if UNREACHABLE:
        message = "database servers unreachable:\n  " + "\n  ".join(UNREACHABLE)
        if IN_CI:
            pytest.exit(message + "\n(CI=true: an unreachable server is a failure)", returncode=3)
        print(f"\nskipping backends ({message})", file=sys.stderr)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for backend in BACKENDS:
        if backend.is_server:
            try:
                run(drop_namespace(backend))
            except (BaseORMException, OSError) as exc:
                print(f"could not drop {backend.namespace} on {backend.name}: {exc}", file=sys.stderr)


@pytest.fixture(params=BACKENDS, ids=[b.name for b in BACKENDS])
def backend(request: pytest.FixtureRequest) -> Backend:
    return request.param


@pytest.fixture
async def db(backend: Backend) -> AsyncIterator[Backend]:
    from tests.helpers import orm_session

    async with orm_session(backend) as active:
        yield active
