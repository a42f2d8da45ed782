"""QuerySet shaping: filter/exclude chaining, ordering, limits and slices, distinct, only(),
single-object methods on querysets, and immutability."""

from __future__ import annotations

import pytest

from orm.exceptions import FieldError, IncompleteInstanceError, ParamsError
from orm.expressions import Q
from tests.helpers import orm_session
from tests.models import Event, Tournament
from tests.models_model_api import Counter, Ranked, counters


@pytest.fixture
async def db(backend):
    async with orm_session(backend, ["tests.models", "tests.models_model_api"]) as b:
        yield b


def a_values(objects):
    return [o.a for o in objects]


# -- filter / exclude / all --------------------------------------------------------------------
async def test_filter_chaining_intersects_conditions(db):
    objects = await counters()
    qs = Counter.filter(a__gte=2).filter(a__lt=8).filter(label="odd").order_by("a")
    assert a_values(await qs) == [o.a for o in objects if 2 <= o.a < 8 and o.label == "odd"]
    assert a_values(await Counter.filter(a__gte=2, b=0).order_by("a")) == [
        o.a for o in objects if o.a >= 2 and o.b == 0
    ]


async def test_exclude(db):
    objects = await counters()
    assert a_values(await Counter.exclude(label="odd").order_by("a")) == [
        o.a for o in objects if o.label != "odd"
    ]
    # as in Tortoise, exclude(x, y) negates each keyword: it drops rows matching either
    assert a_values(await Counter.exclude(label="odd", b=0).order_by("a")) == [
        o.a for o in objects if o.label != "odd" and o.b != 0
    ]
    # one Q of both drops only the rows matching both together
    assert a_values(await Counter.exclude(Q(label="odd", b=0)).order_by("a")) == [
        o.a for o in objects if not (o.label == "odd" and o.b == 0)
    ]
    assert a_values(await Counter.filter(b=1).exclude(a__gt=5).order_by("a")) == [
        o.a for o in objects if o.b == 1 and not o.a > 5
    ]


async def test_all_returns_every_row(db):
    objects = await counters(6)
    rows = await Counter.all()
    assert sorted(o.pk for o in rows) == sorted(o.pk for o in objects)
    assert all(isinstance(o, Counter) for o in rows)
    assert sorted(a_values(await Counter.filter(a__gt=3).all())) == [4, 5]


async def test_filter_on_an_unknown_field_names_it(db):
    with pytest.raises(FieldError, match="Counter has no field 'aa'"):
        Counter.filter(aa=1)


# -- ordering ------------------------------------------------------------------------------------
async def test_order_by_ascending_descending_and_several_fields(db):
    objects = await counters()
    assert a_values(await Counter.all().order_by("a")) == sorted(o.a for o in objects)
    assert a_values(await Counter.all().order_by("-a")) == sorted((o.a for o in objects), reverse=True)
    expected = sorted(objects, key=lambda o: (o.b, -o.a))
    assert [(o.b, o.a) for o in await Counter.all().order_by("b", "-a")] == [(o.b, o.a) for o in expected]


async def test_order_by_replaces_meta_ordering_and_a_previous_order_by(db):
    for name, rank in (("b", 1), ("a", 2), ("c", 3)):
        await Ranked.create(name=name, rank=rank)
    assert [r.name for r in await Ranked.all()] == ["c", "a", "b"]  # Meta: -rank, name
    assert [r.name for r in await Ranked.all().order_by("name")] == ["a", "b", "c"]
    assert [r.name for r in await Ranked.all().order_by("name").order_by("rank")] == ["b", "a", "c"]


async def test_order_by_a_related_field(db):
    zed = await Tournament.create(name="Zed")
    alpha = await Tournament.create(name="Alpha")
    for name, tournament in (("e1", zed), ("e2", alpha), ("e3", zed), ("e4", alpha)):
        await Event.create(name=name, tournament=tournament)
    ordered = await Event.all().order_by("tournament__name", "-name")
    assert [e.name for e in ordered] == ["e4", "e2", "e3", "e1"]
    ordered = await Event.all().order_by("-tournament__name", "name")
    assert [e.name for e in ordered] == ["e1", "e3", "e2", "e4"]


async def test_order_by_an_unknown_field_names_it(db):
    with pytest.raises(FieldError, match="'nmae'"):
        Counter.all().order_by("-nmae")


# -- limit / offset / slices ----------------------------------------------------------------------
async def test_limit_and_offset(db):
    objects = await counters()
    ordered = sorted(a_values(objects))
    base = Counter.all().order_by("a")
    assert a_values(await base.limit(3)) == ordered[:3]
    assert a_values(await base.offset(7)) == ordered[7:]
    assert a_values(await base.offset(2).limit(4)) == ordered[2:6]
    assert a_values(await base.limit(0)) == []
    assert a_values(await base.offset(50)) == []


@pytest.mark.parametrize(
    ("start", "stop"), [(2, 5), (3, None), (None, 4), (0, 10), (8, 20), (5, 5), (None, None)]
)
async def test_slices_match_list_slices(db, start, stop):
    objects = await counters()
    expected = sorted(a_values(objects))[start:stop]
    assert a_values(await Counter.all().order_by("a")[start:stop]) == expected


async def test_slice_of_a_slice_and_of_a_filtered_queryset(db):
    objects = await counters()
    odd = sorted(o.a for o in objects if o.label == "odd")
    assert a_values(await Counter.filter(label="odd").order_by("a")[1:4]) == odd[1:4]


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (slice(None, None, 2), "step"),
        (slice(-1, None), "non-negative"),
        (slice(None, -2), "non-negative"),
        (3, "slices"),
    ],
)
async def test_bad_slices_are_rejected(db, key, message):
    with pytest.raises(ParamsError, match=message):
        Counter.all()[key]


