"""Shared by the transaction tests (tests/test_transactions.py, tests/reliability/test_atomicity.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from orm.transactions import in_transaction


async def parked_in_transaction(write: Callable[[], Awaitable[Any]]) -> asyncio.Task[None]:
    """A task that opens a transaction (a savepoint, when one is open here), awaits ``write()`` in
    it and then waits until cancelled; returned once the write is done."""
    entered = asyncio.Event()

    async def worker() -> None:
        async with in_transaction():
            await write()
            entered.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(worker())
    await entered.wait()
    return task
