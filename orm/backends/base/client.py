"""The driver contract every backend implements, and what all backends share.

A backend subclasses ``BaseDBAsyncClient`` and implements the few methods
marked *driver contract*: open/close, acquire a connection, and run one
statement on it. Error translation, logging, transactions and savepoints are
written here once.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from orm.exceptions import (
    BaseORMException,
    DBConnectionError,
    IntegrityError,
    OperationalError,
    TransactionManagementError,
)

if TYPE_CHECKING:
    from orm.backends.base.dialect import Dialect
    from orm.backends.base.schema import SchemaGenerator

logger = logging.getLogger("orm.db_client")
Row = Sequence[Any]


@dataclass(frozen=True)
class Capabilities:
    """What a connection's database can do (Tortoise's ``client.capabilities``)."""

    dialect: str
    supports_transactions: bool = True
    requires_limit: bool = False
    inline_comment: bool = False
    support_for_update: bool = True
    support_index_hint: bool = False
    support_update_limit_order_by: bool = True
    can_rollback_ddl: bool = True
    support_returning: bool = False


class _Reconnect(DBConnectionError):
    """A statement met a dead connection and may safely run again on a new one (internal)."""


class _Lease:
    """``async with runner._acquire() as conn``: ``_checkout`` on entry, ``_checkin`` on exit."""

    __slots__ = ("_conn", "_runner")

    def __init__(self, runner: QueryRunner) -> None:
        self._runner = runner

    async def __aenter__(self) -> Any:
        self._conn = await self._runner._checkout()
        return self._conn

    async def __aexit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        await self._runner._checkin(self._conn, exc)


def _only_reads(sql: str) -> bool:
    """Whether the statement is a ``SELECT`` (reads are safe to repeat)."""
    return sql.lstrip(" \t\n(")[:6].upper() == "SELECT"


class QueryRunner:
    """Statement execution shared by a client and its open transactions."""

    dialect: Dialect
    connection_name: str
    _driver: BaseDBAsyncClient

    async def _checkout(self) -> Any:  # pragma: no cover - abstract
        """A connection of this runner for exclusive use until ``_checkin``."""
        raise NotImplementedError

    async def _checkin(self, conn: Any, error: BaseException | None) -> None:  # pragma: no cover - abstract
        """Give back a connection from ``_checkout``; ``error`` is what the work on it raised."""
        raise NotImplementedError

    def _acquire(self) -> AbstractAsyncContextManager[Any]:
        """``async with runner._acquire() as conn``: a connection for the block."""
        return _Lease(self)

    async def _run(self, operation: Callable[..., Any], sql: str, *args: Any) -> Any:
        """Run one statement on a connection of this runner.

        Reconnecting: on the plain client (never inside a transaction, whose earlier work died
        with its connection), a statement that meets a dead connection runs once more on a new
        one when that cannot do anything twice, that is when the driver says the connection was
        dead before the statement was sent (``BaseDBAsyncClient.is_unsent``), or when the
        statement only reads (a ``SELECT``). A write that may have reached the server is never
        repeated: its DBConnectionError reaches the caller, who knows whether to try again.
        The dead connection is dropped from the pool either way.
        """
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s: %s %r", self.connection_name, sql, args[0] if args else None)
        # Checkout and checkin are spelled out rather than an ``async with``: this is the path of
        # every statement, and a context manager object per statement costs more than the rest.
        retry = self is self._driver
        while True:
            conn = await self._checkout()
            try:
                result = await operation(conn, sql, *args)
            except BaseException as exc:
                failure = self._failure(exc, sql, retry)
                await self._checkin(conn, failure)
                if failure is exc:
                    raise
                if not isinstance(failure, _Reconnect):
                    raise failure from exc
                logger.warning("%s: %s; running the statement again on a new connection", self.connection_name, failure)
                retry = False  # the second and last time
                continue
            await self._checkin(conn, None)
            return result

    def _failure(self, exc: BaseException, sql: str, retry: bool) -> BaseException:
        """The ORM exception for a driver exception (ORM exceptions, cancellation and interrupts
        stay as they are); ``_Reconnect`` when the statement may run again."""
        if not isinstance(exc, Exception) or isinstance(exc, BaseORMException):
            return exc
        driver = self._driver
        error = driver.translate_error(exc, sql)
        if isinstance(error, DBConnectionError):
            if retry and driver.is_disconnect(exc) and (driver.is_unsent(exc) or _only_reads(sql)):
                return _Reconnect(str(error))
            error = DBConnectionError(f"{error}{self._lost_note()}")
        return error

    def _lost_note(self) -> str:
        """What a lost connection means for this runner (appended to the DBConnectionError)."""
        return ""

    # -- the API the ORM uses ----------------------------------------------------
    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """All rows of a query, as sequences in column order."""
        return await self._run(self._driver._fetch_all, sql, params)

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; return the number of rows it changed."""
        return await self._run(self._driver._execute, sql, params)

    async def insert(self, sql: str, params: Sequence[Any], returning: bool) -> Any:
        """Run an INSERT; return its RETURNING row, else the last inserted id."""
        return await self._run(self._driver._insert, sql, params, returning)

    async def execute_many(self, sql: str, params_list: Sequence[Sequence[Any]]) -> None:
        """Run one statement once per parameter list."""
        await self._run(self._driver._execute_many, sql, params_list)

    async def execute_script(self, sql: str) -> None:
        """Run several ``;``-separated statements with no parameters."""
        await self._run(self._driver._execute_script, sql)

    async def stream(self, sql: str, params: Sequence[Any], chunk_size: int) -> AsyncIterator[list[Row]]:
        """Rows of a query in chunks, without reading them all into memory."""
        try:
            async for chunk in self._driver._stream(self, sql, params, chunk_size):
                yield chunk
        except BaseORMException:
            raise
        except Exception as exc:
            raise self._driver.translate_error(exc, sql) from exc

    # -- Tortoise's public client API ---------------------------------------------
    async def execute_query(
        self, query: str, values: Sequence[Any] | None = None
    ) -> tuple[int, list[dict[str, Any]]]:
        """Run SQL; return ``(rows affected or returned, rows as dicts)``."""
        rowcount, rows = await self._run(self._driver._execute_query, query, values or ())
        return rowcount, rows

    async def execute_query_dict(
        self, query: str, values: Sequence[Any] | None = None
    ) -> list[dict[str, Any]]:
        """Run SQL; return its rows as dicts."""
        return (await self.execute_query(query, values))[1]

    async def execute_insert(self, query: str, values: Sequence[Any]) -> Any:
        """Run an INSERT; return the last inserted id."""
        return await self.insert(query, values, False)

    def in_transaction(self) -> TransactionContext:
        """``async with client.in_transaction() as conn:`` — a transaction (or savepoint)."""
        return TransactionContext(self._driver)


