"""``run_async``: run a coroutine from synchronous code, in a script or in a notebook."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Coroutine
from typing import Any, TypeVar

from orm.connection import connections
from orm.exceptions import ConfigurationError

T = TypeVar("T")


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to completion and return its result.

    In a script (no running loop) it behaves as Tortoise's: run, then close
    every connection. Inside a running loop, such as a Jupyter kernel's, it
    runs on that same loop and leaves connections open for the next cell.
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is None:
        return asyncio.run(_then_close(coro))
    return run_in_loop(loop, coro)


async def _then_close(coro: Awaitable[T]) -> T:
    try:
        return await coro
    finally:
        await connections.close_all(discard=True)


def run_in_loop(loop: asyncio.AbstractEventLoop, awaitable: Awaitable[T]) -> T:
    """Wait for ``awaitable`` on the already running ``loop`` by re-entering it."""
    try:
        import nest_asyncio2
    except ImportError:
        if asyncio.iscoroutine(awaitable):
            awaitable.close()
        raise ConfigurationError(
            "running a coroutine synchronously inside a running event loop needs nest-asyncio2 "
            "(pip install 'shellback[notebook]'); or use `await` directly"
        ) from None
    nest_asyncio2.apply(loop)
    task = asyncio.ensure_future(awaitable, loop=loop)
    try:
        return loop.run_until_complete(task)
    except KeyboardInterrupt:
        # Let the work unwind (transactions roll back, locks are released) before giving up.
        task.cancel()
        with contextlib.suppress(BaseException):
            loop.run_until_complete(task)
        raise
