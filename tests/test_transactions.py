"""Transactions: in_transaction, atomic, savepoints, manual commit/rollback, cancellation, concurrency."""

from __future__ import annotations

import asyncio
import contextvars

import pytest

from orm.connection import connections
from orm.exceptions import (
    ConfigurationError,
    IntegrityError,
    ParamsError,
    TransactionManagementError,
)
from orm.transactions import atomic, in_transaction
from tests.models import Product, Team, Tournament
from tests.transactions_support import parked_in_transaction


class Boom(Exception):
    """Raised on purpose inside blocks."""


async def team_names() -> list[str]:
    return sorted(await Team.all().values_list("name", flat=True))


# -- commit and rollback -------------------------------------------------------------------


async def test_in_transaction_commits_on_success(db) -> None:
    async with in_transaction():
        await Team.create(name="a")
        await Team.create(name="b")
    assert await team_names() == ["a", "b"]


async def test_exception_rolls_back_every_write(db) -> None:
    await Team.create(name="before")
    with pytest.raises(Boom):
        async with in_transaction():
            await Team.create(name="inside")
            await Team.filter(name="before").update(name="renamed")
            await Tournament.create(name="t")
            raise Boom
    assert await team_names() == ["before"]
    assert await Tournament.all().count() == 0


async def test_writes_are_visible_inside_the_transaction(db) -> None:
    async with in_transaction() as conn:
        team = await Team.create(name="seen")
        assert await Team.get(id=team.id) == team
        rows = await conn.execute_query_dict("SELECT COUNT(*) AS n FROM team")
        assert rows == [{"n": 1}]


async def test_connections_get_returns_the_open_transaction(db) -> None:
    plain = connections.get("default")
    async with in_transaction() as conn:
        assert connections.get("default") is conn
        assert conn is not plain
    assert connections.get("default") is plain


async def test_delete_inside_rolled_back_transaction_is_undone(db) -> None:
    teams = [await Team.create(name=n) for n in ("x", "y")]
    with pytest.raises(Boom):
        async with in_transaction():
            await teams[0].delete()
            await Team.filter(name="y").delete()
            assert await Team.all().count() == 0
            raise Boom
    assert await team_names() == ["x", "y"]


# -- nesting: savepoints ------------------------------------------------------------------


async def test_nested_failure_rolls_back_only_the_inner_block(db) -> None:
    async with in_transaction():
        await Team.create(name="outer-1")
        with pytest.raises(Boom):
            async with in_transaction():
                await Team.create(name="inner")
                raise Boom
        await Team.create(name="outer-2")
        assert await team_names() == ["outer-1", "outer-2"]
    assert await team_names() == ["outer-1", "outer-2"]


async def test_nested_success_then_outer_failure_rolls_back_everything(db) -> None:
    with pytest.raises(Boom):
        async with in_transaction():
            await Team.create(name="outer")
            async with in_transaction():
                await Team.create(name="inner")
            assert await team_names() == ["inner", "outer"]
            raise Boom
    assert await team_names() == []


async def test_three_levels_middle_failure(db) -> None:
    async with in_transaction():
        await Team.create(name="l1")
        with pytest.raises(Boom):
            async with in_transaction():
                await Team.create(name="l2")
                async with in_transaction():
                    await Team.create(name="l3")
                raise Boom
        async with in_transaction():
            await Team.create(name="l2-again")
    assert await team_names() == ["l1", "l2-again"]


async def test_nested_client_in_transaction_is_a_savepoint(db) -> None:
    async with in_transaction() as outer:
        await Team.create(name="kept", using_db=outer)
        with pytest.raises(Boom):
            async with outer.in_transaction() as inner:
                await Team.create(name="dropped", using_db=inner)
                raise Boom
    assert await team_names() == ["kept"]


# -- atomic --------------------------------------------------------------------------------


@atomic()
async def create_teams(names: list[str], fail: bool = False) -> int:
    for name in names:
        await Team.create(name=name)
    if fail:
        raise Boom
    return len(names)


async def test_atomic_commits_and_returns_the_result(db) -> None:
    assert await create_teams(["a", "b"]) == 2
    assert await team_names() == ["a", "b"]
    assert create_teams.__name__ == "create_teams"


async def test_atomic_rolls_back_on_exception(db) -> None:
    await Team.create(name="existing")
    with pytest.raises(Boom):
        await create_teams(["a", "b"], fail=True)
    assert await team_names() == ["existing"]


