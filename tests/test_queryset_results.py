"""QuerySet results other than instances: values(), values_list(), count(), exists(),
update(), delete(), ``async for`` streaming, sql() and explain()."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from orm.connection import connections
from orm.exceptions import FieldError, ParamsError
from orm.expressions import F
from orm.queryset import queryset as queryset_module
from orm.transactions import in_transaction
from tests.helpers import orm_session
from tests.models import Event, Product, Tournament
from tests.models_model_api import Counter, StreamLog, counters


@pytest.fixture
async def db(backend):
    async with orm_session(backend, ["tests.models", "tests.models_model_api"]) as b:
        yield b


async def state():
    """{pk: (a, b)} as stored."""
    return {pk: (a, b) for pk, a, b in await Counter.all().values_list("pk", "a", "b")}


async def tournament_with_events(name, *event_names):
    tournament = await Tournament.create(name=name)
    for event_name in event_names:
        await Event.create(name=event_name, tournament=tournament)
    return tournament


# -- values / values_list ----------------------------------------------------------------------
async def test_values_without_arguments_gives_every_column(db):
    tournament = await Tournament.create(name="T")
    event = await Event.create(name="E", tournament=tournament, prize=Decimal("12.50"))
    [row] = await Event.filter(pk=event.pk).values()
    assert row == {
        "id": event.pk,
        "name": "E",
        "tournament_id": tournament.pk,
        "modified": event.modified,
        "prize": Decimal("12.50"),
    }


async def test_values_with_named_fields_and_related_paths(db):
    alpha = await tournament_with_events("Alpha", "a1", "a2")
    await tournament_with_events("Beta", "b1")
    rows = await Event.all().order_by("name").values("name", tname="tournament__name", tid="tournament_id")
    assert rows == [
        {"name": "a1", "tname": "Alpha", "tid": alpha.pk},
        {"name": "a2", "tname": "Alpha", "tid": alpha.pk},
        {"name": "b1", "tname": "Beta", "tid": rows[2]["tid"]},
    ]
    assert rows[2]["tid"] != alpha.pk
    assert await Event.filter(tournament__name="Beta").values("name") == [{"name": "b1"}]


async def test_values_list_tuples_and_flat(db):
    objects = await counters(5)
    rows = await Counter.all().order_by("a").values_list("a", "label")
    assert [tuple(r) for r in rows] == [(o.a, o.label) for o in objects]
    assert await Counter.all().order_by("-a").values_list("a", flat=True) == [4, 3, 2, 1, 0]
    everything = await Counter.filter(a=2).values_list()
    assert [tuple(r) for r in everything] == [(objects[2].pk, 2, 2, "even")]


async def test_values_list_flat_needs_exactly_one_field(db):
    with pytest.raises(ParamsError, match="exactly one field"):
        Counter.all().values_list("a", "b", flat=True)
    with pytest.raises(ParamsError, match="exactly one field"):
        Counter.all().values_list(flat=True)


async def test_values_of_an_unknown_field_names_it(db):
    with pytest.raises(FieldError, match="'lable'"):
        Counter.all().values("lable")
    with pytest.raises(FieldError, match="'nmae'"):
        await Event.all().values(x="tournament__nmae")


async def test_values_get_and_first(db):
    await counters(4)
    assert await Counter.filter(a=2).first().values("a", "label") == {"a": 2, "label": "even"}
    assert await Counter.get(a=3).values_list("label", flat=True) == "odd"
    assert await Counter.filter(a=99).first().values("a") is None
    with pytest.raises(Counter.DoesNotExist):
        await Counter.get(a=99).values("a")
    with pytest.raises(Counter.MultipleObjectsReturned):
        await Counter.get(label="odd").values("a")


# -- count / exists ----------------------------------------------------------------------------
async def test_count_respects_limit_offset_and_filters(db):
    objects = await counters()
    assert await Counter.all().count() == len(objects)
    assert await Counter.filter(label="odd").count() == sum(o.label == "odd" for o in objects)
    assert await Counter.all().limit(3).count() == 3
    assert await Counter.all().offset(8).count() == 2
    assert await Counter.all().offset(8).limit(5).count() == 2
    assert await Counter.all().offset(20).count() == 0
    assert await Counter.all().order_by("a")[2:6].count() == 4


async def test_count_with_distinct_over_a_join(db):
    await tournament_with_events("T", "x1", "x2", "x3")
    await tournament_with_events("U", "x4")
    await tournament_with_events("V", "other")
    joined = Tournament.filter(events__name__startswith="x")
    assert await joined.count() == 4
    assert await joined.distinct().count() == 2
    assert await joined.distinct().limit(1).count() == 1


async def test_exists(db):
    await counters(3)
    assert await Counter.filter(a=2).exists() is True
    assert await Counter.filter(a=5).exists() is False
    assert await Counter.all().offset(3).exists() is False
    assert await Counter.all().offset(2).exists() is True


# -- update() ----------------------------------------------------------------------------------
async def test_update_with_plain_values_returns_the_row_count(db):
    objects = await counters()
    before = await state()
    changed = await Counter.filter(label="odd").update(b=42)
    odd = {o.pk for o in objects if o.label == "odd"}
    assert changed == len(odd)
    assert await state() == {pk: (a, 42 if pk in odd else b) for pk, (a, b) in before.items()}


async def test_update_with_f_arithmetic(db):
    await counters()
    before = await state()
    assert await Counter.all().update(a=F("a") + 1) == len(before)
    assert await state() == {pk: (a + 1, b) for pk, (a, b) in before.items()}
    await Counter.filter(b=1).update(a=F("a") * 2)
    assert await state() == {pk: ((a + 1) * 2 if b == 1 else a + 1, b) for pk, (a, b) in before.items()}
    current = await state()
    await Counter.all().update(b=F("a") - F("b"), a=F("a") * 2 + 3)
    assert await state() == {pk: (a * 2 + 3, a - b) for pk, (a, b) in current.items()}


async def test_update_of_a_decimal_with_f(db):
    await Product.create(sku="a", vendor="v", name="a", price=Decimal("10.25"), stock=2)
    await Product.all().update(price=F("price") * 2, stock=F("stock") - 5)
    assert await Product.all().values_list("price", "stock") == [(Decimal("20.50"), -3)]
    await Product.create(sku="b", vendor="v", name="b", price=Decimal("10.00"), stock=1)
    await Product.filter(sku="b").update(price=F("price") / 4)  # a whole decimal still divides as one
    assert await Product.filter(sku="b").values_list("price", flat=True) == [Decimal("2.50")]


async def test_update_of_a_foreign_key(db):
    first = await tournament_with_events("1", "e1", "e2")
    second = await Tournament.create(name="2")
    assert await Event.filter(tournament=first).update(tournament=second) == 2
    assert await Event.all().values_list("tournament_id", flat=True) == [second.pk, second.pk]


async def test_update_through_a_join_and_with_limit(db):
    await tournament_with_events("Target", "t1", "t2")
    await tournament_with_events("Other", "o1")
    assert await Event.filter(tournament__name="Target").update(name="hit") == 2
    assert sorted(await Event.all().values_list("name", flat=True)) == ["hit", "hit", "o1"]
    await counters(6)
    assert await Counter.all().order_by("-a").limit(2).update(label="top") == 2
    assert await Counter.filter(label="top").order_by("a").values_list("a", flat=True) == [4, 5]


async def test_update_of_an_unknown_field_or_the_primary_key(db):
    objects = await counters(3)
    with pytest.raises(FieldError, match="Counter has no field 'aa'"):
        await Counter.all().update(aa=1)
    with pytest.raises(FieldError, match="primary key"):
        await Counter.all().update(id=100)
    with pytest.raises(FieldError, match="primary key"):
        await Counter.all().update(pk=100)
    assert sorted(await Counter.all().values_list("pk", flat=True)) == sorted(o.pk for o in objects)


# -- delete() ----------------------------------------------------------------------------------
async def test_delete_returns_the_row_count(db):
    objects = await counters()
    odd = [o.pk for o in objects if o.label == "odd"]
    assert await Counter.filter(label="odd").delete() == len(odd)
    remaining = await Counter.all().values_list("pk", flat=True)
    assert sorted(remaining) == sorted(o.pk for o in objects if o.label != "odd")
    assert await Counter.filter(label="odd").delete() == 0
    assert await Counter.all().order_by("a").limit(2).delete() == 2
    assert await Counter.all().order_by("a").values_list("a", flat=True) == [4, 6, 8]
    assert await Counter.all().delete() == 3
    assert await Counter.all().count() == 0


# -- async for ---------------------------------------------------------------------------------
async def test_async_for_streams_every_row_in_order(db):
    count = queryset_module.STREAM_CHUNK * 2 + 37
    objects = [Counter(a=i) for i in range(count)]
    await Counter.bulk_create(objects)
    seen = [c.a async for c in Counter.all().order_by("a")]
    assert seen == list(range(count))
    filtered = [c.a async for c in Counter.filter(a__gte=1500).order_by("-a")]
    assert filtered == list(range(count - 1, 1499, -1))


async def test_async_for_with_writes_in_the_loop_body(db):
    count = queryset_module.STREAM_CHUNK + 250
    await Counter.bulk_create([Counter(a=i) for i in range(count)])

    async def consume():
        seen = 0
        async for counter in Counter.all().order_by("a"):
            await StreamLog.create(counter_id_seen=counter.pk)
            if counter.a % 500 == 0:
                async with in_transaction():
                    await StreamLog.create(counter_id_seen=-counter.pk)
            seen += 1
        return seen

    assert await asyncio.wait_for(consume(), timeout=60) == count
    assert await StreamLog.filter(counter_id_seen__gt=0).count() == count
    assert await StreamLog.filter(counter_id_seen__lt=0).count() == len(range(0, count, 500))


async def test_async_for_stopped_early_leaves_the_connection_usable(db):
    await Counter.bulk_create([Counter(a=i) for i in range(queryset_module.STREAM_CHUNK + 10)])
    async for counter in Counter.all().order_by("a"):
        if counter.a == 5:
            break
    assert await asyncio.wait_for(Counter.all().count(), timeout=10) == queryset_module.STREAM_CHUNK + 10
    await asyncio.wait_for(Counter.create(a=-1), timeout=10)


async def test_async_for_over_values(db):
    await counters(5)
    rows = [row async for row in Counter.all().order_by("a").values("a", "label")]
    assert rows == [{"a": i, "label": "even" if i % 2 == 0 else "odd"} for i in range(5)]


# -- sql() / explain() -----------------------------------------------------------------------------
async def test_sql_shows_placeholders_and_inlines_values_on_request(db):
    await counters(5)
    qs = Counter.filter(label="needle's", a__gt=41).order_by("a")
    sql = qs.sql()
    assert "counter" in sql and sql.upper().startswith("SELECT")
    assert "needle" not in sql and "41" not in sql
    inline = qs.sql(params_inline=True)
    assert "'needle''s'" in inline or "'needle\\'s'" in inline
    assert "41" in inline
    sql_text, params = qs.sql_params()
    assert sql_text == sql and "needle's" in params and 41 in params


async def test_sql_with_its_params_runs_to_the_same_rows(db):
    await counters()
    qs = Counter.filter(label="odd", a__lt=8).order_by("a")
    sql, params = qs.sql_params()
    client = connections.get("default")
    rows = await client.execute_query_dict(sql, params)
    assert [row["a"] for row in rows] == [c.a for c in await qs]


async def test_sql_of_count_update_and_delete(db):
    qs = Counter.filter(a=1)
    assert "COUNT" in qs.count().sql().upper()
    assert qs.update(b=2).sql().upper().startswith("UPDATE")
    assert qs.delete().sql().upper().startswith("DELETE")
    assert await Counter.all().count() == 0  # sql() runs nothing


async def test_explain_returns_the_plan_rows(db):
    await counters(3)
    plan = await Counter.filter(a=1).explain()
    assert isinstance(plan, list) and plan
    assert all(isinstance(row, dict) for row in plan)
    assert Counter._meta.db_table in str(plan).lower()  # the plan of this query, not an empty stand-in
