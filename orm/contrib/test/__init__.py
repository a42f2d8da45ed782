"""Test helpers for programs using the ORM (Tortoise's ``tortoise.contrib.test``).

unittest style (also collected by pytest)::

    from orm.contrib import test
    from orm.contrib.test import finalizer, initializer

    def setUpModule():
        initializer(["app.models"], db_url="sqlite://:memory:")   # or $TORTOISE_TEST_DB

    def tearDownModule():
        finalizer()

    class TestEvents(test.TestCase):       # each test runs in a transaction rolled back after it
        async def test_create(self):
            await Event.create(name="x")

pytest style (Tortoise 1.x)::

    @pytest.fixture
    async def db():
        async with tortoise_test_context(["app.models"]) as ctx:
            yield ctx

``initializer`` creates the test database (a ``{}`` in the URL becomes a random
name), generates the schemas and leaves the ORM initialised on it; the test
cases run their async methods on the event loop ``initializer`` used, so an
in-memory SQLite database lives for the whole run. ``finalizer`` drops it.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import unittest
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import partial, wraps
from types import ModuleType
from typing import Any, TypeVar
from unittest import SkipTest, expectedFailure, skip, skipIf, skipUnless

from orm.apps import registry
from orm.config import generate_config
from orm.connection import connections
from orm.exceptions import ConfigurationError, DBConnectionError, OperationalError
from orm.models import Model
from orm.router import router
from orm.tortoise import Tortoise, _configure_time

MEMORY_SQLITE = "sqlite://:memory:"
#: Environment variables naming the test database URL (the first one set wins).
TEST_DB_VARIABLES = ("TORTOISE_TEST_DB", "ORM_TEST_DB")

ModulesConfigType = str | Iterable[str | ModuleType]
_F = TypeVar("_F", bound=Callable[..., Any])

expectedFailure.__doc__ = """Mark a test as expected to fail (a success is reported as unexpected)."""


def _env(*names: str, default: str) -> str:
    for name in names:
        value = os.environ.get(name)
        if value:
            return value
    return default


def get_test_db_url() -> str:
    """The test database URL: ``$TORTOISE_TEST_DB`` (or ``$ORM_TEST_DB``), else in-memory SQLite."""
    return _env(*TEST_DB_VARIABLES, default=MEMORY_SQLITE)


def _fill_placeholder(db_url: str) -> str:
    """``{}`` in a URL becomes a random name, so that each use gets a database of its own."""
    return db_url.replace("{}", uuid.uuid4().hex[:16]) if "{}" in db_url else db_url


# -- state kept between initializer() and finalizer() ------------------------------------------
@dataclass
class _Default:
    """The setup ``initializer()`` made, to come back to after a test changed it."""

    db_url: str = ""
    modules: list[str | ModuleType] = field(default_factory=list)
    app_label: str = "models"
    config: dict[str, Any] = field(default_factory=dict)
    clients: dict[str, Any] = field(default_factory=dict)
    apps: dict[str, Any] = field(default_factory=dict)
    loop: asyncio.AbstractEventLoop | None = None
    own_loop: bool = False
    active: bool = False


_default = _Default()


def getDBConfig(app_label: str, modules: Iterable[str | ModuleType]) -> dict[str, Any]:
    """The config dict of a test database holding ``modules`` as app ``app_label``.

    The connection is named like the app. The URL is the one ``initializer`` was given,
    else ``$TORTOISE_TEST_DB``; a ``{}`` in it becomes a random database name.
    """
    db_url = _default.db_url or get_test_db_url()
    return generate_config(_fill_placeholder(db_url), {app_label: list(modules)}, connection_label=app_label)


def _test_loop(loop: asyncio.AbstractEventLoop | None) -> tuple[asyncio.AbstractEventLoop, bool]:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise ConfigurationError(
            "initializer()/finalizer() are synchronous and cannot run inside a running event loop; "
            "in async code use `async with tortoise_test_context([...])` instead"
        )
    if loop is not None:
        return loop, False
    if _default.loop is not None and not _default.loop.is_closed():
        return _default.loop, _default.own_loop
    return asyncio.new_event_loop(), True


async def _create_test_db(config: dict[str, Any]) -> None:
    await Tortoise.init(config, connect=False)  # the database may not exist yet
    try:
        await Tortoise._drop_databases()  # a database left over by an interrupted run
    except (DBConnectionError, OperationalError):
        pass
    await Tortoise.init(config, _create_db=True)
    await Tortoise.generate_schemas(safe=False)


def initializer(
    modules: Iterable[str | ModuleType],
    db_url: str | None = None,
    app_label: str = "models",
    loop: asyncio.AbstractEventLoop | None = None,
) -> None:
    """Create the test database with the schemas of ``modules`` and initialise the ORM on it.

    ``db_url`` defaults to ``$TORTOISE_TEST_DB`` (or ``$ORM_TEST_DB``), else ``sqlite://:memory:``;
    a ``{}`` in it becomes a random database name. Call it once before the tests (``setUpModule``,
    a session fixture) and ``finalizer()`` after them. The test cases run on ``loop`` (default: a
    loop created here).
    """
    if isinstance(modules, (str, ModuleType)):
        modules = [modules]
    chosen_loop, own = _test_loop(loop)
    _default.db_url = db_url if db_url is not None else get_test_db_url()
    _default.modules = list(modules)
    _default.app_label = app_label
    _default.config = getDBConfig(app_label, _default.modules)
    _default.loop, _default.own_loop = chosen_loop, own
    chosen_loop.run_until_complete(_create_test_db(_default.config))
    _remember_default()


def env_initializer() -> None:
    """``initializer()`` from the environment: ``TORTOISE_TEST_MODULES`` (comma-separated, default
    ``tests.testmodels``), ``TORTOISE_TEST_APP`` (default ``models``), ``TORTOISE_TEST_DB``
    (default in-memory SQLite); each also read as ``ORM_TEST_...``."""
    modules = _env("TORTOISE_TEST_MODULES", "ORM_TEST_MODULES", default="tests.testmodels")
    app_label = _env("TORTOISE_TEST_APP", "ORM_TEST_APP", default="models")
    initializer([m.strip() for m in modules.split(",") if m.strip()], db_url=get_test_db_url(), app_label=app_label)


def finalizer() -> None:
    """Drop the test database ``initializer()`` created and close its connections."""
    if not _default.active:
        raise ConfigurationError("finalizer() without initializer(): there is no test database to drop")
    loop = _default.loop
    assert loop is not None

    async def restore_and_drop() -> None:
        await _restore_default()
        await Tortoise._drop_databases()

    try:
        loop.run_until_complete(restore_and_drop())
    finally:
        _default.active = False
        _default.clients = {}
        if _default.own_loop:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
            _default.loop = None


def _remember_default() -> None:
    _default.clients = {alias: connections.client(alias) for alias in connections.db_config}
    _default.apps = registry.apps
    _default.active = True


def _is_default() -> bool:
    return (
        Tortoise._inited
        and registry.apps is _default.apps
        and set(connections.db_config) == set(_default.clients)
        and all(connections._clients.get(alias) is client for alias, client in _default.clients.items())
    )


async def _detach() -> None:
    """Forget the current setup. The default setup's connections stay open (an in-memory database
    survives); any other connection (a test's own ``Tortoise.init``) is closed."""
    keep = {id(client) for client in _default.clients.values()}
    for client in connections.opened():
        if id(client) not in keep:
            await client.close()
    connections.configure({})
    Tortoise._reset()


async def _restore_default() -> None:
    """Bind the models and connections of ``initializer()`` again if a test changed the setup."""
    if not _default.active or _is_default():
        return
    config = _default.config
    await _detach()
    _configure_time(config, None, None)
    connections.configure(config["connections"])
    for alias, client in _default.clients.items():
        connections.set(alias, client)
    registry.load(config["apps"])
    Tortoise._init_relations()
    router.init_routers(config.get("routers", []))
    Tortoise.apps = registry.apps
    Tortoise._inited = True
    _default.apps = registry.apps


# -- emptying tables ---------------------------------------------------------------------------
def _delete_order(models: list[type[Model]]) -> list[type[Model]]:
    """Models that point to others first, so that rows are deleted before the rows they reference."""
    remaining = list(models)
    ordered: list[type[Model]] = []
    while remaining:
        referenced = {
            field.related_model
            for model in remaining
            for name in model._meta.fk_fields | model._meta.o2o_fields
            if (field := model._meta.fields_map[name]).related_model is not model
        }
        batch = [m for m in remaining if m not in referenced] or remaining[:1]  # a cycle: break it anywhere
        ordered.extend(batch)
        remaining = [m for m in remaining if m not in batch]
    return ordered


async def truncate_all_models() -> None:
    """Delete every row of every initialised model's table (many-to-many tables included)."""
    if not Tortoise._inited:
        raise ConfigurationError("truncate_all_models() needs an initialised ORM: call Tortoise.init() first")
    by_connection: dict[str, list[type[Model]]] = {}
    for model in registry.models():
        by_connection.setdefault(model._meta.default_connection or "default", []).append(model)
    for alias, models in by_connection.items():
        client = connections.get(alias)
        quote = client.dialect.quote
        through = sorted(
            {
                f.through
                for m in models
                for name in m._meta.m2m_fields
                if (f := m._meta.fields_map[name]).through
            }
        )
        tables = through + [m._meta.db_table for m in _delete_order(models)]
        name = client.capabilities.dialect
        if name == "postgres":
            await client.execute_script(f"TRUNCATE {', '.join(quote(t) for t in tables)} CASCADE")
        elif name == "mysql":
            async with client.in_transaction() as tx:  # one connection, so the session setting applies
                await tx.execute_script("SET FOREIGN_KEY_CHECKS = 0")
                for table in tables:
                    await tx.execute_script(f"DELETE FROM {quote(table)}")
                await tx.execute_script("SET FOREIGN_KEY_CHECKS = 1")
        elif name == "sqlite":  # one connection; the pragma cannot change inside a transaction
            await client.execute_script("PRAGMA foreign_keys = OFF")
            try:
                for table in tables:
                    await client.execute_script(f"DELETE FROM {quote(table)}")
            finally:
                await client.execute_script("PRAGMA foreign_keys = ON")
        else:
            for table in tables:
                await client.execute_script(f"DELETE FROM {quote(table)}")


# -- test cases --------------------------------------------------------------------------------
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


# -- decorators --------------------------------------------------------------------------------
def _capabilities(connection_name: str) -> Any:
    names = list(connections.db_config)
    if connection_name not in names and len(names) == 1:
        connection_name = names[0]  # e.g. Tortoise.init(db_url=...) names its connection "default"
    return connections.get(connection_name).capabilities


def requireCapability(connection_name: str = "models", **conditions: Any) -> Callable[[_F], _F]:
    """Skip a test (function, method or every test of a class) unless the connection's
    ``capabilities`` match: ``@requireCapability(dialect="sqlite")``. Checked when the test runs."""

    def check() -> None:
        capabilities = _capabilities(connection_name)
        for key, value in conditions.items():
            if not hasattr(capabilities, key):
                raise ConfigurationError(f"requireCapability: no capability {key!r}")
            if getattr(capabilities, key) != value:
                raise SkipTest(f"Capability {key} != {value}")

    def decorator(test_item: _F) -> _F:
        if isinstance(test_item, type):
            for name in dir(test_item):
                if name.startswith("test_") and callable(getattr(test_item, name)):
                    setattr(test_item, name, decorator(getattr(test_item, name)))
            return test_item
        if inspect.iscoroutinefunction(test_item):

            @wraps(test_item)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                check()
                return await test_item(*args, **kwargs)

            return async_wrapper  # type: ignore[return-value]

        @wraps(test_item)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            check()
            return test_item(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def init_memory_sqlite(models: ModulesConfigType | Callable[..., Awaitable[Any]] | None = None) -> Any:
    """Decorate a coroutine function to run it on a fresh in-memory SQLite database holding
    ``models`` (module names; default ``["__main__"]``), schemas generated::

        @init_memory_sqlite
        async def run(): ...

        @init_memory_sqlite(["app.models"])
        async def run(): ...
    """

    def wrap(function: Callable[..., Awaitable[Any]], modules: list[Any]) -> Callable[..., Awaitable[Any]]:
        @wraps(function)
        async def runner(*args: Any, **kwargs: Any) -> Any:
            await Tortoise.init(db_url=MEMORY_SQLITE, modules={"models": modules})
            await Tortoise.generate_schemas()
            return await function(*args, **kwargs)

        return runner

    if inspect.iscoroutinefunction(models):
        return wrap(models, ["__main__"])
    if models is None:
        chosen: list[Any] = ["__main__"]
    elif isinstance(models, (str, ModuleType)):
        chosen = [models]
    else:
        chosen = list(models)  # type: ignore[arg-type]
    return partial(wrap, modules=chosen)


# -- Tortoise 1.x: contexts ----------------------------------------------------------------------
class TortoiseContext:
    """Tortoise 1.x's context object, over this ORM's single (process-wide) setup.

    ``async with TortoiseContext() as ctx: await ctx.init(db_url=..., modules=...)``; leaving the
    block closes the connections. Contexts do not nest: initialising one replaces the setup.
    """

    def __init__(self) -> None:
        self._inited = False
        self._drop_on_exit = False

    @property
    def connections(self) -> Any:
        return connections

    @property
    def apps(self) -> dict[str, dict[str, type[Model]]] | None:
        return Tortoise.apps if self._inited else None

    @property
    def inited(self) -> bool:
        return self._inited

    @property
    def default_connection(self) -> str | None:
        names = list(connections.db_config)
        if "default" in names:
            return "default"
        return names[0] if len(names) == 1 else None

    async def init(self, config: dict[str, Any] | None = None, **options: Any) -> None:
        options.pop("init_connections", None)
        options.pop("_enable_global_fallback", None)
        await Tortoise.init(config, **options)
        self._inited = True

    async def generate_schemas(self, safe: bool = True) -> None:
        await Tortoise.generate_schemas(safe=safe)

    def get_model(self, app_label: str, model_name: str) -> type[Model]:
        return registry.get_model(f"{app_label}.{model_name}")

    def db(self, connection_name: str | None = None) -> Any:
        if not self._inited:
            raise ConfigurationError("the context is not initialised: call init() first")
        name = connection_name or self.default_connection
        if name is None:
            raise ConfigurationError("several connections are configured: pass connection_name")
        return connections.get(name)

    async def close_connections(self) -> None:
        if not self._inited:
            return
        if self._drop_on_exit:
            await Tortoise._drop_databases()
        else:
            await connections.close_all(discard=True)
            Tortoise._reset()
        self._inited = False

    async def __aenter__(self) -> TortoiseContext:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close_connections()


@asynccontextmanager
async def tortoise_test_context(
    modules: Iterable[str | ModuleType],
    db_url: str | None = None,
    app_label: str = "models",
    *,
    connection_label: str | None = None,
    use_tz: bool = True,
    timezone: str = "UTC",
    routers: list[Any] | None = None,
) -> AsyncIterator[TortoiseContext]:
    """Initialise the ORM on a fresh test database with the schemas of ``modules``; close it after.

    ``db_url`` defaults to ``$TORTOISE_TEST_DB`` (or ``$ORM_TEST_DB``), else in-memory SQLite. With
    a ``{}`` in it, a database of a random name is created and dropped on exit.
    """
    url = db_url if db_url is not None else get_test_db_url()
    fresh = "{}" in url
    config = generate_config(_fill_placeholder(url), {app_label: list(modules)}, connection_label or "default")
    async with TortoiseContext() as context:
        await context.init(config, _create_db=fresh, use_tz=use_tz, timezone=timezone, routers=routers)
        context._drop_on_exit = fresh
        await context.generate_schemas(safe=False)
        yield context


__all__ = [
    "MEMORY_SQLITE",
    "IsolatedTestCase",
    "SimpleTestCase",
    "SkipTest",
    "TestCase",
    "TortoiseContext",
    "TruncationTestCase",
    "env_initializer",
    "expectedFailure",
    "finalizer",
    "getDBConfig",
    "get_test_db_url",
    "init_memory_sqlite",
    "initializer",
    "requireCapability",
    "skip",
    "skipIf",
    "skipUnless",
    "tortoise_test_context",
    "truncate_all_models",
]
