"""Tortoise 1.x's pytest style: ``TortoiseContext`` and ``tortoise_test_context``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from types import ModuleType
from typing import Any

from orm.apps import registry
from orm.config import generate_config
from orm.connection import connections
from orm.contrib.test.database import _fill_placeholder, get_test_db_url
from orm.exceptions import ConfigurationError
from orm.models import Model
from orm.tortoise import Tortoise


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