class BaseDBAsyncClient(QueryRunner):
    """A database client: a connection (or pool) for one alias of the configuration."""

    dialect_class: ClassVar[type[Dialect]]
    schema_generator: ClassVar[type[SchemaGenerator]]
    #: Driver exception classes translated to ORM ones (first match wins).
    error_map: ClassVar[tuple[tuple[type[BaseException], type[BaseORMException]], ...]] = ()
    #: Driver connections belong to the loop that opened them.
    loop_bound: ClassVar[bool] = True

    def __init__(self, connection_name: str = "default", **settings: Any) -> None:
        self.connection_name = connection_name
        self.settings = settings
        self.dialect = self.dialect_class()
        self._driver = self
        self._loop: asyncio.AbstractEventLoop | None = None
        self._connected = False
        self._connect_lock: asyncio.Lock | None = None
        self.capabilities = self.make_capabilities()

    def make_capabilities(self) -> Capabilities:
        d = self.dialect
        return Capabilities(
            dialect=d.name,
            requires_limit=d.no_limit is not None,
            support_for_update=d.supports_for_update,
            can_rollback_ddl=d.supports_transactional_ddl,
            support_returning=d.supports_returning,
            inline_comment=not d.supports_comments,
        )

    # -- driver contract -------------------------------------------------------------
    async def _open(self) -> None:  # pragma: no cover - abstract
        """Open the connection or pool."""
        raise NotImplementedError

    async def _close(self) -> None:  # pragma: no cover - abstract
        """Close the connection or pool."""
        raise NotImplementedError

    async def _take(self) -> Any:  # pragma: no cover - abstract
        """One driver connection for exclusive use until ``_give``."""
        raise NotImplementedError

    async def _give(self, conn: Any, error: BaseException | None) -> None:  # pragma: no cover - abstract
        """Return a connection from ``_take``; ``error`` is what the work on it raised, if anything
        (a backend drops a connection that a cancellation or a lost server left unusable)."""
        raise NotImplementedError

    async def _fetch_all(self, conn: Any, sql: str, params: Sequence[Any]) -> list[Row]:
        raise NotImplementedError  # pragma: no cover

    async def _execute(self, conn: Any, sql: str, params: Sequence[Any]) -> int:
        raise NotImplementedError  # pragma: no cover

    async def _insert(self, conn: Any, sql: str, params: Sequence[Any], returning: bool) -> Any:
        raise NotImplementedError  # pragma: no cover

    async def _execute_many(self, conn: Any, sql: str, params_list: Sequence[Sequence[Any]]) -> None:
        raise NotImplementedError  # pragma: no cover

    async def _execute_script(self, conn: Any, sql: str) -> None:
        raise NotImplementedError  # pragma: no cover

    async def _execute_query(
        self, conn: Any, sql: str, params: Sequence[Any]
    ) -> tuple[int, list[dict[str, Any]]]:
        raise NotImplementedError  # pragma: no cover

    def _stream(
        self, runner: QueryRunner, sql: str, params: Sequence[Any], chunk_size: int
    ) -> AsyncIterator[list[Row]]:
        """Chunks of rows; acquires connections through ``runner`` as the driver needs."""
        raise NotImplementedError  # pragma: no cover

    async def db_create(self) -> None:
        """Create the database this client points to."""
        raise OperationalError(f"{type(self).__name__} cannot create databases")

    async def db_delete(self) -> None:
        """Drop the database this client points to."""
        raise OperationalError(f"{type(self).__name__} cannot drop databases")

    def describe_target(self) -> str:
        """Where this client connects, without credentials (for messages)."""
        return self.connection_name

    # -- connection lifecycle ----------------------------------------------------------
    async def create_connection(self, with_db: bool = True) -> None:
        """Open the connection now (it otherwise opens on first use)."""
        await self.ensure_connected()

    async def ensure_connected(self) -> None:
        """Connect if needed; reconnect (with a warning) if the event loop changed."""
        loop = asyncio.get_running_loop()
        if self._connected and (self._loop is loop or not self.loop_bound):
            return
        if self._connect_lock is None or self._connect_lock._loop not in (None, loop):  # type: ignore[attr-defined]
            self._connect_lock = asyncio.Lock()
        async with self._connect_lock:
            if self._connected and self._loop is not loop and self.loop_bound:
                warnings.warn(
                    f"connection {self.connection_name!r} was opened on another event loop; "
                    "reconnecting on the current one",
                    RuntimeWarning,
                    stacklevel=3,
                )
                await self._abandon()
            if not self._connected:
                await self._open()
                self._loop = loop
                self._connected = True

    async def _abandon(self) -> None:
        """Drop connections of a loop that is gone, without awaiting on it."""
        self._connected = False

    async def close(self) -> None:
        """Close the connection or pool (a later query opens it again)."""
        if self._connected:
            self._connected = False
            await self._close()

    async def _checkout(self) -> Any:
        if not self._connected or (self.loop_bound and self._loop is not asyncio.get_running_loop()):
            await self.ensure_connected()
        return await self._take()

    async def _checkin(self, conn: Any, error: BaseException | None) -> None:
        await self._give(conn, error)

    def acquire_connection(self) -> AbstractAsyncContextManager[Any]:
        """``async with client.acquire_connection() as conn``: a driver connection for the block."""
        return _Lease(self)

    # -- errors ---------------------------------------------------------------------------
    def translate_error(self, exc: Exception, sql: str) -> BaseORMException:
        """The ORM exception for a driver exception, keeping the database's message."""
        for driver_class, orm_class in self.error_map:
            if isinstance(exc, driver_class):
                if issubclass(orm_class, DBConnectionError):
                    return orm_class(f"{self.describe_target()}: {exc or type(exc).__name__}")
                return orm_class(str(exc) or type(exc).__name__)
        if isinstance(exc, (ConnectionError, OSError)):
            return DBConnectionError(f"{self.describe_target()}: {exc}")
        return OperationalError(f"{type(exc).__name__}: {exc}")

    def is_disconnect(self, exc: Exception) -> bool:
        """Whether the driver exception ``exc`` means the connection is dead (the server closed it,
        the network dropped it), as opposed to an error in the statement. Backends refine this."""
        return isinstance(exc, (ConnectionError, OSError))

    def is_unsent(self, exc: Exception) -> bool:
        """Whether ``exc`` was raised before the statement left the client (the driver already knew
        the connection was closed), so that running it again cannot run it twice."""
        return False


