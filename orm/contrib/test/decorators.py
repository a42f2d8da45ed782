"""Decorators: skipping tests by capability, running a coroutine on a fresh in-memory database."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from functools import partial, wraps
from types import ModuleType
from typing import Any, TypeVar
from unittest import SkipTest

from orm.connection import connections
from orm.contrib.test.database import MEMORY_SQLITE, ModulesConfigType
from orm.exceptions import ConfigurationError
from orm.tortoise import Tortoise

_F = TypeVar("_F", bound=Callable[..., Any])


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
