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

The pieces live in submodules: ``database`` (initializer, finalizer), ``cases`` (the test
cases), ``truncation``, ``decorators`` and ``context`` (Tortoise 1.x's pytest style).
"""

from unittest import SkipTest, expectedFailure, skip, skipIf, skipUnless

from orm.contrib.test.cases import IsolatedTestCase, SimpleTestCase, TestCase, TruncationTestCase
from orm.contrib.test.context import TortoiseContext, tortoise_test_context
from orm.contrib.test.database import (
    MEMORY_SQLITE,
    env_initializer,
    finalizer,
    get_test_db_url,
    getDBConfig,
    initializer,
)
from orm.contrib.test.database import TEST_DB_VARIABLES as TEST_DB_VARIABLES
from orm.contrib.test.database import ModulesConfigType as ModulesConfigType
from orm.contrib.test.database import _default as _default  # the tests' monkeypatch target
from orm.contrib.test.database import _fill_placeholder as _fill_placeholder  # config_generator's
from orm.contrib.test.decorators import init_memory_sqlite, requireCapability
from orm.contrib.test.truncation import truncate_all_models

expectedFailure.__doc__ = """Mark a test as expected to fail (a success is reported as unexpected)."""

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