async def test_atomic_with_connection_name_and_nested_in_a_transaction(db) -> None:
    @atomic("default")
    async def inner() -> None:
        await Team.create(name="inner")
        raise Boom

    async with in_transaction("default"):
        await Team.create(name="outer")
        with pytest.raises(Boom):
            await inner()
    assert await team_names() == ["outer"]


# -- manual commit / rollback -------------------------------------------------------------


async def test_manual_rollback_inside_the_block(db) -> None:
    async with in_transaction() as conn:
        await Team.create(name="gone")
        await conn.rollback()
    assert await team_names() == []


async def test_manual_commit_survives_a_later_exception(db) -> None:
    with pytest.raises(Boom):
        async with in_transaction() as conn:
            await Team.create(name="kept")
            await conn.commit()
            raise Boom
    assert await team_names() == ["kept"]


async def test_finished_transaction_refuses_more_work(db) -> None:
    async with in_transaction() as conn:
        await conn.commit()
        with pytest.raises(TransactionManagementError, match="finished"):
            await conn.commit()
        with pytest.raises(TransactionManagementError, match="finished"):
            await conn.rollback()
        with pytest.raises(TransactionManagementError, match="finished"):
            await Team.create(name="late", using_db=conn)
    assert await team_names() == []


async def test_manual_rollback_of_a_savepoint(db) -> None:
    async with in_transaction():
        await Team.create(name="outer")
        async with in_transaction() as inner:
            await Team.create(name="inner")
            await inner.rollback()
        await Team.create(name="after")
    assert await team_names() == ["after", "outer"]


# -- using_db ----------------------------------------------------------------------------------


async def test_using_db_runs_on_the_transaction(db) -> None:
    with pytest.raises(Boom):
        async with in_transaction() as conn:
            team = await Team.create(name="a", using_db=conn)
            team.name = "b"
            await team.save(using_db=conn)
            assert await Team.all().using_db(conn).values_list("name", flat=True) == ["b"]
            assert await Team.filter(name="b").using_db(conn).count() == 1
            raise Boom
    assert await team_names() == []


async def test_using_db_from_another_task_joins_the_transaction(db) -> None:
    async with in_transaction() as conn:
        # A task started in an empty context does not see the transaction; using_db hands it over.
        fresh = contextvars.Context()
        await fresh.run(asyncio.ensure_future, Team.create(name="via-using-db", using_db=conn))
        assert await fresh.run(asyncio.ensure_future, Team.filter(name="via-using-db").using_db(conn).count())
        await conn.rollback()
    assert await team_names() == []


# -- failed writes -------------------------------------------------------------------------------


async def test_integrity_error_inside_transaction_leaves_database_unchanged(db) -> None:
    await Product.create(sku="A1", vendor="v", name="first")
    with pytest.raises(IntegrityError):
        async with in_transaction():
            await Product.create(sku="B1", vendor="v", name="second")
            await Product.filter(sku="A1").update(stock=99)
            await Product.create(sku="A1", vendor="w", name="duplicate")
    rows = await Product.all().order_by("id").values_list("sku", "stock")
    assert rows == [("A1", 0)]


async def test_integrity_error_in_savepoint_keeps_outer_work(db) -> None:
    await Product.create(sku="A1", vendor="v", name="first")
    async with in_transaction():
        await Product.create(sku="B1", vendor="v", name="second")
        with pytest.raises(IntegrityError):
            async with in_transaction():
                await Product.create(sku="C1", vendor="v", name="third")
                await Product.create(sku="A1", vendor="w", name="duplicate")
        await Product.create(sku="D1", vendor="v", name="fourth")
    assert sorted(await Product.all().values_list("sku", flat=True)) == ["A1", "B1", "D1"]


async def test_database_usable_after_integrity_error_in_transaction(db) -> None:
    await Product.create(sku="A1", vendor="v", name="first")
    with pytest.raises(IntegrityError):
        async with in_transaction():
            await Product.create(sku="A1", vendor="v", name="again")
    async with in_transaction():
        await Product.create(sku="A2", vendor="v", name="second")
    assert sorted(await Product.all().values_list("sku", flat=True)) == ["A1", "A2"]


# -- cancellation ------------------------------------------------------------------------------


async def test_cancellation_rolls_back_and_connection_stays_usable(db) -> None:
    task = await parked_in_transaction(lambda: Team.create(name="cancelled"))
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await team_names() == []
    await Team.create(name="after")
    async with in_transaction():
        await Team.create(name="tx-after")
    assert await team_names() == ["after", "tx-after"]


