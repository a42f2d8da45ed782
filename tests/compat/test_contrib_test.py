"""``orm.contrib.test`` (Tortoise's ``tortoise.contrib.test``): initializer/finalizer and the test case
classes on every backend (a database of a random name on the servers), the helpers, and Tortoise
1.x's ``tortoise_test_context``."""

from __future__ import annotations

import asyncio
import unittest
from typing import Any

import pytest

from orm import Tortoise
from orm.connection import connections
from orm.contrib import test as orm_test
from orm.contrib.test import (
    MEMORY_SQLITE,
    finalizer,
    getDBConfig,
    init_memory_sqlite,
    initializer,
    requireCapability,
    tortoise_test_context,
    truncate_all_models,
)
from orm.exceptions import ConfigurationError
from tests.compat import unittest_cases
from tests.compat.models_examples import Event, Team, Tournament
from tests.helpers import Backend, server_url

MODULES = ["tests.compat.models_examples"]


def random_db_url(backend: Backend) -> str:
    """The backend's server with a database named ``orm_ct_{}`` (``{}``: a random name), or SQLite."""
    if not backend.is_server:
        return MEMORY_SQLITE
    base = server_url(backend.name).split("?")[0]
    return base.rsplit("/", 1)[0] + "/orm_ct_{}"


def run_cases(*cases: type[unittest.TestCase]) -> unittest.TestResult:
    suite = unittest.TestSuite(unittest.defaultTestLoader.loadTestsFromTestCase(c) for c in cases)
    result = unittest.TestResult()
    suite.run(result)
    return result


def problems(result: unittest.TestResult) -> list[str]:
    return [f"{case}: {trace}" for case, trace in [*result.failures, *result.errors, *result.unexpectedSuccesses]]


def test_unittest_cases_on_every_backend(backend) -> None:
    unittest_cases.SEEN.clear()
    initializer(MODULES, db_url=random_db_url(backend))
    try:
        result = run_cases(
            unittest_cases.TestTransactionRollback,
            unittest_cases.TestTruncation,
            unittest_cases.TestIsolated,
            unittest_cases.TestAfterIsolated,
            unittest_cases.TestSimple,
            unittest_cases.TestSqliteOnly,
            unittest_cases.TestCapabilityOnMethods,
        )
    finally:
        finalizer()
    assert problems(result) == []
    assert result.testsRun == 14
    dialect = {"sqlite": "sqlite", "asyncpg": "postgres", "psycopg": "postgres", "mysql": "mysql"}[backend.name]
    skipped = sorted(str(test).split()[0] for test, _ in result.skipped)
    expected_skips = {"test_skipped", "test_runs_only_on_sqlite", "test_postgres_only", "test_mysql_only"}
    expected_skips -= {{"sqlite": "test_runs_only_on_sqlite", "postgres": "test_postgres_only",
                        "mysql": "test_mysql_only"}[dialect]}
    assert skipped == sorted(expected_skips)
    assert len(result.expectedFailures) == 1
    assert unittest_cases.SEEN["cleanup:test_async"] == ["asyncSetUp", "test", "cleanup"]
    if backend.is_server:  # the isolated test had a database of its own
        assert unittest_cases.SEEN["isolated_url"] != unittest_cases.SEEN["default_url"]
    assert not Tortoise._inited  # finalizer dropped the database and forgot the setup


def test_finalizer_drops_the_server_database(backend) -> None:
    if not backend.is_server:
        pytest.skip("an in-memory SQLite database disappears with its connection")
    initializer(MODULES, db_url=random_db_url(backend))
    client = connections.get("models")
    target = client.describe_target()
    finalizer()
    from orm.config import create_client

    admin = create_client("admin", server_url(backend.name))
    name = target.rsplit("/", 1)[-1]

    async def exists() -> bool:
        try:
            if backend.name == "mysql":
                rows = await admin.execute_query_dict("SHOW DATABASES")
                return any(name in row.values() for row in rows)
            rows = await admin.execute_query_dict("SELECT datname FROM pg_database")
            return any(row["datname"] == name for row in rows)
        finally:
            await admin.close()

    assert name.startswith("orm_ct_") and not asyncio.run(exists())


def test_initializer_refuses_a_running_loop() -> None:
    async def inside() -> None:
        initializer(MODULES)

    with pytest.raises(ConfigurationError, match="tortoise_test_context"):
        asyncio.run(inside())


