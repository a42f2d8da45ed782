"""unittest test cases whose ``async def`` tests run on the loop ``initializer()`` used."""

from __future__ import annotations

import asyncio
import inspect
import unittest
from collections.abc import Awaitable, Callable, Iterable
from types import ModuleType
from typing import Any

from orm.connection import connections
from orm.contrib.test.database import _default, _detach, _restore_default, getDBConfig
from orm.contrib.test.truncation import truncate_all_models
from orm.exceptions import ConfigurationError
from orm.models import Model
from orm.tortoise import Tortoise


class _TaskRunner:
    """Runs a test's coroutines one after another in one task on the test loop.

    One task for setUp, the test and tearDown means context variables set in ``asyncSetUp``
    (the open transaction of ``TestCase``) are seen by the test method.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._queue: asyncio.Queue[tuple[Awaitable[Any], asyncio.Future[Any]] | None] | None = None
        self._task: asyncio.Task[None] | None = None

    def run(self, awaitable: Awaitable[Any]) -> Any:
        if self._task is None:
            self._queue = asyncio.Queue()
            self._task = self.loop.create_task(self._serve())
        assert self._queue is not None
        future = self.loop.create_future()
        self._queue.put_nowait((awaitable, future))
        return self.loop.run_until_complete(future)

    async def _serve(self) -> None:
        assert self._queue is not None
        while True:
            item = await self._queue.get()
            if item is None:
                return
            awaitable, future = item
            try:
                result = await awaitable
            except asyncio.CancelledError:
                future.cancel()
            except BaseException as exc:
                if not future.cancelled():
                    future.set_exception(exc)
            else:
                if not future.cancelled():
                    future.set_result(result)

    def close(self) -> None:
        if self._task is not None and self._queue is not None:
            self._queue.put_nowait(None)
            self.loop.run_until_complete(self._task)
        self._task = self._queue = None


class SimpleTestCase(unittest.TestCase):
    """A test case whose ``async def`` tests (and ``asyncSetUp``/``asyncTearDown``) run on the
    event loop ``initializer()`` used. It does nothing to the database."""

    def __init__(self, methodName: str = "runTest") -> None:
        super().__init__(methodName)
        self._runner: _TaskRunner | None = None

    # -- the async protocol of unittest.IsolatedAsyncioTestCase -----------------------
    async def asyncSetUp(self) -> None:
        await self._setUpDB()

    async def asyncTearDown(self) -> None:
        await self._tearDownDB()

    async def _setUpDB(self) -> None:
        pass

    async def _tearDownDB(self) -> None:
        pass

    def addAsyncCleanup(self, func: Callable[..., Awaitable[Any]], /, *args: Any, **kwargs: Any) -> None:
        self.addCleanup(func, *args, **kwargs)

    async def enterAsyncContext(self, cm: Any) -> Any:
        result = await cm.__aenter__()
        self.addAsyncCleanup(cm.__aexit__, None, None, None)
        return result

    def _loop(self) -> asyncio.AbstractEventLoop:
        loop = _default.loop
        if loop is None or loop.is_closed():
            loop = _default.loop = asyncio.new_event_loop()
            _default.own_loop = True
        return loop

    def _run(self, awaitable: Awaitable[Any]) -> Any:
        if self._runner is None:
            self._runner = _TaskRunner(self._loop())
        return self._runner.run(awaitable)

    def _callSetUp(self) -> None:
        self.setUp()
        self._run(self.asyncSetUp())

    def _callTestMethod(self, method: Callable[[], Any]) -> None:
        result = method()
        if inspect.isawaitable(result):
            self._run(result)

    def _callTearDown(self) -> None:
        self._run(self.asyncTearDown())
        self.tearDown()

    def _callCleanup(self, function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> None:
        result = function(*args, **kwargs)
        if inspect.isawaitable(result):
            self._run(result)

    def run(self, result: unittest.TestResult | None = None) -> unittest.TestResult | None:
        try:
            return super().run(result)
        finally:
            if self._runner is not None:
                self._runner.close()
                self._runner = None

    def assertListSortEqual(
        self, list1: list[Any], list2: list[Any], msg: Any = None, sorted_key: str | None = None
    ) -> None:
        """Equal lists regardless of order (instances by primary key, dicts by ``sorted_key``)."""
        if list1 and isinstance(list1[0], Model):
            self.assertListEqual(sorted(list1, key=lambda x: x.pk), sorted(list2, key=lambda x: x.pk), msg=msg)
        elif list1 and isinstance(list1[0], dict) and sorted_key:
            self.assertListEqual(
                sorted(list1, key=lambda x: x[sorted_key]), sorted(list2, key=lambda x: x[sorted_key]), msg=msg
            )
        else:
            self.assertListEqual(sorted(list1), sorted(list2), msg=msg)


class IsolatedTestCase(SimpleTestCase):
    """Each test gets a database of its own, created before and dropped after it (slow, but a
    perfectly fresh database). Put ``{}`` in the URL of a server database for a random name.
    ``tortoise_test_modules`` overrides the model modules of ``initializer()``."""

    tortoise_test_modules: Iterable[str | ModuleType] = []

    async def _setUpDB(self) -> None:
        await super()._setUpDB()
        modules = list(self.tortoise_test_modules) or _default.modules
        if not modules:
            raise ConfigurationError("IsolatedTestCase needs initializer() or tortoise_test_modules")
        await _detach()  # keep the initializer's connections open for the other tests
        config = getDBConfig(app_label="models", modules=modules)
        await Tortoise.init(config, _create_db=True)
        await Tortoise.generate_schemas(safe=False)

    async def _tearDownDB(self) -> None:
        await Tortoise._drop_databases()
        await _restore_default()


class TruncationTestCase(SimpleTestCase):
    """Empties every table after each test: use it when the tests use transactions themselves.
    Slower than ``TestCase``; auto-incremented keys are not reset."""

    async def _setUpDB(self) -> None:
        await super()._setUpDB()
        await _restore_default()

    async def _tearDownDB(self) -> None:
        await _restore_default()
        await truncate_all_models()
        await super()._tearDownDB()


class TestCase(TruncationTestCase):
    """Runs each test in a transaction rolled back after it: fast isolation. Transactions the test
    opens itself become savepoints inside it."""

    async def asyncSetUp(self) -> None:
        await super().asyncSetUp()
        self._test_transactions: list[Any] = []
        for alias in connections.db_config:
            client = connections.client(alias)
            if client.capabilities.supports_transactions:
                context = client.in_transaction()
                await context.__aenter__()
                self._test_transactions.append(context)

    async def asyncTearDown(self) -> None:
        for context in reversed(getattr(self, "_test_transactions", [])):
            transaction = context.transaction
            if transaction is not None and not transaction._finished:
                await transaction.rollback()
            await context.__aexit__(None, None, None)
        self._test_transactions = []
        await super().asyncTearDown()

    async def _tearDownDB(self) -> None:
        if all(connections.client(a).capabilities.supports_transactions for a in connections.db_config):
            await _restore_default()
        else:
            await super()._tearDownDB()