@pytest.mark.parametrize("delay", [0, 0.001, 0.005, 0.02])
async def test_cancellation_at_any_point_rolls_back(db, delay: float) -> None:
    async def worker() -> None:
        async with in_transaction():
            for i in range(1000):
                await Team.create(name=f"t{i}")

    task = asyncio.create_task(worker())
    await asyncio.sleep(delay)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await Team.all().count() == 0
    await Team.create(name="ok")
    assert await team_names() == ["ok"]


async def test_cancelled_savepoint_releases_the_outer_transaction(db) -> None:
    async def body() -> None:
        async with in_transaction():
            await Team.create(name="outer")
            task = await parked_in_transaction(lambda: Team.create(name="cancelled"))  # a savepoint
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await Team.create(name="after")

    await asyncio.wait_for(body(), 5)
    assert await team_names() == ["after", "outer"]


async def test_timeout_inside_transaction_rolls_back(db) -> None:
    async def slow() -> None:
        async with in_transaction():
            await Team.create(name="slow")
            await asyncio.sleep(10)

    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(slow(), 0.05)
    assert await team_names() == []


# -- concurrency ---------------------------------------------------------------------------------


async def test_plain_writes_wait_for_a_transaction_and_survive_its_rollback(db) -> None:
    """Writers outside the transaction must not end up inside it (and so must not be rolled back)."""
    entered = asyncio.Event()

    async def holder() -> None:
        with pytest.raises(Boom):
            async with in_transaction():
                await Team.create(name="holder")
                entered.set()
                await asyncio.sleep(0.05)
                raise Boom

    async def writer(i: int) -> None:
        await entered.wait()
        await Team.create(name=f"w{i}")

    await asyncio.gather(holder(), *(writer(i) for i in range(5)))
    assert await team_names() == [f"w{i}" for i in range(5)]


async def test_concurrent_transactions_all_commit(db) -> None:
    async def one(i: int) -> None:
        async with in_transaction():
            tournament = await Tournament.create(name=f"t{i}")
            await asyncio.sleep(0)
            await Team.create(name=f"team{i}")
            await Tournament.filter(id=tournament.id).update(description=f"d{i}")

    await asyncio.gather(*(one(i) for i in range(8)))
    assert await Team.all().count() == 8
    assert sorted(await Tournament.all().values_list("name", "description")) == [(f"t{i}", f"d{i}") for i in range(8)]


async def test_gather_inside_one_transaction(db) -> None:
    names = [f"g{i}" for i in range(10)]
    with pytest.raises(Boom):
        async with in_transaction():
            await asyncio.gather(*(Team.create(name=n) for n in names))
            counts = await asyncio.gather(*(Team.filter(name=n).count() for n in names))
            assert counts == [1] * len(names)
            raise Boom
    assert await team_names() == []
    async with in_transaction():
        await asyncio.gather(*(Team.create(name=n) for n in names))
    assert await team_names() == sorted(names)


# -- concurrent savepoints and batched writes ----------------------------------------------------


async def savepoint_op(name: str, fail: bool, delay: float) -> None:
    async with in_transaction():
        await Team.create(name=name)
        await asyncio.sleep(delay)
        if fail:
            raise Boom


async def test_sibling_savepoints_in_concurrent_tasks_do_not_interleave(db) -> None:
    async with in_transaction():
        results = await asyncio.wait_for(
            asyncio.gather(
                savepoint_op("a", False, 0.02),
                savepoint_op("b", True, 0.01),
                savepoint_op("c", False, 0),
                return_exceptions=True,
            ),
            5,
        )
    assert [type(r) for r in results] == [type(None), Boom, type(None)]
    assert await team_names() == ["a", "c"]


async def test_outer_writes_of_other_tasks_survive_a_rolled_back_savepoint(db) -> None:
    entered = asyncio.Event()

    async def failing_savepoint() -> None:
        with pytest.raises(Boom):
            async with in_transaction():
                await Team.create(name="dropped")
                entered.set()
                await asyncio.sleep(0.02)
                raise Boom

    async def outer_writer() -> None:
        await entered.wait()
        await Team.create(name="outer")  # through the outer transaction (inherited context)

    async with in_transaction():
        await asyncio.wait_for(asyncio.gather(failing_savepoint(), outer_writer()), 5)
    assert await team_names() == ["outer"]


async def test_gathered_get_or_create_inside_a_transaction(db) -> None:
    """Racing get_or_create calls on a unique column: losers fall back to the winner's row."""
    skus = ["x", "y", "x", "z", "y", "x"]

    async def get_or_create(sku: str) -> tuple[Product, bool]:
        return await Product.get_or_create(sku=sku, defaults={"vendor": "v", "name": sku})

    async with in_transaction():
        results = await asyncio.wait_for(asyncio.gather(*(get_or_create(s) for s in skus)), 5)
    rows = dict(await Product.all().values_list("sku", "id"))
    assert sorted(rows) == ["x", "y", "z"]
    assert [product.id for product, _ in results] == [rows[s] for s in skus]
    assert sum(created for _, created in results) == 3


