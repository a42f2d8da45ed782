"""Q objects, exclude() and filtering across relations, checked against a Python model of the data.

Semantics tested (and chosen): a negation -- ``~Q(...)``, ``Q.negate()``,
``exclude()`` -- selects exactly the rows the condition does not select, so
rows where the condition is unknown because a column is NULL are *kept*
(``exclude(prize=100)`` returns the events without a prize, as
``filter(prize__not=100)`` does). As in Tortoise, each keyword and each Q given to
``exclude`` is negated on its own: ``exclude(a=1, b=2)`` is ``NOT a AND NOT b``, while
``exclude(Q(a=1, b=2))`` is ``NOT (a=1 AND b=2)``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from orm.exceptions import OperationalError
from orm.expressions import F, Q
from tests.models import Event, Team, Tournament

TOURNAMENTS = [("Spring Cup", "open"), ("Autumn Cup", None), ("Winter Open", "closed")]
#: name, tournament index, prize, team indexes
EVENTS = [
    ("final", 0, Decimal("100"), [0, 1]),
    ("semi", 0, Decimal("50"), [0, 2]),
    ("final", 1, None, [1]),
    ("quarter", 1, Decimal("10"), []),
    ("semi", 2, None, [2, 3]),
    ("opening", 2, Decimal("100"), [0]),
    ("final", 2, Decimal("75"), [3]),
]
TEAMS = ["Ants", "Bees", "Cats", "Dogs"]


@dataclass
class World:
    tournaments: list[Tournament] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)

    def row(self, index: int) -> dict[str, Any]:
        """Event ``index`` as the flat dict the predicates read (relation paths as keys)."""
        name, t_index, prize, team_indexes = EVENTS[index]
        t_name, t_description = TOURNAMENTS[t_index]
        return {
            "id": self.events[index].id,
            "name": name,
            "prize": prize,
            "tournament_id": self.tournaments[t_index].id,
            "tournament__name": t_name,
            "tournament__description": t_description,
            "teams": [TEAMS[i] for i in team_indexes],
        }

    def event_ids(self, predicate: Callable[[dict[str, Any]], bool]) -> list[int]:
        return sorted(row["id"] for row in map(self.row, range(len(EVENTS))) if predicate(row))


@pytest.fixture
async def world(db) -> World:
    w = World()
    w.tournaments = [await Tournament.create(name=n, description=d) for n, d in TOURNAMENTS]
    w.teams = [await Team.create(name=n) for n in TEAMS]
    for name, t_index, prize, team_indexes in EVENTS:
        event = await Event.create(name=name, tournament=w.tournaments[t_index], prize=prize)
        if team_indexes:
            await event.participants.add(*(w.teams[i] for i in team_indexes))
        w.events.append(event)
    return w


async def ids_of(qs: Any) -> list[int]:
    return sorted(await qs.values_list("id", flat=True))


async def check(w: World, qs: Any, predicate: Callable[[dict[str, Any]], bool]) -> None:
    want = w.event_ids(predicate)
    assert 0 < len(want) < len(EVENTS), "the case must be selective on the data set"
    assert await ids_of(qs) == want


# -- combining ----------------------------------------------------------------------------------
async def test_or_and_and(world: World) -> None:
    await check(world, Event.filter(Q(name="semi") | Q(prize=100)), lambda r: r["name"] == "semi" or r["prize"] == 100)
    await check(world, Event.filter(Q(name="final") & Q(prize__gte=80)),
                lambda r: r["name"] == "final" and r["prize"] is not None and r["prize"] >= 80)  # fmt: skip


async def test_invert_keeps_rows_where_the_condition_is_unknown(world: World) -> None:
    await check(world, Event.filter(~Q(name="final")), lambda r: r["name"] != "final")
    await check(world, Event.filter(~Q(prize=100)), lambda r: r["prize"] != 100)  # NULL prizes kept
    await check(world, Event.filter(~Q(prize__gt=60)), lambda r: not (r["prize"] is not None and r["prize"] > 60))


async def test_nested_q(world: World) -> None:
    q = (Q(name="final") | Q(name="semi")) & ~(Q(prize__lt=60) | Q(tournament__name__startswith="Winter"))
    await check(world, Event.filter(q), lambda r: r["name"] in ("final", "semi") and not (
        (r["prize"] is not None and r["prize"] < 60) or r["tournament__name"].startswith("Winter")))  # fmt: skip
    double = ~~Q(name="final")
    await check(world, Event.filter(double), lambda r: r["name"] == "final")


async def test_join_type_or(world: World) -> None:
    await check(
        world,
        Event.filter(Q(name="opening", prize=50, join_type="OR")),
        lambda r: r["name"] == "opening" or r["prize"] == 50,
    )
    await check(
        world,
        Event.filter(Q(Q(name="semi"), Q(name="quarter"), join_type="OR")),
        lambda r: r["name"] in ("semi", "quarter"),
    )
    # Q objects and keyword filters in one Q all take its join type
    await check(
        world,
        Event.filter(Q(Q(name="semi"), prize=100, join_type="OR")),
        lambda r: r["name"] == "semi" or r["prize"] == 100,
    )
    await check(
        world,
        Event.filter(Q(Q(name="semi") | Q(name="final"), prize__gte=50)),
        lambda r: r["name"] in ("semi", "final") and r["prize"] is not None and r["prize"] >= 50,
    )


async def test_filter_mixes_q_objects_and_keywords_with_and(world: World) -> None:
    qs = Event.filter(Q(name="final") | Q(name="opening"), Q(prize__isnull=False), tournament__name="Winter Open")
    await check(world, qs, lambda r: r["name"] in ("final", "opening") and r["prize"] is not None
                and r["tournament__name"] == "Winter Open")  # fmt: skip
    chained = Event.filter(Q(name="final") | Q(name="opening")).filter(prize__isnull=False)
    await check(world, chained, lambda r: r["name"] in ("final", "opening") and r["prize"] is not None)


async def test_negate_in_place(world: World) -> None:
    q = Q(name="final")
    assert q.negate() is None
    await check(world, Event.filter(q), lambda r: r["name"] != "final")
    q.negate()
    await check(world, Event.filter(q), lambda r: r["name"] == "final")


async def test_inverting_does_not_change_the_original(world: World) -> None:
    q = Q(name="final")
    inverted = ~q
    await check(world, Event.filter(q), lambda r: r["name"] == "final")
    await check(world, Event.filter(inverted), lambda r: r["name"] != "final")


def test_combining_q_with_something_else_is_an_error() -> None:
    for other in ({"name": "x"}, "name", None, 1):
        with pytest.raises(OperationalError, match="Q"):
            Q(name="x") & other  # type: ignore[operator]
        with pytest.raises(OperationalError, match="Q"):
            Q(name="x") | other  # type: ignore[operator]
    with pytest.raises(OperationalError, match="join_type"):
        Q(name="x", join_type="XOR")
    with pytest.raises(OperationalError, match="Q"):
        Q({"name": "x"})  # type: ignore[arg-type]


async def test_filter_rejects_positional_non_q(world: World) -> None:
    with pytest.raises(TypeError, match="Q objects"):
        Event.filter({"name": "final"})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Q objects"):
        Event.exclude("name")  # type: ignore[arg-type]


# -- exclude --------------------------------------------------------------------------------------
async def test_exclude_one_keyword(world: World) -> None:
    await check(world, Event.exclude(name="final"), lambda r: r["name"] != "final")


async def test_exclude_negates_each_keyword_and_each_q(world: World) -> None:
    await check(
        world,
        Event.exclude(name="final", tournament__name="Winter Open"),
        lambda r: r["name"] != "final" and r["tournament__name"] != "Winter Open",
    )
    await check(
        world,
        Event.exclude(Q(name="semi"), tournament__name="Spring Cup"),
        lambda r: r["name"] != "semi" and r["tournament__name"] != "Spring Cup",
    )


async def test_exclude_of_one_q_negates_its_and(world: World) -> None:
    await check(
        world,
        Event.exclude(Q(name="final", tournament__name="Winter Open")),
        lambda r: not (r["name"] == "final" and r["tournament__name"] == "Winter Open"),
    )


async def test_exclude_on_a_nullable_column_keeps_null_rows(world: World) -> None:
    await check(world, Event.exclude(prize=100), lambda r: r["prize"] != 100)
    # the same rows as the documented `__not` lookup
    assert await ids_of(Event.exclude(prize=100)) == await ids_of(Event.filter(prize__not=100))
    await check(world, Event.exclude(prize__in=[100, 50]), lambda r: r["prize"] not in (100, 50))
    await check(world, Event.exclude(tournament__description="open"), lambda r: r["tournament__description"] != "open")
    # "final" with a NULL prize is not "final with prize 100", so it stays
    await check(
        world, Event.exclude(Q(name="final", prize=100)), lambda r: not (r["name"] == "final" and r["prize"] == 100)
    )


async def test_exclude_and_filter_are_complements(world: World) -> None:
    every = sorted(e.id for e in world.events)
    for kwargs in ({"prize__gt": 60}, {"prize__isnull": True}, {"name": "final", "prize__lte": 80},
                   {"tournament__description__icontains": "o"}, {"prize__not": 100}):  # fmt: skip
        kept, dropped = await ids_of(Event.exclude(Q(**kwargs))), await ids_of(Event.filter(**kwargs))
        assert sorted(kept + dropped) == every, kwargs


async def test_exclude_after_filter(world: World) -> None:
    await check(
        world,
        Event.filter(name="final").exclude(prize__gte=90),
        lambda r: r["name"] == "final" and not (r["prize"] is not None and r["prize"] >= 90),
    )


# -- random Q trees against a Python evaluator ------------------------------------------------------
#: (filter key, value, row key, predicate on the row value); NULL never satisfies a comparison
ATOMS: list[tuple[str, Any, str, Callable[[Any], bool]]] = [
    ("name", "final", "name", lambda v: v == "final"),
    ("name__in", ["semi", "quarter"], "name", lambda v: v in ("semi", "quarter")),
    ("name__startswith", "fi", "name", lambda v: v.startswith("fi")),
    ("prize", Decimal("100"), "prize", lambda v: v is not None and v == 100),
    ("prize__gt", 40, "prize", lambda v: v is not None and v > 40),
    ("prize__lte", Decimal("75"), "prize", lambda v: v is not None and v <= 75),
    ("prize__isnull", True, "prize", lambda v: v is None),
    ("prize__not", 50, "prize", lambda v: v != 50),
    ("prize__not_in", [10, 100], "prize", lambda v: v not in (10, 100)),
    ("tournament__name", "Autumn Cup", "tournament__name", lambda v: v == "Autumn Cup"),
    ("tournament__description", "closed", "tournament__description", lambda v: v == "closed"),
    ("tournament__description__isnull", False, "tournament__description", lambda v: v is not None),
    ("tournament__description__not", "open", "tournament__description", lambda v: v != "open"),
]


def random_tree(rng: random.Random, depth: int) -> tuple[Q, Callable[[dict[str, Any]], bool]]:
    if depth == 0 or rng.random() < 0.3:
        key, value, column, test = rng.choice(ATOMS)
        return Q(**{key: value}), lambda r: test(r[column])
    kind = rng.choice(["and", "or", "not", "join_or", "negate"])
    left, left_pred = random_tree(rng, depth - 1)
    if kind == "not":
        return ~left, lambda r: not left_pred(r)
    if kind == "negate":
        left.negate()
        return left, lambda r: not left_pred(r)
    right, right_pred = random_tree(rng, depth - 1)
    if kind == "and":
        return left & right, lambda r: left_pred(r) and right_pred(r)
    if kind == "or":
        return left | right, lambda r: left_pred(r) or right_pred(r)
    return Q(left, right, join_type="OR"), lambda r: left_pred(r) or right_pred(r)


async def test_random_q_trees_match_python(world: World) -> None:
    rng = random.Random(20240601)
    for _ in range(150):
        q, predicate = random_tree(rng, 4)
        want = world.event_ids(predicate)
        assert await ids_of(Event.filter(q)) == want, q
        everything = sorted(e.id for e in world.events)
        assert await ids_of(Event.exclude(q)) == sorted(set(everything) - set(want)), q


# -- relations ---------------------------------------------------------------------------------------
async def test_filter_by_pk_and_pk_alias(world: World) -> None:
    e = world.events[3]
    assert await ids_of(Event.filter(pk=e.id)) == [e.id]
    assert await ids_of(Event.filter(id=e.id)) == [e.id]
    chosen = [world.events[0].id, world.events[5].id]
    assert await ids_of(Event.filter(pk__in=chosen)) == sorted(chosen)
    await check(world, Event.filter(pk__gt=e.id), lambda r: r["id"] > e.id)
    await check(world, Event.exclude(pk=e.id), lambda r: r["id"] != e.id)
    assert (await Event.get(pk=e.id)).name == "quarter"


async def test_filter_by_foreign_key(world: World) -> None:
    t = world.tournaments[2]
    on_t = lambda r: r["tournament_id"] == t.id  # noqa: E731
    await check(world, Event.filter(tournament=t), on_t)
    await check(world, Event.filter(tournament_id=t.id), on_t)
    await check(world, Event.filter(tournament=t.id), on_t)
    await check(world, Event.filter(tournament__id=t.id), on_t)
    await check(world, Event.filter(tournament__pk=t.id), on_t)
    pair = world.tournaments[:2]
    await check(world, Event.filter(tournament__in=pair), lambda r: r["tournament_id"] in {x.id for x in pair})
    await check(
        world,
        Event.filter(tournament_id__in=[x.id for x in pair]),
        lambda r: r["tournament_id"] in {x.id for x in pair},
    )
    await check(world, Event.exclude(tournament=t), lambda r: r["tournament_id"] != t.id)


async def test_filter_by_related_field(world: World) -> None:
    await check(world, Event.filter(tournament__name="Autumn Cup"), lambda r: r["tournament__name"] == "Autumn Cup")
    await check(
        world,
        Event.filter(tournament__name__icontains="cup", name="final"),
        lambda r: "cup" in r["tournament__name"].lower() and r["name"] == "final",
    )
    await check(
        world, Event.filter(tournament__description__isnull=True), lambda r: r["tournament__description"] is None
    )


async def test_filter_across_reverse_foreign_key(world: World) -> None:
    found = await Tournament.filter(events__name="semi").distinct().values_list("id", flat=True)
    with_semi = {world.tournaments[EVENTS[i][1]].id for i, e in enumerate(EVENTS) if e[0] == "semi"}
    assert sorted(found) == sorted(with_semi)
    found = await Tournament.filter(events__prize__gte=100).values_list("id", flat=True)
    rich = {world.tournaments[e[1]].id for e in EVENTS if e[2] is not None and e[2] >= 100}
    assert set(found) == rich and len(rich) == 2


async def test_not_across_a_relation_keeps_rows_without_related_rows(world: World) -> None:
    empty = await Tournament.create(name="Empty Cup")  # no events: its joined event columns are NULL

    def tournaments_with_an_event(predicate: Callable[[tuple[Any, ...]], bool]) -> set[int]:
        return {world.tournaments[e[1]].id for e in EVENTS if predicate(e)}

    not_final = tournaments_with_an_event(lambda e: e[0] != "final") | {empty.id}
    assert set(await Tournament.filter(events__name__not="final").values_list("id", flat=True)) == not_final
    assert set(await Tournament.filter(events__name__not_in=["final"]).values_list("id", flat=True)) == not_final
    not_2000 = tournaments_with_an_event(lambda e: True) | {empty.id}  # no event was modified in 2000
    assert set(await Tournament.filter(events__modified__year__not=2000).values_list("id", flat=True)) == not_2000
    assert empty.id in set(await Tournament.exclude(events__name="final").values_list("id", flat=True))


async def test_filter_across_many_to_many(world: World) -> None:
    await check(world, Event.filter(participants__name="Ants"), lambda r: "Ants" in r["teams"])
    await check(world, Event.filter(participants=world.teams[3]), lambda r: "Dogs" in r["teams"])
    await check(
        world,
        Event.filter(participants__name__in=["Cats", "Dogs"]).distinct(),
        lambda r: bool({"Cats", "Dogs"} & set(r["teams"])),
    )
    teams = await Team.filter(events__tournament__name="Winter Open").distinct().values_list("name", flat=True)
    assert sorted(teams) == sorted({TEAMS[i] for e in EVENTS if e[1] == 2 for i in e[3]})


# -- the statement cache ---------------------------------------------------------------------------
def cache() -> Any:
    return Event._meta.db.dialect.cache


async def test_same_shape_different_values(world: World) -> None:
    for name in ("final", "semi", "quarter", "nothing"):
        await_ids = await ids_of(Event.filter(name=name, prize__gte=0))
        assert await_ids == world.event_ids(lambda r, n=name: r["name"] == n and r["prize"] is not None)
    for low in (0, 60, 100, 1000):
        assert await Event.filter(prize__gt=low).count() == len(
            world.event_ids(lambda r, lo=low: r["prize"] is not None and r["prize"] > lo)
        )


async def test_cache_hits_on_the_second_run_and_results_stay_right(world: World) -> None:
    qs_a = Event.filter(name="final", tournament__name__icontains="cup").order_by("-id").limit(5)
    qs_b = Event.filter(name="semi", tournament__name__icontains="open").order_by("-id").limit(1)
    first = await ids_of(qs_a)
    hits = cache().hits
    second = await ids_of(qs_b)
    assert cache().hits > hits
    assert first == world.event_ids(lambda r: r["name"] == "final" and "cup" in r["tournament__name"].lower())
    assert second == world.event_ids(lambda r: r["name"] == "semi" and "open" in r["tournament__name"].lower())
    hits = cache().hits
    assert await ids_of(qs_a) == first
    assert cache().hits > hits


async def test_in_lists_of_different_lengths(world: World) -> None:
    ids = [e.id for e in world.events]
    for chosen in ([ids[0]], ids[1:4], [], ids[2:3], ids, ids[:2]):
        assert await ids_of(Event.filter(id__in=chosen)) == sorted(chosen)
        assert await ids_of(Event.filter(id__not_in=chosen)) == sorted(set(ids) - set(chosen))


async def test_in_accepts_any_iterable(world: World) -> None:
    ids = [e.id for e in world.events]
    assert await ids_of(Event.filter(id__in=range(ids[0], ids[0] + 2))) == ids[:2]
    assert await ids_of(Event.filter(id__in=range(ids[0], ids[0] + 4))) == ids[:4]
    assert await ids_of(Event.filter(id__in=(i for i in ids[:1]))) == ids[:1]
    assert await ids_of(Event.filter(id__in=(i for i in ids[:3]))) == ids[:3]
    assert await ids_of(Event.filter(id__in=dict.fromkeys(ids[1:3]).keys())) == ids[1:3]
    assert await ids_of(Event.filter(id__in={ids[4], ids[5], ids[6]})) == ids[4:7]
    assert await ids_of(Event.filter(id__in=(i for i in []))) == []


async def test_isnull_true_then_false(world: World) -> None:
    null = world.event_ids(lambda r: r["prize"] is None)
    present = world.event_ids(lambda r: r["prize"] is not None)
    for flag, want in ((True, null), (False, present), (1, null), (0, present), ("yes", null), (None, present)):
        assert await ids_of(Event.filter(prize__isnull=flag)) == want, flag
        assert await ids_of(Event.filter(prize__not_isnull=flag)) == (present if want == null else null), flag


async def test_none_then_value_then_none(world: World) -> None:
    for value in (None, 100, None, 50):
        want = world.event_ids(lambda r, v=value: r["prize"] == v if v is not None else r["prize"] is None)
        assert await ids_of(Event.filter(prize=value)) == want
        not_want = world.event_ids(lambda r, v=value: r["prize"] != v if v is not None else r["prize"] is not None)
        assert await ids_of(Event.filter(prize__not=value)) == not_want


async def test_limit_and_offset_values_are_not_baked_in(world: World) -> None:
    ordered = sorted(e.id for e in world.events)
    for limit, offset in ((2, 0), (3, 1), (1, 5), (10, 2)):
        assert (
            await Event.all().order_by("id").offset(offset).limit(limit).values_list("id", flat=True)
            == (ordered[offset : offset + limit])
        )


async def test_expression_values_are_not_cached_but_correct(world: World) -> None:
    size, hits = len(cache()), cache().hits
    for factor in (20, 10, 30):
        got = await ids_of(Event.filter(prize__lt=F("id") * factor))
        assert got == world.event_ids(lambda r, f=factor: r["prize"] is not None and r["prize"] < r["id"] * f)
    assert len(cache()) == size and cache().hits == hits
    # next to plain values in the same filter, which must still bind correctly
    got = await ids_of(Event.filter(name="final", prize__gte=F("id")))
    assert got == world.event_ids(lambda r: r["name"] == "final" and r["prize"] is not None and r["prize"] >= r["id"])


async def test_same_keys_different_nesting_are_different_shapes(world: World) -> None:
    a = await ids_of(Event.filter(Q(name="final") | Q(prize=100)))
    b = await ids_of(Event.filter(Q(name="final") & Q(prize=100)))
    c = await ids_of(Event.filter(~Q(name="final") | Q(prize=100)))
    d = await ids_of(Event.filter(Q(name="final", prize=100, join_type="OR")))
    assert a == d == world.event_ids(lambda r: r["name"] == "final" or r["prize"] == 100)
    assert b == world.event_ids(lambda r: r["name"] == "final" and r["prize"] == 100)
    assert c == world.event_ids(lambda r: r["name"] != "final" or r["prize"] == 100)
