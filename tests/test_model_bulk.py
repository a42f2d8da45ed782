"""Bulk Model API: bulk_create (keys, batches, conflicts, atomicity), bulk_update and in_bulk."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from orm.backends.base.client import QueryRunner
from orm.exceptions import IntegrityError, OperationalError, ParamsError
from tests.helpers import orm_session
from tests.models import Event, Product, Tournament
from tests.models_model_api import Counter


@pytest.fixture
async def db(backend):
    async with orm_session(backend, ["tests.models", "tests.models_model_api"]) as b:
        yield b


@pytest.fixture
def statements(monkeypatch):
    """Every INSERT/UPDATE statement text run through any client or transaction, in order."""
    seen: list[str] = []
    original_insert, original_execute = QueryRunner.insert, QueryRunner.execute

    async def insert(self, sql, params, returning):
        seen.append(sql)
        return await original_insert(self, sql, params, returning)

    async def execute(self, sql, params=()):
        seen.append(sql)
        return await original_execute(self, sql, params)

    monkeypatch.setattr(QueryRunner, "insert", insert)
    monkeypatch.setattr(QueryRunner, "execute", execute)
    return seen


def of_kind(statements, verb):
    return [s for s in statements if s.lstrip().upper().startswith(verb)]


async def stored_pairs(model, *names):
    return {row[0]: row[1:] for row in await model.all().values_list("pk", *names)}


def product(sku, name="thing", vendor="v", price="1.00", stock=0):
    return Product(sku=sku, vendor=vendor, name=name, price=Decimal(price), stock=stock)


# -- bulk_create ---------------------------------------------------------------------------------
async def test_bulk_create_fills_primary_keys_in_order(db):
    objects = [Counter(a=i, b=i * i, label=f"n{i}") for i in range(7)]
    result = await Counter.bulk_create(objects)
    assert result == objects
    pks = [o.pk for o in objects]
    assert None not in pks
    assert pks == sorted(pks) and len(set(pks)) == len(pks)
    assert await stored_pairs(Counter, "a", "b", "label") == {
        o.pk: (o.a, o.b, o.label) for o in objects
    }
    assert all(o._saved_in_db for o in objects)


async def test_bulk_created_instances_can_be_updated_and_deleted(db):
    objects = [Counter(a=i) for i in range(3)]
    await Counter.bulk_create(objects)
    objects[1].a = 100
    await objects[1].save()
    await objects[2].delete()
    assert await stored_pairs(Counter, "a") == {objects[0].pk: (0,), objects[1].pk: (100,)}


async def test_bulk_create_of_nothing_and_of_the_wrong_model(db):
    assert await Counter.bulk_create([]) == []
    with pytest.raises(ParamsError, match="bulk_create of Counter got a Tournament"):
        await Counter.bulk_create([Counter(a=1), Tournament(name="x")])
    assert await Counter.all().count() == 0


async def test_bulk_create_with_batch_size_splits_into_statements(db, statements):
    objects = [Counter(a=i) for i in range(10)]
    await Counter.bulk_create(objects, batch_size=3)
    assert len(of_kind(statements, "INSERT")) == math.ceil(10 / 3)
    assert await stored_pairs(Counter, "a") == {o.pk: (o.a,) for o in objects}


async def test_bulk_create_beyond_the_parameter_limit(db, statements):
    columns = 3  # a, b, label: the primary key is generated
    per_statement = db_dialect().max_params // columns
    count = max(20_000, 2 * per_statement + 17)  # at least three statements
    objects = [Counter(a=i, b=count - i, label=f"r{i % 97}") for i in range(count)]
    await Counter.bulk_create(objects)
    # PostgreSQL binds one array per column: one statement, whatever the number of rows
    expected = 1 if db_dialect().supports_array_insert else math.ceil(count / per_statement)
    assert len(of_kind(statements, "INSERT")) == expected
    assert await Counter.all().count() == count
    pks = [o.pk for o in objects]
    assert None not in pks and len(set(pks)) == count
    # every instance got the id of its own row
    assert await stored_pairs(Counter, "a", "b") == {o.pk: (o.a, o.b) for o in objects}
    stored = await stored_pairs(Counter, "a", "b")
    assert stored == {o.pk: (o.a, o.b) for o in objects}


def db_dialect():
    return Counter._meta.db.dialect


async def test_bulk_create_ignore_conflicts_skips_duplicates(db):
    await Product.create(sku="A", vendor="v", name="original", price=Decimal("5.00"))
    await Product.bulk_create(
        [product("A", name="clash"), product("B", name="new b"), product("C", name="new c")],
        ignore_conflicts=True,
    )
    rows = dict(await Product.all().values_list("sku", "name"))
    assert rows == {"A": "original", "B": "new b", "C": "new c"}


async def test_bulk_create_upsert_updates_existing_rows(db):
    await Product.create(sku="A", vendor="v", name="a", price=Decimal("5.00"), stock=3)
    await Product.create(sku="B", vendor="v", name="b", price=Decimal("6.00"), stock=4)
    await Product.bulk_create(
        [product("A", name="a2", price="7.50", stock=99), product("C", name="c", price="1.25")],
        on_conflict=["sku"],
        update_fields=["name", "price"],
    )
    rows = {sku: rest for sku, *rest in await Product.all().values_list("sku", "name", "price", "stock")}
    assert rows == {
        "A": ["a2", Decimal("7.50"), 3],  # stock is not in update_fields: kept
        "B": ["b", Decimal("6.00"), 4],
        "C": ["c", Decimal("1.25"), 0],
    }
    assert await Product.all().count() == 3


async def test_a_failing_batch_leaves_no_rows_from_any_batch(db, statements):
    await Product.create(sku="old", vendor="v", name="old")
    batch = [product(f"s{i}", name=f"n{i}") for i in range(6)]
    batch[4] = product("s0", name="duplicate sku of the first")  # fails in the third batch of two
    with pytest.raises(IntegrityError):
        await Product.bulk_create(batch, batch_size=2)
    assert len(of_kind(statements, "INSERT")) >= 3  # the earlier batches did run
    assert await Product.all().values_list("sku", flat=True) == ["old"]


async def test_a_single_failing_statement_leaves_no_rows(db):
    with pytest.raises(IntegrityError):
        await Product.bulk_create([product("x", name="1"), product("x", name="2")])
    assert await Product.all().count() == 0


# -- bulk_update ---------------------------------------------------------------------------------
async def test_bulk_update_writes_values_and_returns_the_rows_changed(db):
    objects = [await Counter.create(a=i, b=i) for i in range(5)]
    for obj in objects:
        obj.a = obj.a * 10 + 1
    changed = await Counter.bulk_update(objects[:4], fields=["a"])
    assert changed == 4
    expected = {o.pk: (o.a, o.b) for o in objects[:4]}
    expected[objects[4].pk] = (4, 4)  # changed in memory, but not passed
    assert await stored_pairs(Counter, "a", "b") == expected


async def test_bulk_update_writes_only_the_named_fields(db):
    objects = [await Counter.create(a=i, b=i, label="old") for i in range(3)]
    for obj in objects:
        obj.a += 100
        obj.b += 200
        obj.label = "new"
    await Counter.bulk_update(objects, ["a", "label"])
    assert await stored_pairs(Counter, "a", "b", "label") == {
        o.pk: (o.a, o.b - 200, "new") for o in objects
    }


async def test_bulk_update_in_batches(db, statements):
    objects = [await Counter.create(a=i) for i in range(5)]
    statements.clear()
    for obj in objects:
        obj.a = -obj.a
    assert await Counter.bulk_update(objects, ["a"], batch_size=2) == 5
    assert len(of_kind(statements, "UPDATE")) == 3
    assert await stored_pairs(Counter, "a") == {o.pk: (o.a,) for o in objects}


async def test_bulk_update_of_a_foreign_key(db):
    first, second = await Tournament.create(name="1"), await Tournament.create(name="2")
    events = [await Event.create(name=f"e{i}", tournament=first) for i in range(3)]
    for event in events:
        event.tournament = second
    assert await Event.bulk_update(events, ["tournament"]) == 3
    assert set(await Event.all().values_list("tournament_id", flat=True)) == {second.pk}


async def test_bulk_update_errors(db):
    saved = await Counter.create(a=1)
    with pytest.raises(OperationalError, match="no primary key"):
        await Counter.bulk_update([saved, Counter(a=2)], ["a"])
    with pytest.raises(ParamsError, match="at least one field"):
        await Counter.bulk_update([saved], [])
    assert await Counter.bulk_update([], ["a"]) == 0


# -- in_bulk -------------------------------------------------------------------------------------
async def test_in_bulk_by_primary_key_and_by_another_field(db):
    objects = [await Product.create(sku=f"k{i}", vendor="v", name=f"n{i}") for i in range(4)]
    wanted = [objects[0].pk, objects[2].pk, 987654]
    found = await Product.in_bulk(wanted)
    assert set(found) == {objects[0].pk, objects[2].pk}
    assert found[objects[2].pk].sku == "k2"
    assert all(isinstance(v, Product) for v in found.values())
    by_sku = await Product.in_bulk(["k1", "k3", "nope"], field_name="sku")
    assert {k: v.pk for k, v in by_sku.items()} == {"k1": objects[1].pk, "k3": objects[3].pk}
    assert await Product.in_bulk([]) == {}