async def test_bad_limit_and_offset_are_rejected(db):
    for bad in (-1, 1.5, "3", True):
        with pytest.raises(ParamsError, match="limit must be a non-negative integer"):
            Counter.all().limit(bad)
        with pytest.raises(ParamsError, match="offset must be a non-negative integer"):
            Counter.all().offset(bad)


# -- distinct --------------------------------------------------------------------------------------
async def test_distinct_drops_duplicate_rows(db):
    objects = await counters()
    labels = await Counter.all().distinct().order_by("label").values_list("label", flat=True)
    assert labels == sorted({o.label for o in objects})
    pairs = await Counter.all().distinct().order_by("b", "label").values_list("b", "label")
    assert [tuple(p) for p in pairs] == sorted({(o.b, o.label) for o in objects})


async def test_distinct_over_a_join(db):
    tournament = await Tournament.create(name="T")
    other = await Tournament.create(name="U")
    for i in range(3):
        await Event.create(name=f"final {i}", tournament=tournament)
    await Event.create(name="final x", tournament=other)
    joined = Tournament.filter(events__name__startswith="final").order_by("name")
    assert [t.name for t in await joined] == ["T", "T", "T", "U"]
    assert [t.name for t in await joined.distinct()] == ["T", "U"]


# -- only() ----------------------------------------------------------------------------------------
async def test_only_loads_the_named_fields_and_the_primary_key(db):
    saved = await Counter.create(a=5, b=6, label="x")
    partial = await Counter.filter(pk=saved.pk).only("a").first()
    assert (partial.pk, partial.a) == (saved.pk, 5)
    with pytest.raises(AttributeError, match=r"Counter\.b was not loaded.*only\(\)"):
        _ = partial.b
    with pytest.raises(AttributeError, match="label"):
        _ = partial.label


async def test_saving_an_only_instance_needs_update_fields(db):
    saved = await Counter.create(a=5, b=6, label="x")
    partial = await Counter.get(pk=saved.pk).only("a", "label")
    partial.a = 50
    with pytest.raises(IncompleteInstanceError, match="update_fields"):
        await partial.save()
    assert await Counter.filter(pk=saved.pk).values_list("a", "b", "label") == [(5, 6, "x")]
    await partial.save(update_fields=["a"])
    assert await Counter.filter(pk=saved.pk).values_list("a", "b", "label") == [(50, 6, "x")]


async def test_refresh_from_db_completes_an_only_instance(db):
    saved = await Counter.create(a=5, b=6, label="x")
    partial = await Counter.filter(pk=saved.pk).only("a").first()
    await partial.refresh_from_db()
    assert (partial.a, partial.b, partial.label) == (5, 6, "x")
    partial.b = 7
    await partial.save()  # complete now: a plain save works
    assert await Counter.filter(pk=saved.pk).values_list("b", flat=True) == [7]


async def test_only_with_an_unknown_field_or_none(db):
    with pytest.raises(FieldError, match="'lable'"):
        Counter.all().only("lable")
    with pytest.raises(ParamsError, match="at least one"):
        Counter.all().only()


# -- get / first / last on querysets ---------------------------------------------------------------
async def test_get_and_get_or_none_on_a_queryset(db):
    objects = await counters()
    odd = Counter.filter(label="odd")
    assert (await odd.get(a=3)).pk == objects[3].pk
    with pytest.raises(Counter.DoesNotExist):
        await odd.get(a=4)  # exists, but not among the odd ones
    with pytest.raises(Counter.MultipleObjectsReturned):
        await odd.get(b=0)
    assert await odd.get_or_none(a=4) is None


async def test_first_and_last_on_a_queryset(db):
    objects = await counters()
    odd = sorted(o.a for o in objects if o.label == "odd")
    assert (await Counter.filter(label="odd").first()).a == odd[0]
    assert (await Counter.filter(label="odd").last()).a == odd[-1]
    assert (await Counter.filter(label="odd").order_by("-a").first()).a == odd[-1]
    assert (await Counter.filter(label="odd").order_by("b", "a").first()).a == min(
        odd, key=lambda a: (a % 3, a)
    )
    assert await Counter.filter(label="none").first() is None


# -- immutability ----------------------------------------------------------------------------------
async def test_deriving_querysets_leaves_the_base_unchanged(db):
    objects = await counters()
    base = Counter.filter(a__gte=2)
    base_sql = base.sql()
    narrowed = base.filter(label="odd").order_by("-a").limit(2)
    sliced = base.order_by("a")[1:3]
    only = base.only("a")
    distinct = base.distinct()
    odd_desc = sorted((o.a for o in objects if o.a >= 2 and o.label == "odd"), reverse=True)
    assert a_values(await narrowed) == odd_desc[:2]
    assert a_values(await sliced) == [3, 4]
    assert len(await only) == len(await distinct) == 8
    assert base.sql() == base_sql
    expected = sorted(o.a for o in objects if o.a >= 2)
    assert sorted(a_values(await base)) == expected
    assert sorted(a_values(await base)) == expected  # a queryset can be awaited again
    assert await base.count() == len(expected)
    assert a_values(await base.order_by("a")) == expected


async def test_a_queryset_sees_rows_added_after_it_was_built(db):
    qs = Counter.filter(label="late")
    assert await qs == []
    await Counter.create(a=1, label="late")
    assert a_values(await qs) == [1]