class TransactionClient(QueryRunner):
    """The client of one open transaction (or savepoint): one connection, used in turn.

    An open savepoint owns its transaction's connection until it ends: statements
    of other tasks through the outer transaction wait, so that they never land
    inside (and get rolled back with) the savepoint, and sibling savepoints of
    concurrent tasks never interleave.
    """

    def __init__(
        self, parent: BaseDBAsyncClient, conn: Any, depth: int, outer: TransactionClient | None = None
    ) -> None:
        self._driver = parent
        self.dialect = parent.dialect
        self.connection_name = parent.connection_name
        self.capabilities = parent.capabilities
        self._conn = conn
        self._lock = asyncio.Lock()
        self.depth = depth
        self._finished = False
        #: The transaction this savepoint is nested in.
        self._outer = outer
        #: The open savepoint holding this transaction's connection, and the task that opened it.
        self._savepoint: TransactionClient | None = None
        self._owner: asyncio.Task[Any] | None = None
        #: The ``async with`` block has exited (the connection went back to the client).
        self._released = False
        #: BEGIN (or SAVEPOINT) succeeded.
        self._begun = False

    def _inner_savepoint(self) -> TransactionClient | None:
        """The open savepoint of this transaction that the current task opened, if any: as in SQL,
        its statements through this transaction run inside it (waiting for the lock would hang)."""
        savepoint = self._savepoint
        if savepoint is not None and savepoint._owner is asyncio.current_task():
            return savepoint
        return None

    async def _checkout(self) -> Any:
        if self._finished:
            raise TransactionManagementError("the transaction is already finished")
        savepoint = self._inner_savepoint()
        if savepoint is not None:
            return await savepoint._checkout()
        await self._lock.acquire()
        if self._finished:
            self._lock.release()
            raise TransactionManagementError("the transaction is already finished")
        return self._conn

    async def _checkin(self, conn: Any, error: BaseException | None) -> None:
        # Stable since _checkout: only this task can end its savepoint, and other tasks
        # cannot open one while they hold the lock.
        savepoint = self._inner_savepoint()
        if savepoint is not None:
            await savepoint._checkin(conn, error)
        else:
            self._lock.release()

    def acquire_connection(self) -> AbstractAsyncContextManager[Any]:
        """``async with tx.acquire_connection() as conn``: the transaction's driver connection."""
        return _Lease(self)

    def _lost_note(self) -> str:
        if self.depth == 0 and not self._begun:
            return ""
        return "; the transaction died with its connection: none of its work was committed"

    @property
    def savepoint_name(self) -> str:
        return f"orm_savepoint_{self.depth}"

    async def _statement(self, sql: str) -> None:
        await self._run(self._driver._execute, sql, ())

    def _check_open(self) -> None:
        if self._finished:
            raise TransactionManagementError("the transaction is already finished")

    async def begin(self) -> None:
        d = self.dialect
        await self._statement(d.begin_sql if self.depth == 0 else d.savepoint_sql(self.savepoint_name))
        self._begun = True

    async def commit(self) -> None:
        """Commit now (the ``async with`` block then does nothing more)."""
        self._check_open()
        d = self.dialect
        try:
            await self._statement(
                "COMMIT" if self.depth == 0 else d.release_savepoint_sql(self.savepoint_name)
            )
        except BaseException:
            await self.rollback()
            raise
        self._finished = True

    async def rollback(self) -> None:
        """Roll back now (the ``async with`` block then does nothing more)."""
        self._check_open()
        d = self.dialect
        try:
            if self.depth == 0:
                await self._statement("ROLLBACK")
            else:
                await self._statement(d.rollback_to_savepoint_sql(self.savepoint_name))
                await self._statement(d.release_savepoint_sql(self.savepoint_name))
        finally:
            self._finished = True

    def in_transaction(self) -> TransactionContext:
        """A savepoint in this transaction (or in this task's innermost savepoint of it)."""
        from orm.connection import current_transaction

        current = current_transaction(self.connection_name)
        return TransactionContext(self._driver, current if _nested_in(current, self) else self)


