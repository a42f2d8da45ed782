"""Fixtures: ``db`` gives an initialised ORM with empty tables, once per backend.

Backends: SQLite always; PostgreSQL (asyncpg and psycopg) and MariaDB/MySQL
when reachable (``ORM_TEST_BACKENDS`` narrows the list; ``ORM_TEST_POSTGRES_URL``,
``ORM_TEST_PSYCOPG_URL``, ``ORM_TEST_MYSQL_URL`` point elsewhere on 127.0.0.1).
With ``CI=true`` an unreachable server fails the run instead of being skipped.
"""

from __future__ import annotations

import faulthandler
import os
import signal
import sys
from collections.abc import AsyncIterator

import pytest

from orm.exceptions import BaseORMException
from tests.helpers import Backend, backend_for, create_namespace, drop_namespace, requested_backends, run, start_hint

# helpers that assert: pytest explains their failed asserts as it does the tests'
pytest.register_assert_rewrite("tests.fields_support", "tests.golden_sql", "tests.relations_support")

IN_CI = os.environ.get("CI", "").lower() == "true"


def _available_backends() -> tuple[list[Backend], dict[str, str]]:
    """The backends to run on, and why each unreachable server was left out."""
    chosen, problems = [], {}
    for name in requested_backends():
        backend = backend_for(name)
        if backend.is_server:
            try:
                run(create_namespace(backend))
            except (BaseORMException, OSError) as exc:
                problems[name] = str(exc)
                continue
        chosen.append(backend)
    return chosen, problems


BACKENDS, UNREACHABLE = _available_backends()


def pytest_sessionstart(session: pytest.Session) -> None:
    if not UNREACHABLE:
        return
    if IN_CI:
        lines = [f"  {name}: {reason}\n    start it with: {start_hint(name)}" for name, reason in UNREACHABLE.items()]
        message = "database servers unreachable:\n" + "\n".join(lines)
        pytest.exit(message + "\n(CI=true: an unreachable server is a failure)", returncode=3)
    skipped = "; ".join(f"{name} ({' '.join(reason.split())})" for name, reason in UNREACHABLE.items())
    print(f"\nskipping backends {skipped}; CI=true makes this a failure", file=sys.stderr)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for backend in BACKENDS:
        if backend.is_server:
            try:
                run(drop_namespace(backend))
            except (BaseORMException, OSError) as exc:
                print(f"could not drop {backend.namespace} on {backend.name}: {exc}", file=sys.stderr)


EXIT_GRACE_SECONDS = 120


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Make the run end once its summary is printed.

    Child processes still alive (a kernel, a server) would hold the output pipe open after
    pytest exits: they are named and stopped. Should the interpreter's own exit then stall
    (a thread that never ends), faulthandler prints every thread's stack and exits with 1.
    """
    for pid, command in _descendants(os.getpid()):
        print(f"stopping a process the tests left running: {pid} {command}", file=sys.stderr)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    sys.stderr.flush()
    faulthandler.dump_traceback_later(EXIT_GRACE_SECONDS, exit=True)


def _descendants(root: int) -> list[tuple[int, str]]:
    """(pid, command line) of every live process below ``root``, read from /proc (Linux only)."""
    children: dict[int, list[int]] = {}
    commands: dict[int, str] = {}
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return []
    for entry in entries:
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                commands[int(entry)] = cmdline.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except (OSError, IndexError):
            continue
        if fields[0] != b"Z":
            children.setdefault(int(fields[1]), []).append(int(entry))
    found, stack = [], list(children.get(root, []))
    while stack:
        pid = stack.pop()
        found.append((pid, commands.get(pid, "?")))
        stack.extend(children.get(pid, []))
    return found


@pytest.fixture(params=BACKENDS, ids=[b.name for b in BACKENDS])
def backend(request: pytest.FixtureRequest) -> Backend:
    return request.param


@pytest.fixture
async def db(backend: Backend) -> AsyncIterator[Backend]:
    from tests.helpers import orm_session

    async with orm_session(backend) as active:
        yield active
