"""``orm.contrib.test`` cases collected and run by pytest itself, set up the way Tortoise's docs
show (a fixture calling ``initializer`` and ``finalizer``), on in-memory SQLite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from orm.contrib import test
from orm.contrib.test import MEMORY_SQLITE, finalizer, initializer
from orm.transactions import in_transaction
from tests.compat.models_examples import Event, Tournament


@pytest.fixture(scope="module", autouse=True)
def initialize_tests() -> Iterator[None]:
    initializer(["tests.compat.models_examples"], db_url=MEMORY_SQLITE)
    yield
    finalizer()


class TestInTransaction(test.TestCase):
    async def test_a_creates(self):
        tournament = await Tournament.create(name="a")
        await Event.create(name="e", tournament=tournament)
        self.assertEqual(await Event.filter(tournament__name="a").count(), 1)

    async def test_b_sees_nothing_of_test_a(self):
        self.assertEqual(await Tournament.all().count(), 0)

    def test_c_sync(self):
        self.assertEqual(MEMORY_SQLITE, "sqlite://:memory:")


class TestTruncated(test.TruncationTestCase):
    async def test_a_commits(self):
        async with in_transaction():
            await Tournament.create(name="committed")
        self.assertEqual(await Tournament.all().count(), 1)

    async def test_b_tables_were_emptied(self):
        self.assertEqual(await Tournament.all().count(), 0)


@test.requireCapability(dialect="postgres")
class TestPostgresOnly(test.TestCase):
    async def test_skipped_on_sqlite(self):
        raise AssertionError("runs only on PostgreSQL")
