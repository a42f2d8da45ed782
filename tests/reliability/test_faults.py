"""Faults: the server ends connections, is not there, or has no connection free.

- Between statements, connections the server ended are replaced without the caller noticing
  (reads and writes alike: the dead connection is found before anything is sent).
- Inside a transaction the work is lost with the connection: a DBConnectionError says so, and
  the next transaction works.
- A statement that met a dead connection runs again only when that cannot run it twice
  (nothing was sent, or it only reads): checked with driver errors injected once.
- An unreachable server fails ``Tortoise.init`` at once, naming host and port; an exhausted pool
  waits ``acquire_timeout`` seconds, then says so.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import pytest

from orm import Tortoise
from orm.connection import connections
from orm.exceptions import DBConnectionError, OperationalError
from orm.expressions import F
from orm.transactions import in_transaction
from tests.helpers import Backend
from tests.models_reliability import Counter
from tests.reliability.support import MODULES, POSTGRES, Admin, Outside, app_name, session

pytestmark = pytest.mark.reliability
T = TypeVar("T")


def servers_only(backend: Backend) -> None:
    if not backend.is_server:
        pytest.skip("SQLite has no server to lose and no pool")


@pytest.fixture
async def pooled(backend: Backend) -> AsyncIterator[tuple[Backend, str]]:
    """A session with a pool of 3 whose connections the admin can find (and end)."""
    servers_only(backend)
    name = app_name()
    async with session(backend, minsize=3, maxsize=3, application_name=name) as active:
        yield active, name


async def bounded(awaitable: Awaitable[T], seconds: float = 15) -> T:
    """Await with a time limit: a hang fails the test."""
    return await asyncio.wait_for(awaitable, seconds)  # type: ignore[arg-type]


async def write_in_transaction(name: str) -> None:
    async with in_transaction():
        await Counter.create(name=name)


async def warm(n: int) -> None:
    """Make the pool open ``n`` connections (n concurrent statements)."""
    await asyncio.gather(*(Counter.filter(name=f"warm{i}").count() for i in range(n)))


# -- the server ends connections -----------------------------------------------------------------
async def test_connections_ended_between_statements_are_replaced_transparently(pooled) -> None:
    backend, name = pooled
    await Counter.create(name="before")
    await warm(3)
    async with Admin(backend) as admin:
        ended = await admin.sessions(name)
        assert len(ended) == 3
        await admin.end(ended)
        # every statement below would otherwise meet a dead connection
        assert await bounded(Counter.all().count()) == 1
        await bounded(Counter.create(name="after"))
        await bounded(Counter.filter(name="after").update(value=5))
        assert await bounded(asyncio.gather(*(Counter.all().count() for _ in range(6)))) == [2] * 6
        assert sorted(await Counter.all().values_list("name", "value")) == [("after", 5), ("before", 0)]
        assert not set(ended) & set(await admin.sessions(name))


async def test_connection_ended_inside_a_transaction_is_a_clear_error(pooled) -> None:
    backend, _ = pooled
    whoami = "SELECT pg_backend_pid()" if backend.name in POSTGRES else "SELECT CONNECTION_ID()"
    async with Admin(backend) as admin, Outside(backend) as outside:
        with pytest.raises(DBConnectionError) as info:
            async with in_transaction() as tx:
                await Counter.create(name="lost")
                _, rows = await tx.execute_query(whoami)
                await admin.end([next(iter(rows[0].values()))])
                await Counter.create(name="also lost")
        message = str(info.value)
        assert "transaction died with its connection" in message and "127.0.0.1" in message, message
        assert await outside.values("counter", "name") == []
        await bounded(write_in_transaction("next"))
        assert await outside.values("counter", "name") == ["next"]


async def test_transaction_begun_on_an_ended_connection_starts_on_a_new_one(pooled) -> None:
    backend, name = pooled
    await warm(3)
    async with Admin(backend) as admin:
        await admin.end(await admin.sessions(name))
    await bounded(write_in_transaction("fresh"))
    async with Outside(backend) as outside:
        assert await outside.values("counter", "name") == ["fresh"]


# -- what is run again, checked with driver errors injected once -----------------------------------
def driver_errors(backend: Backend) -> tuple[Exception, Exception]:
    """(an error raised before anything was sent, an error after the statement may have run)."""
    if backend.name == "asyncpg":
        import asyncpg

        return (
            asyncpg.InterfaceError("connection is closed"),
            asyncpg.exceptions.ConnectionDoesNotExistError(
                "connection was closed in the middle of operation"
            ),
        )
    if backend.name == "psycopg":
        import psycopg

        return (
            psycopg.OperationalError("the connection is closed"),
            psycopg.OperationalError("consuming input failed: server closed the connection unexpectedly"),
        )
    from asyncmy import errors

    return (
        errors.OperationalError(2006, "MySQL server has gone away"),
        errors.OperationalError(2013, "Lost connection to MySQL server during query"),
    )


class FailOnce:
    """Wraps a client's driver operation: the first call raises ``error``; every call is counted."""

    def __init__(self, operation: Callable[..., Any], error: Exception) -> None:
        self.operation, self.error, self.calls = operation, error, 0

    async def __call__(self, *args: Any) -> Any:
        self.calls += 1
        if self.calls == 1:
            raise self.error
        return await self.operation(*args)


