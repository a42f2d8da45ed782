"""The test database: ``initializer()`` creates it and binds the ORM to it, ``finalizer()`` drops it.

What ``initializer()`` set up is kept in ``_default``, so that a test that changed the setup (its own
``Tortoise.init``) can be put back with ``_restore_default()``.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from orm.apps import registry
from orm.config import generate_config
from orm.connection import connections
from orm.exceptions import ConfigurationError, DBConnectionError, OperationalError
from orm.router import router
from orm.tortoise import Tortoise, _configure_time

MEMORY_SQLITE = "sqlite://:memory:"
#: Environment variables naming the test database URL (the first one set wins).
TEST_DB_VARIABLES = ("TORTOISE_TEST_DB", "ORM_TEST_DB")

ModulesConfigType = str | Iterable[str | ModuleType]


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