def _nested_in(tx: TransactionClient | None, outer: TransactionClient) -> bool:
    while tx is not None:
        if tx is outer:
            return True
        tx = tx._outer
    return False


class TransactionContext:
    """``async with``: a transaction, or a savepoint inside the current one (or ``outer``)."""

    def __init__(self, client: BaseDBAsyncClient, outer: TransactionClient | None = None) -> None:
        self.client = client
        self._outer = outer
        self._connection_cm: AbstractAsyncContextManager[Any] | None = None
        self._holding: TransactionClient | None = None
        self._token: Any = None
        self.transaction: TransactionClient | None = None

    async def __aenter__(self) -> TransactionClient:
        from orm.connection import current_transaction, enter_transaction

        outer = self._outer
        if outer is None:
            outer = current_transaction(self.client.connection_name)
            if outer is not None and (outer._driver is not self.client or outer._released):
                outer = None
        if outer is not None:
            if outer._finished:
                raise TransactionManagementError(
                    "the transaction is already finished (committed or rolled back inside its block)"
                )
            await outer._lock.acquire()  # the savepoint owns the connection until it ends
            self._holding = outer
            if outer._finished:
                await self._release(None, None, None)
                raise TransactionManagementError("the transaction is already finished")
            tx = TransactionClient(self.client, outer._conn, outer.depth + 1, outer)
            outer._savepoint = tx
            await self._begin(tx)
        else:
            tx = await self._begin_transaction()
        self.transaction = tx
        self._token = enter_transaction(tx)
        return tx

    async def _begin(self, tx: TransactionClient) -> None:
        tx._owner = asyncio.current_task()
        try:
            await tx.begin()
        except BaseException as exc:
            await self._release(type(exc), exc, exc.__traceback__)
            raise

    async def _begin_transaction(self) -> TransactionClient:
        """BEGIN on a connection of the client, or once more on a new one if that connection was
        found dead (nothing had happened in the transaction: the server restarted, say)."""
        for attempt in (1, 2):
            self._connection_cm = self.client._acquire()
            conn = await self._connection_cm.__aenter__()
            tx = TransactionClient(self.client, conn, 0)
            try:
                await self._begin(tx)
            except DBConnectionError as exc:
                cause = exc.__cause__
                if attempt == 2 or not isinstance(cause, Exception) or not self.client.is_disconnect(cause):
                    raise
                logger.warning("%s: %s; beginning on a new connection", self.client.connection_name, exc)
                continue
            return tx
        raise AssertionError("unreachable")  # pragma: no cover

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        from orm.connection import leave_transaction

        tx = self.transaction
        assert tx is not None
        leave_transaction(self._token)
        release_with: BaseException | None = exc
        try:
            if not tx._finished:
                if exc_type is None:
                    await tx.commit()
                else:
                    try:
                        await tx.rollback()
                    except Exception as rollback_error:  # e.g. cancelled mid-statement: the connection is unusable
                        logger.warning("rollback failed (%s); discarding the connection", rollback_error)
                        release_with = DBConnectionError(f"rollback failed: {rollback_error}")
        finally:
            await self._release(type(release_with) if release_with else None, release_with, tb)

    async def _release(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if self.transaction is not None:
            self.transaction._released = True
        holding, self._holding = self._holding, None
        if holding is not None:
            holding._savepoint = None
            holding._lock.release()
        if self._connection_cm is not None:
            cm, self._connection_cm = self._connection_cm, None
            await cm.__aexit__(exc_type, exc, tb)


__all__ = [
    "BaseDBAsyncClient",
    "Capabilities",
    "IntegrityError",
    "QueryRunner",
    "TransactionClient",
    "TransactionContext",
]