def test_finalizer_without_initializer_says_so() -> None:
    with pytest.raises(ConfigurationError, match="without initializer"):
        finalizer()


def test_get_db_config_names_the_connection_after_the_app(monkeypatch) -> None:
    monkeypatch.setattr(orm_test._default, "db_url", "")
    monkeypatch.setenv("TORTOISE_TEST_DB", "sqlite://test_{}.sqlite3")
    config = getDBConfig(app_label="shop", modules=["a.models"])
    assert config["apps"] == {"shop": {"models": ["a.models"], "default_connection": "shop"}}
    first = config["connections"]["shop"]
    assert first.startswith("sqlite://test_") and "{}" not in first
    assert getDBConfig("shop", ["a.models"])["connections"]["shop"] != first  # a new random name each time


def test_orm_test_db_variable_is_read_too(monkeypatch) -> None:
    monkeypatch.delenv("TORTOISE_TEST_DB", raising=False)
    monkeypatch.setenv("ORM_TEST_DB", "sqlite://other.sqlite3")
    assert orm_test.get_test_db_url() == "sqlite://other.sqlite3"
    monkeypatch.setenv("TORTOISE_TEST_DB", "sqlite://first.sqlite3")
    assert orm_test.get_test_db_url() == "sqlite://first.sqlite3"
    monkeypatch.delenv("TORTOISE_TEST_DB")
    monkeypatch.delenv("ORM_TEST_DB")
    assert orm_test.get_test_db_url() == MEMORY_SQLITE


# -- pytest style (Tortoise 1.x) -----------------------------------------------------------------
async def test_tortoise_test_context_gives_a_fresh_database(backend) -> None:
    async with tortoise_test_context(MODULES, db_url=random_db_url(backend)) as ctx:
        assert ctx.inited and ctx.db() is connections.get("default")
        await Tournament.create(name="x")
        assert await Tournament.all().count() == 1
        assert ctx.get_model("models", "Tournament") is Tournament
    assert not Tortoise._inited
    async with tortoise_test_context(MODULES, db_url=random_db_url(backend)):
        assert await Tournament.all().count() == 0  # nothing survives from the previous context


async def test_require_capability_on_pytest_functions(backend) -> None:
    ran: list[str] = []

    @requireCapability(dialect="sqlite")
    async def sqlite_only() -> None:
        ran.append("sqlite")

    async with tortoise_test_context(MODULES, db_url=random_db_url(backend)):
        if backend.name == "sqlite":
            await sqlite_only()
            assert ran == ["sqlite"]
        else:
            with pytest.raises(unittest.SkipTest, match="Capability dialect != sqlite"):
                await sqlite_only()
        with pytest.raises(ConfigurationError, match="no capability 'colour'"):
            requireCapability(colour="blue")(lambda: None)()


async def test_truncate_all_models_empties_every_table(backend) -> None:
    async with tortoise_test_context(MODULES, db_url=random_db_url(backend)):
        tournament = await Tournament.create(name="t")
        event = await Event.create(name="e", tournament=tournament)
        await event.participants.add(await Team.create(name="x"))
        await truncate_all_models()
        for model in (Tournament, Event, Team):
            assert await model.all().count() == 0
        assert await Tournament.create(name="again")  # the tables still work


async def test_init_memory_sqlite_decorator() -> None:
    @init_memory_sqlite(MODULES)
    async def run() -> Any:
        await Tournament.create(name="")
        return await Tournament.all().values_list("name", flat=True)

    try:
        assert await run() == [""]
        assert "sqlite" in connections.get("default").capabilities.dialect
    finally:
        await connections.close_all(discard=True)
        Tortoise._reset()


def test_env_initializer_reads_the_environment(monkeypatch) -> None:
    from orm.contrib.test import env_initializer

    monkeypatch.setenv("TORTOISE_TEST_MODULES", "tests.compat.models_router")
    monkeypatch.setenv("TORTOISE_TEST_APP", "shop")
    monkeypatch.setenv("TORTOISE_TEST_DB", MEMORY_SQLITE)
    env_initializer()
    try:
        assert list(Tortoise.apps) == ["shop"] and "UserProfile" in Tortoise.apps["shop"]
        assert list(connections.db_config) == ["shop"]  # the connection is named after the app
    finally:
        finalizer()
