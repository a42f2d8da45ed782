"""The asyncpg client's connection pool: a last-in-first-out list of idle connections.

asyncpg's own ``Pool`` wraps every acquire and release in tasks and shields (several event-loop
turns per statement, about a fifth of a primary-key lookup's time); here a free connection is
taken and given back without awaiting anything. Connections the server ended while idle are
found (asyncpg marks them closed when the socket ends) and replaced on the way out.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from orm.backends.server import within
from orm.exceptions import DBConnectionError


class PoolClosed(DBConnectionError):
    """The pool was closed while a connection was being waited for."""


class ConnectionPool:
    """Up to ``max_size`` asyncpg connections, ``min_size`` of them opened up front.

    ``max_queries`` (0: no limit) retires a connection after that many statements;
    ``max_inactive_lifetime`` (seconds, 0: no limit) closes one idle for longer when it is next taken.
    """

    def __init__(
        self, connect: Callable[[], Awaitable[asyncpg.Connection]], *, min_size: int, max_size: int,
        max_queries: int = 50_000, max_inactive_lifetime: float = 300.0,
    ) -> None:
        self._connect = connect
        self.min_size = min_size
        self.max_size = max_size
        self.max_queries = max_queries
        self.max_inactive_lifetime = max_inactive_lifetime
        self._idle: list[tuple[asyncpg.Connection, float]] = []
        self._in_use: set[asyncpg.Connection] = set()
        self._opening = 0
        self._waiters: deque[asyncio.Future[asyncpg.Connection]] = deque()
        self._closed = False
        self._all_back: asyncio.Event | None = None

    # -- sizes ------------------------------------------------------------------------------
    def get_size(self) -> int:
        """Connections open or opening."""
        return len(self._idle) + len(self._in_use) + self._opening

    def get_idle_size(self) -> int:
        return len(self._idle)

    def lent(self, conn: asyncpg.Connection) -> bool:
        """Whether ``conn`` is one of this pool's, taken and not yet given back."""
        return conn in self._in_use

    # -- lifecycle --------------------------------------------------------------------------
    async def open(self) -> None:
        """Open ``min_size`` connections (any failure closes those opened and is raised)."""
        self._opening += self.min_size
        results = await asyncio.gather(*(self._connect() for _ in range(self.min_size)), return_exceptions=True)
        self._opening -= self.min_size
        opened = [r for r in results if isinstance(r, asyncpg.Connection)]
        failures = [r for r in results if isinstance(r, BaseException)]
        if failures:
            for conn in opened:
                conn.terminate()
            raise failures[0]
        now = time.monotonic()
        self._idle.extend((conn, now) for conn in opened)

    async def close(self) -> None:
        """Close idle connections now and the others as they come back (waits for them)."""
        self._closed = True
        self._fail_waiters("the connection pool was closed")
        idle, self._idle = self._idle, []
        await asyncio.gather(*(conn.close() for conn, _ in idle), return_exceptions=True)
        if self._in_use:
            self._all_back = asyncio.Event()
            await self._all_back.wait()

    def terminate(self) -> None:
        """End every connection at once, idle or in use (no await: the loop may be gone)."""
        self._closed = True
        for conn, _ in self._idle:
            conn.terminate()
        for conn in self._in_use:
            conn.terminate()
        self._idle.clear()
        self._in_use.clear()
        self._fail_waiters("the connection pool was terminated")

    def _fail_waiters(self, message: str) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done() and not waiter.get_loop().is_closed():
                waiter.set_exception(PoolClosed(message))

    # -- taking and giving back -----------------------------------------------------------------
    def _take_idle(self) -> asyncpg.Connection | None:
        """A free, live connection, or None when none is idle."""
        idle = self._idle
        while idle:
            conn, since = idle.pop()
            lifetime = self.max_inactive_lifetime
            if conn.is_closed() or (lifetime and time.monotonic() - since > lifetime):
                conn.terminate()
                continue
            self._in_use.add(conn)
            return conn
        return None

    async def take(self, timeout: float) -> asyncpg.Connection:
        """A connection for exclusive use until ``give``: an idle one, a new one while the pool is
        under ``max_size``, else the next one given back within ``timeout`` seconds
        (``asyncio.TimeoutError`` otherwise)."""
        if self._closed:
            raise PoolClosed("the connection pool is closed")
        conn = self._take_idle()
        if conn is not None:
            return conn
        if self.get_size() < self.max_size:
            return await self._open_one()
        waiter: asyncio.Future[asyncpg.Connection] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            return await within(waiter, timeout)
        except BaseException:
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                await self.give(waiter.result(), None)  # handed over just as the wait ended: pass it on
            else:
                waiter.cancel()
            raise

    async def _open_one(self) -> asyncpg.Connection:
        self._opening += 1
        try:
            conn = await self._connect()
        finally:
            self._opening -= 1
        if self._closed:
            conn.terminate()
            raise PoolClosed("the connection pool was closed")
        self._in_use.add(conn)
        return conn

    async def give(self, conn: asyncpg.Connection, error: BaseException | None) -> None:
        """Take back ``conn``, rolling back a transaction left open. ``error`` (what the work on it
        raised) decides whether it is kept: after a cancellation, an interrupt or a lost
        connection its state is unknown, so it is ended."""
        self._in_use.discard(conn)
        unusable = (
            conn.is_closed()
            or (error is not None and not isinstance(error, Exception))
            or isinstance(error, (DBConnectionError, OSError, asyncpg.InterfaceError))
            or self._closed
            or (self.max_queries and conn._protocol.queries_count >= self.max_queries)
        )
        if unusable:
            self._end(conn)
            return
        if conn.is_in_transaction():
            self._in_use.add(conn)
            try:
                await conn.execute("ROLLBACK")
            except BaseException:
                self._in_use.discard(conn)
                self._end(conn)
                raise
            self._in_use.discard(conn)
        self._keep(conn)

    def _keep(self, conn: asyncpg.Connection) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                self._in_use.add(conn)
                waiter.set_result(conn)
                return
        self._idle.append((conn, time.monotonic()))
        self._check_all_back()

    def _end(self, conn: asyncpg.Connection) -> None:
        """End a connection given back; a waiter may then open a new one."""
        conn.terminate()
        self._check_all_back()
        while self._waiters and not self._closed:
            waiter = self._waiters.popleft()
            if not waiter.done():
                task = asyncio.ensure_future(self._open_one())
                task.add_done_callback(lambda done, waiter=waiter: _hand_over(done, waiter, self))
                return

    def _check_all_back(self) -> None:
        if self._all_back is not None and not self._in_use:
            self._all_back.set()


def _hand_over(opened: asyncio.Future[Any], waiter: asyncio.Future[asyncpg.Connection], pool: ConnectionPool) -> None:
    """Give a connection opened for ``waiter`` to it (or back to the pool if it stopped waiting)."""
    if opened.cancelled():
        if not waiter.done():
            waiter.cancel()
        return
    error = opened.exception()
    if error is not None:
        if not waiter.done():
            waiter.set_exception(error)
        return
    conn = opened.result()
    if waiter.done():
        pool._in_use.discard(conn)
        pool._keep(conn)
    else:
        waiter.set_result(conn)
