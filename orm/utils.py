"""Helpers Tortoise keeps in ``tortoise.utils``: schema SQL for a client, and chunking."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from orm.backends.base.client import BaseDBAsyncClient

T = TypeVar("T")


def get_schema_sql(client: BaseDBAsyncClient, safe: bool) -> str:
    """The CREATE statements of the models bound to ``client``."""
    return client.schema_generator(client).get_create_schema_sql(safe)


async def generate_schema_for_client(client: BaseDBAsyncClient, safe: bool) -> None:
    """Create the tables of the models bound to ``client`` (``safe``: skip those that exist)."""
    await client.schema_generator(client).generate_schema(safe)


def chunk(instances: Iterable[T], batch_size: int | None = None) -> Iterator[list[T]]:
    """``instances`` in lists of ``batch_size`` (one list of all of them without a size)."""
    if not batch_size:
        items = list(instances)
        if items:
            yield items
        return
    iterator = iter(instances)
    while batch := list(islice(iterator, batch_size)):
        yield batch


def batched(iterable: Iterable[T], n: int) -> Iterator[tuple[Any, ...]]:
    """``itertools.batched``: tuples of ``n`` items (the last one shorter)."""
    if n < 1:
        raise ValueError("n must be at least one")
    iterator = iter(iterable)
    while batch := tuple(islice(iterator, n)):
        yield batch


__all__ = ["batched", "chunk", "generate_schema_for_client", "get_schema_sql"]