@pytest.fixture
async def injected(backend: Backend) -> AsyncIterator[Callable[[str, Exception], FailOnce]]:
    servers_only(backend)
    async with session(backend):
        client = connections.client("default")

        def inject(operation: str, error: Exception) -> FailOnce:
            wrapper = FailOnce(getattr(client, operation), error)
            setattr(client, operation, wrapper)
            return wrapper

        yield inject


@pytest.mark.parametrize("sent", [False, True], ids=["unsent", "maybe-sent"])
async def test_reads_run_again_on_a_new_connection(backend, injected, sent: bool) -> None:
    await Counter.create(name="r")
    fetch = injected("_fetch_all", driver_errors(backend)[sent])
    assert await Counter.filter(name="r").values_list("name", flat=True) == ["r"]
    assert fetch.calls == 2


async def test_a_write_that_was_not_sent_runs_again(backend, injected) -> None:
    insert = injected("_insert", driver_errors(backend)[0])
    await Counter.create(name="w")
    assert insert.calls == 2
    assert await Counter.all().values_list("name", flat=True) == ["w"]


async def test_a_write_that_may_have_run_is_not_repeated(backend, injected) -> None:
    execute = injected("_execute", driver_errors(backend)[1])
    await Counter.create(name="w")
    with pytest.raises(DBConnectionError, match=r"127\.0\.0\.1"):
        await Counter.filter(name="w").update(value=F("value") + 1)
    assert execute.calls == 1
    assert (await Counter.get(name="w")).value == 0


async def test_nothing_is_run_again_inside_a_transaction(backend, injected) -> None:
    fetch = injected("_fetch_all", driver_errors(backend)[0])
    with pytest.raises(DBConnectionError, match="transaction died with its connection"):
        async with in_transaction():
            await Counter.all().count()
    assert fetch.calls == 1
    assert await Counter.all().count() == 0


async def test_other_errors_are_not_run_again(backend, injected) -> None:
    fetch = injected("_fetch_all", RuntimeError("not a connection problem"))
    with pytest.raises(OperationalError, match="not a connection problem"):
        await Counter.all().count()
    assert fetch.calls == 1


# -- no server, no free connection --------------------------------------------------------------
UNREACHABLE = {
    "asyncpg": "postgres://postgres@127.0.0.1:1/test?connect_timeout=3",
    "psycopg": "psycopg://postgres@127.0.0.1:1/test?connect_timeout=3",
    "mysql": "mysql://root@127.0.0.1:1/test?connect_timeout=3",
}


async def test_unreachable_server_fails_init_at_once_naming_host_and_port(backend) -> None:
    servers_only(backend)
    started = time.monotonic()
    try:
        with pytest.raises(DBConnectionError, match=r"127\.0\.0\.1:1\b"):
            await Tortoise.init(db_url=UNREACHABLE[backend.name], modules={"models": list(MODULES)})
        assert time.monotonic() - started < 5
    finally:
        await connections.close_all(discard=True)
        Tortoise._reset()


async def test_server_that_never_answers_fails_init_within_connect_timeout(backend) -> None:
    """A port that accepts connections but never speaks (a hung server, a tunnel with nothing
    behind it): the handshake is bounded by ``connect_timeout`` too, not only the TCP connect."""
    servers_only(backend)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # the kernel completes TCP handshakes; nothing ever reads or writes
    port = silent.getsockname()[1]
    url = UNREACHABLE[backend.name].replace(":1/", f":{port}/").replace("connect_timeout=3", "connect_timeout=1")
    started = time.monotonic()
    try:
        with pytest.raises(DBConnectionError, match=rf"127\.0\.0\.1:{port}\b"):
            await bounded(Tortoise.init(db_url=url, modules={"models": list(MODULES)}), 20)
        assert time.monotonic() - started < 5
    finally:
        silent.close()
        await connections.close_all(discard=True)
        Tortoise._reset()


async def test_sqlite_in_a_missing_folder_fails_naming_it(tmp_path) -> None:
    missing = tmp_path / "no" / "such" / "folder"
    try:
        with pytest.raises(DBConnectionError, match=str(missing)):
            await Tortoise.init(db_url=f"sqlite://{missing}/db.sqlite3", modules={"models": list(MODULES)})
    finally:
        await connections.close_all(discard=True)
        Tortoise._reset()


async def test_exhausted_pool_waits_then_says_so(backend) -> None:
    servers_only(backend)
    async with session(backend, minsize=1, maxsize=2, acquire_timeout=0.5):
        release = asyncio.Event()
        holding = 0

        async def hold() -> None:
            nonlocal holding
            async with in_transaction():
                await Counter.all().count()
                holding += 1
                await release.wait()

        holders = [asyncio.create_task(hold()) for _ in range(2)]
        while holding < 2:
            await asyncio.sleep(0.01)
        started = time.monotonic()
        with pytest.raises(DBConnectionError) as info:
            await Counter.all().count()
        waited = time.monotonic() - started
        assert 0.4 < waited < 3, waited
        assert "no connection became free within 0.5s (pool of 2)" in str(info.value)
        assert "acquire_timeout" in str(info.value)
        # a statement that waits less than the timeout gets the connection released meanwhile
        later = asyncio.get_running_loop().call_later(0.2, release.set)
        assert await Counter.all().count() == 0
        later.cancel()
        await asyncio.wait_for(asyncio.gather(*holders), 5)
