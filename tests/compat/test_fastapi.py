"""``orm.contrib.fastapi`` (Tortoise's ``tortoise.contrib.fastapi``), with a stand-in for a FastAPI app
(FastAPI is not a dependency): the ORM is set up for the app's lifespan and closed after it."""

from __future__ import annotations

from contextlib import asynccontextmanager
from types import SimpleNamespace
from typing import Any

from orm import Tortoise
from orm.connection import connections
from orm.contrib.fastapi import RegisterTortoise, register_tortoise
from tests.compat.models_examples import Tournament

MODULES = {"models": ["tests.compat.models_examples"]}


def fake_app() -> Any:
    events: list[str] = []

    @asynccontextmanager
    async def lifespan(app: Any):
        events.append("app startup")
        yield {"state": 1}
        events.append("app shutdown")

    return SimpleNamespace(router=SimpleNamespace(lifespan_context=lifespan), events=events)


async def test_register_tortoise_context_manager() -> None:
    app = fake_app()
    try:
        async with RegisterTortoise(app, db_url="sqlite://:memory:", modules=MODULES, generate_schemas=True) as orm:
            assert orm.app is app and Tortoise._inited
            await Tournament.create(name="from the app")
            assert await Tournament.all().values_list("name", flat=True) == ["from the app"]
        assert not any(c._connected for c in connections.opened())  # closed on leaving
    finally:
        await connections.close_all(discard=True)
        Tortoise._reset()


async def test_register_tortoise_wraps_the_apps_lifespan() -> None:
    app = fake_app()
    register_tortoise(app, db_url="sqlite://:memory:", modules=MODULES, generate_schemas=True)
    try:
        async with app.router.lifespan_context(app) as state:
            assert state == {"state": 1}
            assert app.events == ["app startup"]
            await Tournament.create(name="x")
            assert await Tournament.all().count() == 1
        assert app.events == ["app startup", "app shutdown"]
        assert not any(c._connected for c in connections.opened())  # closed after the lifespan
    finally:
        await connections.close_all(discard=True)
        Tortoise._reset()
