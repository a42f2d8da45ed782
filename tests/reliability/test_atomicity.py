"""Atomicity: whatever ends a transaction block early (an exception, a cancellation, Ctrl-C)
rolls back all of it, a savepoint rolls back only its part, and the connection is usable at once.

"Committed" is checked from a second, plain driver connection (SQLite runs on a file here), so a
transaction left open by mistake cannot hide behind the ORM's own connection.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import pytest

from orm.connection import connections
from orm.transactions import atomic, in_transaction
from tests.helpers import Backend
from tests.models_reliability import Counter
from tests.reliability.support import Outside, session
from tests.transactions_support import parked_in_transaction

pytestmark = pytest.mark.reliability

#: Everything that can end a block early; KeyboardInterrupt and CancelledError are BaseExceptions.
ENDINGS = [ValueError, KeyboardInterrupt, asyncio.CancelledError, SystemExit]

#: A statement that runs for seconds unless cancelled.
SLOW_SQL = {
    "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000000) "
              "SELECT count(*) FROM c",
    "asyncpg": "SELECT pg_sleep(20)",
    "psycopg": "SELECT pg_sleep(20)",
    "mysql": "SELECT SLEEP(20)",
}


@pytest.fixture
async def db(backend: Backend, tmp_path) -> AsyncIterator[Backend]:
    if backend.name == "sqlite":  # a file, so that a second connection can look
        backend = dataclasses.replace(backend, url=f"sqlite://{tmp_path / 'atomic.sqlite3'}")
    async with session(backend) as active:
        yield active


@pytest.fixture
async def outside(db: Backend) -> AsyncIterator[Outside]:
    async with Outside(db) as view:
        yield view


async def committed(outside: Outside) -> list[str]:
    return await outside.values("counter", "name")


async def usable_now(outside: Outside, tag: str) -> None:
    """Right after an incident: a plain write and a transaction both commit, within a bound."""

    async def writes() -> None:
        await Counter.create(name=f"{tag}-plain")
        async with in_transaction():
            await Counter.create(name=f"{tag}-tx")

    await asyncio.wait_for(writes(), 10)
    assert {f"{tag}-plain", f"{tag}-tx"} <= set(await committed(outside))


# -- everything or nothing -------------------------------------------------------------------------
@pytest.mark.parametrize("ending", ENDINGS, ids=lambda e: e.__name__)
async def test_in_transaction_rolls_back_on_any_ending(db, outside, ending: type[BaseException]) -> None:
    await Counter.create(name="before")
    with pytest.raises(ending):
        async with in_transaction():
            await Counter.create(name="a")
            await Counter.filter(name="before").update(value=5)
            await Counter.filter(name="before").delete()
            raise ending()
    assert await committed(outside) == ["before"]
    assert (await Counter.get(name="before")).value == 0
    await usable_now(outside, "after")


@pytest.mark.parametrize("ending", ENDINGS, ids=lambda e: e.__name__)
async def test_atomic_rolls_back_on_any_ending(db, outside, ending: type[BaseException]) -> None:
    @atomic()
    async def transfer() -> None:
        await Counter.create(name="a", value=1)
        await Counter.create(name="b", value=2)
        raise ending()

    with pytest.raises(ending):
        await transfer()
    assert await committed(outside) == []
    await usable_now(outside, "after")


@pytest.mark.parametrize("ending", ENDINGS, ids=lambda e: e.__name__)
async def test_savepoint_rolls_back_only_its_part(db, outside, ending: type[BaseException]) -> None:
    async with in_transaction():
        await Counter.create(name="outer-1")
        with pytest.raises(ending):
            async with in_transaction():
                await Counter.create(name="inner")
                async with in_transaction():
                    await Counter.create(name="innermost")
                raise ending()
        await Counter.create(name="outer-2")
        assert await committed(outside) == []  # nothing visible before the commit
    assert await committed(outside) == ["outer-1", "outer-2"]
    await usable_now(outside, "after")


@pytest.mark.parametrize("ending", ENDINGS, ids=lambda e: e.__name__)
async def test_ending_passing_through_savepoints_rolls_back_everything(
    db, outside, ending: type[BaseException]
) -> None:
    with pytest.raises(ending):
        async with in_transaction():
            await Counter.create(name="outer")
            async with in_transaction():
                await Counter.create(name="inner")
                raise ending()
    assert await committed(outside) == []
    await usable_now(outside, "after")


# -- cancellation from outside ---------------------------------------------------------------------
async def test_task_cancelled_while_waiting_inside_a_transaction(db, outside) -> None:
    task = await parked_in_transaction(lambda: Counter.create(name="lost"))
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await committed(outside) == []
    await usable_now(outside, "after")


async def test_task_cancelled_in_the_middle_of_a_statement(db, outside) -> None:
    """The statement is interrupted (not waited out), the transaction rolls back."""
    started = asyncio.Event()

    async def worker() -> None:
        async with in_transaction() as tx:
            await Counter.create(name="lost")
            started.set()
            await tx.execute_query(SLOW_SQL[db.name])

    task = asyncio.create_task(worker())
    await started.wait()
    await asyncio.sleep(0.2)
    loop = asyncio.get_running_loop()
    cancelled_at = loop.time()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 10)
    assert loop.time() - cancelled_at < 5, "the cancelled statement was waited out"
    assert await committed(outside) == []
    await usable_now(outside, "after")


async def test_cancelled_again_while_rolling_back(db, outside) -> None:
    """A second cancellation that lands during the rollback still leaves no transaction open."""
    for pause in (0, 0.001, 0.005):
        task = await parked_in_transaction(lambda: Counter.create(name="lost"))
        task.cancel()
        await asyncio.sleep(pause)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)
        assert await committed(outside) == []
    await usable_now(outside, "after")


async def test_keyboard_interrupt_rolls_back_only_the_interrupted_transaction(db, outside) -> None:
    """Ctrl-C surfacing in one of several transactions: that one rolls back, the others commit."""

    async def worker(index: int) -> None:
        async with in_transaction():
            await Counter.create(name=f"w{index}")
            await asyncio.sleep(0.01)
            if index == 3:
                raise KeyboardInterrupt

    outcomes: list[Any] = []
    for index in range(6):
        try:
            await worker(index)
            outcomes.append("ok")
        except KeyboardInterrupt:
            outcomes.append("interrupted")
    assert outcomes.count("interrupted") == 1
    assert await committed(outside) == ["w0", "w1", "w2", "w4", "w5"]
    await usable_now(outside, "after")


async def test_no_transaction_is_left_open_on_the_client(db, outside) -> None:
    with pytest.raises(KeyboardInterrupt):
        async with in_transaction():
            await Counter.create(name="x")
            raise KeyboardInterrupt
    client = connections.client("default")
    # a plain statement right after commits on its own: another connection sees it at once
    await client.execute_query(
        f"INSERT INTO {client.dialect.quote('counter')} ({client.dialect.quote('name')}, "
        f"{client.dialect.quote('value')}) VALUES ('raw', 0)"
    )
    assert await committed(outside) == ["raw"]
