"""Several databases in one program (Tortoise's examples/two_databases.py), routers
(examples/router.py), using_db, and the global table name generator
(examples/global_table_name_generator.py), run against `orm` with only the package renamed.

The first connection is the backend under test (named "default"); the second is an in-memory
SQLite database, so that where each row went can be seen."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from orm import Tortoise, connections
from orm.exceptions import ConfigurationError, DoesNotExist, OperationalError, ParamsError
from orm.models import Model
from orm.transactions import in_transaction
from tests.compat import models_router, models_two_db
from tests.compat.models_replica import ReplicaEvent
from tests.helpers import Backend, _drop_tables, _tables_for


@asynccontextmanager
async def session(backend: Backend, config: dict[str, Any], **options: Any) -> AsyncIterator[None]:
    """Init with ``config`` (its "default" connection is the backend), fresh tables everywhere."""
    await Tortoise.init(config=config, **options)
    try:
        if backend.is_server:
            _tables_for.pop(backend.name, None)  # the next orm_session rebuilds its tables
            await _drop_tables(backend)
        await Tortoise.generate_schemas(safe=False)
        yield
    finally:
        await connections.close_all(discard=True)
        Tortoise._reset()


async def table_rows(alias: str, table: str) -> list[str]:
    client = connections.get(alias)
    rows = await client.execute_query_dict(f"SELECT name FROM {client.dialect.quote(table)} ORDER BY id")
    return [row["name"] for row in rows]


# -- examples/two_databases.py ---------------------------------------------------------------
def two_db_config(backend: Backend) -> dict[str, Any]:
    return {
        "connections": {"default": backend.url, "second": "sqlite://:memory:"},
        "apps": {
            "tournaments": {"models": ["tests.compat.models_two_db"], "default_connection": "default"},
            "events": {"models": ["tests.compat.models_two_db"], "default_connection": "second"},
        },
    }


async def test_two_databases_example(backend) -> None:
    async with session(backend, two_db_config(backend)):
        tournament = await models_two_db.Tournament.create(name="Tournament")
        await models_two_db.Event(name="Event", tournament_id=tournament.id).save()
        team = await models_two_db.Team.create(name="Team")
        event = await models_two_db.Event.get(name="Event")
        await event.participants.add(team)

        assert await table_rows("default", "tournament") == ["Tournament"]
        assert await table_rows("second", "event") == ["Event"]
        with pytest.raises(OperationalError):  # the first database has no event table
            await table_rows("default", "event")
        with pytest.raises(OperationalError):
            await table_rows("second", "tournament")
        assert [t.name for t in await event.participants] == ["Team"]
        assert Tortoise.get_connection("second") is connections.get("second")
        assert set(Tortoise.apps) == {"tournaments", "events"}
        assert models_two_db.Event._meta.db is connections.get("second")


async def test_using_db_and_transactions_per_connection(backend) -> None:
    async with session(backend, two_db_config(backend)):
        second = connections.get("second")
        async with in_transaction("second") as tx:
            await models_two_db.Team.create(name="kept", using_db=tx)
            assert await models_two_db.Team.all().using_db(tx).count() == 1
        with pytest.raises(ZeroDivisionError):
            async with in_transaction("second") as tx:
                await models_two_db.Team.create(name="undone", using_db=tx)
                raise ZeroDivisionError
        assert await table_rows("second", "team") == ["kept"]
        team = models_two_db.Team(name="saved")
        await team.save(using_db=second)
        assert await models_two_db.Team.filter(name="saved").using_db(second).exists()
        with pytest.raises(ParamsError, match="connection_name"):  # two connections: say which
            async with in_transaction():
                pass
        with pytest.raises(ConfigurationError, match="unknown connection 'third'"):
            async with in_transaction("third"):
                pass


# -- examples/router.py --------------------------------------------------------------------------
class Router:
    def db_for_read(self, model: type[Model]):
        return "slave" if model is models_router.Event else None

    def db_for_write(self, model: type[Model]):
        return "default" if model is models_router.Event else None


def router_config(backend: Backend, routers: list[Any] | None = None) -> dict[str, Any]:
    config: dict[str, Any] = {
        "connections": {"default": backend.url, "slave": "sqlite://:memory:"},
        "apps": {
            "models": {"models": ["tests.compat.models_router"], "default_connection": "default"},
            "replica": {"models": ["tests.compat.models_replica"], "default_connection": "slave"},
        },
        "use_tz": False,
        "timezone": "UTC",
    }
    if routers is not None:
        config["routers"] = routers
    return config


async def check_routing() -> None:
    await ReplicaEvent.create(name="on the replica")
    event = await models_router.Event.create(name="Test")  # written through "default"
    assert await table_rows("default", "event") == ["Test"]
    assert [e.name for e in await models_router.Event.all()] == ["on the replica"]  # read from "slave"
    with pytest.raises(DoesNotExist):
        await models_router.Event.get(name="Test")
    master = connections.get("default")
    assert (await models_router.Event.get(pk=event.pk, using_db=master)).name == "Test"  # using_db wins
    assert await models_router.Event.all().using_db(master).values_list("name", flat=True) == ["Test"]


async def test_router_from_config(backend) -> None:
    async with session(backend, router_config(backend, ["tests.compat.test_multi_db.Router"])):
        await check_routing()


async def test_router_given_to_init(backend) -> None:
    async with session(backend, router_config(backend), routers=[Router]):
        await check_routing()


async def test_without_a_router_a_model_uses_its_app_connection(backend) -> None:
    async with session(backend, router_config(backend)):
        await models_router.Event.create(name="Test")
        assert [e.name for e in await models_router.Event.all()] == ["Test"]
        assert await ReplicaEvent.all().count() == 0


def test_a_router_that_cannot_be_imported_is_a_configuration_error() -> None:
    from orm.router import ConnectionRouter

    with pytest.raises(ConfigurationError, match=r"cannot import router 'nowhere\.Router'"):
        ConnectionRouter().init_routers(["nowhere.Router"])


# -- examples/global_table_name_generator.py ------------------------------------------------------
def snake_case_table_names(cls):
    """Convert CamelCase class name to snake_case table name"""
    name = cls.__name__
    return "".join(["_" + c.lower() if c.isupper() else c for c in name]).lstrip("_")


async def test_global_table_name_generator_example(backend) -> None:
    config = {
        "connections": {"default": backend.url},
        "apps": {"models": {"models": ["tests.compat.models_router"]}},
    }
    async with session(backend, config, table_name_generator=snake_case_table_names):
        assert models_router.UserProfile._meta.db_table == "user_profile"
        assert models_router.BlogPost._meta.db_table == "custom_blog_posts"  # an explicit name wins
        author = await models_router.UserProfile.create(name="Ann")
        await models_router.BlogPost.create(title="Hello", author=author)
        assert await table_rows("default", "user_profile") == ["Ann"]
        assert [p.title for p in await author.posts] == ["Hello"]
        assert Tortoise.describe_models()["models.UserProfile"]["table"] == "user_profile"
    # the generator belongs to that init only
    await Tortoise.init(db_url="sqlite://:memory:", modules={"models": ["tests.compat.models_router"]})
    try:
        assert models_router.UserProfile._meta.db_table == "userprofile"
    finally:
        await connections.close_all(discard=True)
        Tortoise._reset()
