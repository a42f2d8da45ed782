"""Running ORM coroutines from synchronous kernel code (magics, display formatters).

Everything runs on the kernel's own event loop, the one that opened the
connections: re-entered through nest-asyncio2 when it is already running (a
Jupyter kernel), or IPython's loop when none is (a terminal IPython).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from orm.runner import run_in_loop

T = TypeVar("T")


def run_sync(awaitable: Awaitable[T]) -> T:
    """Wait for ``awaitable`` on the kernel's loop and return its result."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is not None:
        return run_in_loop(loop, awaitable)
    try:
        from IPython.core.async_helpers import get_asyncio_loop
    except ImportError:  # pragma: no cover - IPython is always there with the extension
        return asyncio.run(awaitable)  # type: ignore[arg-type]
    return get_asyncio_loop().run_until_complete(awaitable)
