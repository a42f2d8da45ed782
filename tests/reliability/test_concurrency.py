"""Concurrency: many tasks on one pool (PostgreSQL and MariaDB: 10 connections; SQLite: its one
connection, on a file in WAL mode) lose no write, duplicate none, never deadlock and never show
"database is locked". Every wait is bounded, so a deadlock fails the test instead of hanging it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
from collections import Counter as Tally
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from orm.exceptions import IntegrityError
from orm.expressions import F
from orm.transactions import in_transaction
from tests.helpers import Backend
from tests.models_reliability import Counter, Note
from tests.reliability.support import session

pytestmark = pytest.mark.reliability

TASKS = 200
#: Seconds the whole batch may take; beyond that it is a deadlock (or a livelock).
BOUND = 60


@pytest.fixture
async def db(backend: Backend, tmp_path) -> AsyncIterator[Backend]:
    if backend.name == "sqlite":
        backend = dataclasses.replace(backend, url=f"sqlite://{tmp_path / 'busy.sqlite3'}")
        async with session(backend) as active:
            yield active
    else:
        async with session(backend, minsize=1, maxsize=10) as active:
            yield active


async def all_of(jobs: list[Callable[[], Awaitable[Any]]], start: asyncio.Event | None = None) -> list[Any]:
    """Run every job in its own task at once; their results, or the first failure (within BOUND)."""
    gate = start or asyncio.Event()

    async def run(job: Callable[[], Awaitable[Any]]) -> Any:
        await gate.wait()
        return await job()

    tasks = [asyncio.create_task(run(job)) for job in jobs]
    await asyncio.sleep(0)
    gate.set()
    try:
        results = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), BOUND)
    finally:
        for task in tasks:
            task.cancel()
    failures = [r for r in results if isinstance(r, BaseException)]
    assert not failures, f"{len(failures)} tasks failed, first: {failures[0]!r}"
    return results


async def test_mixed_load_loses_and_duplicates_nothing(db) -> None:
    await Counter.create(name="hits")
    await Counter.create(name="A", value=1000)
    await Counter.create(name="B", value=0)
    rng = random.Random(20240601)
    kinds = [rng.choice(["increment", "insert", "get_or_create", "transfer", "read"]) for _ in range(TASKS)]
    keys = [f"key{rng.randrange(8)}" for _ in range(TASKS)]

    async def increment() -> None:
        await Counter.filter(name="hits").update(value=F("value") + 1)

    async def insert(index: int) -> int:
        return (await Note.create(title=f"note {index}", body="x" * index)).id

    async def get_or_create(key: str) -> tuple[int, bool]:
        row, created = await Counter.get_or_create(name=key, defaults={"value": 7})
        return row.id, created

    async def transfer() -> None:
        async with in_transaction():  # always A then B: the same lock order for everyone
            a = await Counter.select_for_update().get(name="A")
            b = await Counter.select_for_update().get(name="B")
            a.value -= 1
            b.value += 1
            await a.save(update_fields=["value"])
            await b.save(update_fields=["value"])

    async def read() -> int:
        total = await Counter.filter(name__in=["A", "B"]).values_list("value", flat=True)
        assert sum(total) == 1000, "a transfer was seen half done"
        return await Note.all().count()

    def job(kind: str, index: int) -> Callable[[], Awaitable[Any]]:
        if kind == "increment":
            return increment
        if kind == "insert":
            return lambda: insert(index)
        if kind == "get_or_create":
            return lambda: get_or_create(keys[index])
        if kind == "transfer":
            return transfer
        return read

    results = await all_of([job(kind, i) for i, kind in enumerate(kinds)])
    wanted = Tally(kinds)

    assert (await Counter.get(name="hits")).value == wanted["increment"]
    transfers = wanted["transfer"]
    assert (await Counter.get(name="A")).value == 1000 - transfers
    assert (await Counter.get(name="B")).value == transfers
    inserted = [r for r, kind in zip(results, kinds) if kind == "insert"]
    assert len(set(inserted)) == len(inserted) == wanted["insert"] == await Note.all().count()
    titles = sorted(await Note.all().values_list("title", flat=True))
    assert titles == sorted(f"note {i}" for i, kind in enumerate(kinds) if kind == "insert")
    # get_or_create: one row per key, created once, every caller got that row
    asked = {keys[i] for i, kind in enumerate(kinds) if kind == "get_or_create"}
    rows = {row.name: row.id for row in await Counter.filter(name__startswith="key")}
    assert set(rows) == asked
    for key in asked:
        answers = [r for r, kind, k in zip(results, kinds, keys) if kind == "get_or_create" and k == key]
        assert {row_id for row_id, _ in answers} == {rows[key]}
        assert sum(created for _, created in answers) == 1, key


@pytest.mark.parametrize("racers", [2, 50])
async def test_get_or_create_race_gives_everyone_the_one_row(db, racers: int) -> None:
    start = asyncio.Event()
    results = await all_of(
        [lambda i=i: Counter.get_or_create(name="only", defaults={"value": i}) for i in range(racers)], start
    )
    rows = await Counter.filter(name="only")
    assert len(rows) == 1
    assert {row.id for row, _ in results} == {rows[0].id}
    assert [created for _, created in results].count(True) == 1
    winner = next(row for row, created in results if created)
    assert {row.value for row, _ in results} == {winner.value} == {rows[0].value}


async def test_unique_violations_under_load_are_integrity_errors_and_nothing_else(db) -> None:
    async def claim(index: int) -> str:
        try:
            await Counter.create(name=f"slot{index % 5}")
            return "won"
        except IntegrityError:
            return "lost"

    results = await all_of([lambda i=i: claim(i) for i in range(100)])
    assert results.count("won") == 5 == await Counter.all().count()
    assert results.count("lost") == 95


async def test_many_short_transactions_interleaved_with_plain_writes(db) -> None:
    async def in_tx(index: int) -> None:
        async with in_transaction():
            note = await Note.create(title=f"tx{index}")
            await asyncio.sleep(0)
            # by primary key: an UPDATE through an unindexed column locks every row it scans on
            # InnoDB, and concurrent ones then deadlock (the server aborts one: OperationalError 1213)
            await Note.filter(id=note.id).update(body="done")

    async def plain(index: int) -> None:
        await Note.create(title=f"plain{index}", body="done")

    jobs: list[Callable[[], Awaitable[Any]]] = []
    for i in range(TASKS // 2):
        jobs += [lambda i=i: in_tx(i), lambda i=i: plain(i)]
    await all_of(jobs)
    assert await Note.filter(body="done").count() == TASKS
    assert await Note.all().count() == TASKS
