"""Test cases written as a Tortoise user writes them (``tortoise.contrib.test``, renamed). They are
run by tests/compat/test_contrib_test.py, after ``initializer()``, on every backend."""

from __future__ import annotations

from orm.connection import connections
from orm.contrib import test
from orm.contrib.test.condition import In, NotEQ
from orm.transactions import in_transaction
from tests.compat.models_examples import Event, Team, Tournament

#: What each test saw, for test_contrib_test.py to check the order-dependent facts.
SEEN: dict[str, object] = {}


class TestTransactionRollback(test.TestCase):
    async def test_1_create(self):
        tournament = await Tournament.create(name="a")
        async with in_transaction():  # a savepoint inside the test's transaction
            await Event.create(name="e", tournament=tournament)
        self.assertEqual(await Event.all().count(), 1)
        SEEN["rollback_pk"] = tournament.pk

    async def test_2_nothing_left(self):
        self.assertEqual(await Tournament.all().count(), 0)
        self.assertEqual(await Event.all().count(), 0)

    def test_3_sync_test(self):
        self.assertTrue(True)

    async def test_4_failed_savepoint_only_undoes_itself(self):
        await Tournament.create(name="kept")
        with self.assertRaises(ZeroDivisionError):
            async with in_transaction():
                await Tournament.create(name="undone")
                raise ZeroDivisionError
        self.assertEqual(await Tournament.all().values_list("name", flat=True), ["kept"])


class TestTruncation(test.TruncationTestCase):
    async def test_1_commits(self):
        tournament = await Tournament.create(name="t")
        event = await Event.create(name="e", tournament=tournament)
        team = await Team.create(name="x")
        await event.participants.add(team)
        async with in_transaction():
            await Team.create(name="y")
        self.assertEqual(await Team.all().count(), 2)

    async def test_2_tables_are_empty_again(self):
        self.assertEqual(await Tournament.all().count(), 0)
        self.assertEqual(await Team.all().count(), 0)
        self.assertEqual(await Event.all().count(), 0)


class TestIsolated(test.IsolatedTestCase):
    tortoise_test_modules = ["tests.compat.models_examples"]

    async def test_fresh_database(self):
        await Tournament.create(name="isolated")
        self.assertEqual(await Tournament.all().count(), 1)
        SEEN["isolated_url"] = connections.client("models").describe_target()


class TestAfterIsolated(test.TestCase):
    async def test_default_database_is_back(self):
        await Tournament.create(name="z")
        self.assertEqual(await Tournament.all().values_list("name", flat=True), ["z"])
        SEEN["default_url"] = connections.client("models").describe_target()


class TestSimple(test.SimpleTestCase):
    async def asyncSetUp(self):
        await super().asyncSetUp()
        self.log = ["asyncSetUp"]
        self.addAsyncCleanup(self.cleanup)

    async def cleanup(self):
        SEEN[f"cleanup:{self._testMethodName}"] = [*self.log, "cleanup"]

    async def test_async(self):
        self.log.append("test")
        self.assertListSortEqual([3, 1, 2], [1, 2, 3])
        self.assertListSortEqual([{"k": 2}, {"k": 1}], [{"k": 1}, {"k": 2}], sorted_key="k")
        self.assertEqual({"id": 5, "name": "b"}, {"id": NotEQ(0), "name": In("a", "b")})

    @test.expectedFailure
    def test_expected_failure(self):
        self.assertEqual(1, 2)

    @test.skip("skipped on purpose")
    def test_skipped(self):
        raise AssertionError("never runs")


@test.requireCapability(dialect="sqlite")
class TestSqliteOnly(test.TestCase):
    async def test_runs_only_on_sqlite(self):
        SEEN["sqlite_only_ran"] = True


class TestCapabilityOnMethods(test.TestCase):
    @test.requireCapability(dialect="postgres")
    async def test_postgres_only(self):
        SEEN["postgres_only_ran"] = True

    @test.requireCapability(dialect="mysql")
    def test_mysql_only(self):
        SEEN["mysql_only_ran"] = True
