"""The asyncpg client's own connection pool (orm/backends/asyncpg/pool.py), on the test server."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from orm.backends.asyncpg.client import AsyncpgDBClient
from orm.config import create_client, expand_db_url
from orm.exceptions import ConfigurationError, DBConnectionError
from tests.conftest import BACKENDS

ASYNCPG = next((b for b in BACKENDS if b.name == "asyncpg"), None)
pytestmark = pytest.mark.skipif(ASYNCPG is None, reason="the asyncpg backend is not in ORM_TEST_BACKENDS")

WHOAMI = "SELECT pg_backend_pid() AS pid"


def _client(**params: Any) -> AsyncpgDBClient:
    assert ASYNCPG is not None
    query = "&".join(f"{k}={v}" for k, v in params.items())
    entry = expand_db_url(f"{ASYNCPG.url}&{query}" if query else ASYNCPG.url)
    client = create_client("pool_probe", {"engine": entry["engine"], "credentials": entry["credentials"]})
    assert isinstance(client, AsyncpgDBClient)
    return client


@pytest.fixture
async def opened() -> AsyncIterator[Any]:
    clients: list[AsyncpgDBClient] = []

    def make(**params: Any) -> AsyncpgDBClient:
        clients.append(_client(**params))
        return clients[-1]

    yield make
    for client in clients:
        await client.close()


async def _pid(client: AsyncpgDBClient) -> int:
    return (await client.execute_query_dict(WHOAMI))[0]["pid"]


async def test_statements_one_after_another_share_one_connection(opened) -> None:
    client = opened(minsize=1, maxsize=5)
    pids = {await _pid(client) for _ in range(20)}
    assert len(pids) == 1
    assert client._pool.get_size() == 1


async def test_concurrent_statements_open_at_most_maxsize_connections(opened) -> None:
    client = opened(minsize=0, maxsize=2)
    rows = await asyncio.gather(*(
        client.execute_query_dict("SELECT pg_backend_pid() AS pid, pg_sleep(0.05)") for _ in range(6)
    ))
    assert len(rows) == 6
    assert len({r[0]["pid"] for r in rows}) == 2
    assert client._pool.get_size() == 2
    assert client._pool.get_idle_size() == 2


async def test_a_waiting_statement_gets_the_connection_given_back(opened) -> None:
    client = opened(minsize=1, maxsize=1, acquire_timeout=5)
    async with client.acquire_connection() as conn:
        held = await conn.fetchval("SELECT pg_backend_pid()")
        waiting = asyncio.ensure_future(_pid(client))
        await asyncio.sleep(0.05)
        assert not waiting.done()
    assert await waiting == held


async def test_an_exhausted_pool_says_so_after_acquire_timeout(opened) -> None:
    client = opened(minsize=1, maxsize=1, acquire_timeout=0.2)
    async with client.acquire_connection():
        started = time.monotonic()
        with pytest.raises(DBConnectionError, match=r"no connection became free within 0.2s \(pool of 1\)"):
            await _pid(client)
        assert time.monotonic() - started >= 0.2
    assert await _pid(client)  # the connection still serves once given back


async def test_a_transaction_left_open_by_raw_sql_is_rolled_back_on_return(opened) -> None:
    client = opened(minsize=1, maxsize=1)
    await client.execute_script("CREATE TEMPORARY TABLE pool_probe (n int)")
    await client.execute_script("BEGIN; INSERT INTO pool_probe VALUES (1)")
    assert await client.execute_query_dict("SELECT count(*) AS n FROM pool_probe") == [{"n": 0}]
    async with client.acquire_connection() as conn:
        assert not conn.is_in_transaction()


async def test_a_cancelled_statement_ends_its_connection_and_the_pool_goes_on(opened) -> None:
    client = opened(minsize=1, maxsize=1)
    first = await _pid(client)
    sleeping = asyncio.ensure_future(client.execute_query_dict("SELECT pg_sleep(30)"))
    await asyncio.sleep(0.2)
    sleeping.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sleeping
    started = time.monotonic()
    second = await _pid(client)  # on a new connection: the old one may still be busy sleeping
    assert second != first
    assert time.monotonic() - started < 5
    assert client._pool.get_size() == 1


async def test_max_queries_retires_a_connection(opened) -> None:
    client = opened(minsize=1, maxsize=1, max_queries=3)
    pids = [await _pid(client) for _ in range(7)]
    assert len(set(pids)) >= 2
    runs = [len(list(group)) for _, group in itertools.groupby(pids)]
    assert max(runs) <= 3


async def test_a_connection_idle_past_its_lifetime_is_replaced(opened) -> None:
    client = opened(minsize=1, maxsize=1, max_inactive_connection_lifetime=0.2)
    first = await _pid(client)
    assert await _pid(client) == first
    await asyncio.sleep(0.3)
    assert await _pid(client) != first


async def test_close_lets_a_running_statement_finish(opened) -> None:
    client = opened(minsize=1, maxsize=2)
    running = asyncio.ensure_future(client.execute_query_dict("SELECT 7 AS n FROM pg_sleep(0.2)"))
    await asyncio.sleep(0.05)
    await client.close()
    assert await running == [{"n": 7}]


async def test_a_bad_pool_limit_is_a_configuration_error_naming_it(opened) -> None:
    client = opened(max_queries="lots")
    with pytest.raises(ConfigurationError, match="max_queries must be a number, not 'lots'"):
        await _pid(client)


async def test_a_waiter_gets_a_new_connection_when_the_busy_one_is_ended(opened) -> None:
    """The only connection is ended (its statement cancelled): the statement waiting for it gets
    a connection opened in its place, not a timeout."""
    client = opened(minsize=1, maxsize=1, acquire_timeout=5)
    sleeping = asyncio.ensure_future(client.execute_query_dict("SELECT pg_backend_pid() AS pid, pg_sleep(30)"))
    await asyncio.sleep(0.2)
    waiting = asyncio.ensure_future(_pid(client))
    await asyncio.sleep(0.05)
    assert not waiting.done()
    started = time.monotonic()
    sleeping.cancel()
    pid = await asyncio.wait_for(waiting, 5)
    assert time.monotonic() - started < 2
    assert pid and client._pool.get_size() == 1


async def test_closing_the_pool_fails_the_statements_waiting_for_a_connection(opened) -> None:
    client = opened(minsize=1, maxsize=1, acquire_timeout=5)
    async with client.acquire_connection():
        waiting = asyncio.ensure_future(_pid(client))
        await asyncio.sleep(0.05)
        closing = asyncio.ensure_future(client.close())
        with pytest.raises(DBConnectionError, match="pool was closed"):
            await asyncio.wait_for(waiting, 2)
        assert not closing.done()  # it waits for the connection still lent out
    await asyncio.wait_for(closing, 5)
    assert await _pid(client)  # the next statement opens a new pool