async def test_outer_transaction_used_inside_its_savepoint_runs_in_the_savepoint(db) -> None:
    async def body() -> None:
        async with in_transaction() as outer:
            with pytest.raises(Boom):
                async with in_transaction():
                    await Team.create(name="via-outer", using_db=outer)
                    raise Boom
            await Team.create(name="after", using_db=outer)

    await asyncio.wait_for(body(), 5)
    assert await team_names() == ["after"]


async def test_client_in_transaction_nests_in_that_transaction(db) -> None:
    async with in_transaction() as conn:
        await Team.create(name="outer")

        async def elsewhere() -> None:  # runs in a context that does not know the transaction
            with pytest.raises(Boom):
                async with conn.in_transaction() as inner:
                    assert inner.depth == conn.depth + 1
                    await Team.create(name="inner", using_db=inner)
                    raise Boom

        await asyncio.wait_for(contextvars.Context().run(asyncio.ensure_future, elsewhere()), 5)
    assert await team_names() == ["outer"]


async def test_nesting_in_a_committed_transaction_is_refused(db) -> None:
    async with in_transaction() as conn:
        await conn.commit()
        with pytest.raises(TransactionManagementError, match="already finished"):
            async with in_transaction():
                pass


async def test_task_outliving_its_transaction_block_runs_outside_it(db) -> None:
    release = asyncio.Event()

    async def late_writer() -> None:
        await release.wait()
        await Team.create(name="late")

    async with in_transaction():
        task = asyncio.create_task(late_writer())  # inherits the transaction in its context
        await Team.create(name="in-block")
    release.set()
    await asyncio.wait_for(task, 5)
    assert await team_names() == ["in-block", "late"]


async def test_bulk_writes_in_several_batches(db) -> None:
    async def body() -> None:
        await Team.bulk_create([Team(name=f"t{i}") for i in range(5)], batch_size=2)
        teams = await Team.all().order_by("id")
        for team in teams:
            team.name = team.name.upper()
        assert await Team.bulk_update(teams, ["name"], batch_size=2) == 5
        async with in_transaction():
            await Team.bulk_create([Team(name=f"u{i}") for i in range(3)], batch_size=1)

    await asyncio.wait_for(body(), 5)
    assert await team_names() == [f"T{i}" for i in range(5)] + [f"u{i}" for i in range(3)]


async def test_bulk_create_batches_are_all_or_nothing(db) -> None:
    await Product.create(sku="dup", vendor="v", name="existing")
    products = [Product(sku=f"s{i}", vendor="v", name=f"n{i}") for i in range(3)]
    products.append(Product(sku="dup", vendor="w", name="clash"))
    with pytest.raises(IntegrityError):
        await asyncio.wait_for(Product.bulk_create(products, batch_size=1), 5)
    assert await Product.all().values_list("sku", flat=True) == ["dup"]


async def test_sqlite_plain_client_inside_own_transaction_raises_instead_of_hanging(db) -> None:
    if db.name != "sqlite":
        pytest.skip("servers give the plain client another connection from the pool")
    client = connections.get("default")

    async def body() -> None:
        with pytest.raises(Boom):
            async with in_transaction():
                with pytest.raises(TransactionManagementError, match="held by a transaction open in this task"):
                    await Team.create(name="x", using_db=client)
                raise Boom

    await asyncio.wait_for(body(), 5)
    await Team.create(name="ok", using_db=client)
    assert await team_names() == ["ok"]


# -- configuration errors --------------------------------------------------------------------------


async def test_in_transaction_unknown_connection_names_it(db) -> None:
    with pytest.raises(ConfigurationError, match="'nope'"):
        async with in_transaction("nope"):
            pass


async def test_in_transaction_needs_a_name_with_several_connections(tmp_path) -> None:
    from orm import Tortoise

    await Tortoise.init(
        config={
            "connections": {"first": "sqlite://:memory:", "second": f"sqlite://{tmp_path / 'b.db'}"},
            "apps": {"models": {"models": ["tests.models"], "default_connection": "first"}},
        }
    )
    try:
        with pytest.raises(ParamsError, match="connection_name"):
            in_transaction()
        async with in_transaction("second") as conn:
            assert conn.connection_name == "second"
    finally:
        await connections.close_all(discard=True)
        Tortoise._reset()
