"""Transactions: ``async with in_transaction():`` and ``@atomic()``.

Inside the block every query on that connection runs in the transaction;
an exception (including cancellation) rolls everything back. Nested blocks
use savepoints, so an inner failure undoes only the inner part.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from orm.backends.base.client import TransactionContext
from orm.connection import connections
from orm.exceptions import ParamsError

T = TypeVar("T")


def _connection_name(connection_name: str | None) -> str:
    if connection_name is not None:
        return connection_name
    names = list(connections.db_config)
    if len(names) == 1:
        return names[0]
    if not names:
        return "default"
    raise ParamsError(f"several connections are configured ({', '.join(names)}); pass connection_name=")


def in_transaction(connection_name: str | None = None) -> TransactionContext:
    """A transaction on ``connection_name`` (the only connection when omitted)."""
    return TransactionContext(connections.client(_connection_name(connection_name)))


def atomic(
    connection_name: str | None = None,
) -> Callable[[Callable[..., Awaitable[T]]], Callable[..., Awaitable[T]]]:
    """Decorate a coroutine function so that each call runs in a transaction."""

    def decorator(function: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
        @functools.wraps(function)
        async def wrapper(*args: Any, **kwargs: Any) -> T:
            async with in_transaction(connection_name):
                return await function(*args, **kwargs)

        return wrapper

    return decorator
