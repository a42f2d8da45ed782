"""Aggregates: Count/Sum/Avg/Min/Max (distinct, _filter), over relations, HAVING, group_by, custom ones.

Every query must run as ONE statement, and its results are compared with
values computed in Python from the seed data in ``tests.models_analytics``.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest

from orm import fields
from orm.expressions import Case, F, Q, When
from orm.functions import Aggregate, Avg, Count, Max, Min, Sum
from tests.helpers import orm_session
from tests.models import Event, Team, Tournament
from tests.models_analytics import EVENTS, GADGETS, TEAMS, TOURNAMENTS, Gadget, seed
from tests.relations_support import one


@pytest.fixture
async def db(backend):
    async with orm_session(backend, ["tests.models", "tests.models_analytics"]) as active:
        yield active


@pytest.fixture
async def data(db):
    return await seed()


def close(value: Any, expected: float | None) -> bool:
    """An average: exact Decimal on some databases, float on others."""
    if expected is None:
        return value is None
    return value is not None and abs(float(value) - expected) < 1e-9


def mean(values: list[Any]) -> float | None:
    return float(sum(values)) / len(values) if values else None


def events_of(index: int) -> list[tuple[str, int, Decimal | None, list[int]]]:
    return [e for e in EVENTS if e[1] == index]


def prizes_of(index: int) -> list[Decimal]:
    return [prize for _, _, prize, _ in events_of(index) if prize is not None]


# -- over the whole table -------------------------------------------------------------------
async def test_aggregates_over_the_table(data) -> None:
    rows = await one(
        Gadget.annotate(
            total=Sum("stock"),
            average=Avg("stock"),
            cheapest=Min("price"),
            dearest=Max("price"),
            best=Max("rating"),
            worst=Min("rating"),
            rated=Count("rating"),
            everything=Count("*"),
            ids=Count("id"),
            mean_price=Avg("price"),
        ).values(
            "total",
            "average",
            "cheapest",
            "dearest",
            "best",
            "worst",
            "rated",
            "everything",
            "ids",
            "mean_price",
        )
    )
    assert len(rows) == 1
    row = rows[0]
    ratings = [g["rating"] for g in GADGETS if g["rating"] is not None]
    assert row["total"] == sum(g["stock"] for g in GADGETS)
    assert close(row["average"], mean([g["stock"] for g in GADGETS]))
    assert row["cheapest"] == min(g["price"] for g in GADGETS)
    assert row["dearest"] == max(g["price"] for g in GADGETS)
    assert isinstance(row["dearest"], Decimal)
    assert (row["best"], row["worst"]) == (max(ratings), min(ratings))
    assert row["rated"] == len(ratings) < len(GADGETS)
    assert row["everything"] == row["ids"] == len(GADGETS)
    assert close(row["mean_price"], mean([g["price"] for g in GADGETS]))


async def test_distinct_aggregates(data) -> None:
    stocks = [g["stock"] for g in GADGETS]
    assert len(set(stocks)) < len(stocks)  # the data has duplicates, so DISTINCT matters
    row = (
        await one(
            Gadget.annotate(
                kinds=Count("stock", distinct=True),
                total=Sum("stock", distinct=True),
                average=Avg("stock", distinct=True),
                high=Max("stock", distinct=True),
            ).values_list("kinds", "total", "average", "high")
        )
    )[0]
    assert row[:2] == (len(set(stocks)), sum(set(stocks)))
    assert close(row[2], mean(sorted(set(stocks))))
    assert row[3] == max(stocks)


async def test_filtered_aggregates(data) -> None:
    row = (
        await one(
            Gadget.annotate(
                rated_stock=Sum("stock", _filter=Q(rating__gte=3)),
                nicknamed=Count("id", _filter=Q(nickname__isnull=False)),
                cheap_max=Max("price", _filter=Q(stock__lt=10)),
                busy=Count("*", _filter=Q(stock__gt=5) | Q(reserved=0)),
                not_gear=Avg("stock", _filter=~Q(name="Gear")),
                nothing=Sum("stock", _filter=Q(stock__gt=1000)),
            ).values("rated_stock", "nicknamed", "cheap_max", "busy", "not_gear", "nothing")
        )
    )[0]
    assert row["rated_stock"] == sum(
        g["stock"] for g in GADGETS if g["rating"] is not None and g["rating"] >= 3
    )
    assert row["nicknamed"] == sum(1 for g in GADGETS if g["nickname"] is not None)
    assert row["cheap_max"] == max(g["price"] for g in GADGETS if g["stock"] < 10)
    assert row["busy"] == sum(1 for g in GADGETS if g["stock"] > 5 or g["reserved"] == 0)
    assert close(row["not_gear"], mean([g["stock"] for g in GADGETS if g["name"] != "Gear"]))
    assert row["nothing"] is None


async def test_sum_of_case(data) -> None:
    row = (
        await one(
            Gadget.annotate(
                plenty=Sum(Case(When(stock__gt=5, then=1), default=0)),
                rated_stock=Sum(Case(When(rating__isnull=False, then=F("stock")), default=0)),
            ).values("plenty", "rated_stock")
        )
    )[0]
    assert row == {
        "plenty": sum(1 for g in GADGETS if g["stock"] > 5),
        "rated_stock": sum(g["stock"] for g in GADGETS if g["rating"] is not None),
    }


# -- over relations: one row per object, objects without related rows included ----------------
async def test_aggregates_over_a_reverse_foreign_key(data) -> None:
    rows = await one(
        Tournament.annotate(
            n=Count("events"),
            distinct_n=Count("events", distinct=True),
            total=Sum("events__prize"),
            top=Max("events__prize"),
            low=Min("events__prize"),
            average=Avg("events__prize"),
        )
        .order_by("id")
        .values("id", "name", "n", "distinct_n", "total", "top", "low", "average")
    )
    assert len(rows) == len(TOURNAMENTS)  # two tournaments share a name: still one row each
    for index, (row, tournament) in enumerate(zip(rows, data.tournaments)):
        prizes = prizes_of(index)
        assert (row["id"], row["name"]) == (tournament.id, TOURNAMENTS[index])
        assert row["n"] == row["distinct_n"] == len(events_of(index))
        assert row["total"] == (sum(prizes) if prizes else None)
        assert row["top"] == (max(prizes) if prizes else None)
        assert row["low"] == (min(prizes) if prizes else None)
        assert close(row["average"], mean(prizes))
    assert any(row["n"] == 0 and row["total"] is None for row in rows)


async def test_annotated_instances_carry_the_aggregate(data) -> None:
    found = await one(Tournament.annotate(n=Count("events"), total=Sum("events__prize")).order_by("id"))
    assert [(t.name, t.n, t.total) for t in found] == [
        (name, len(events_of(i)), sum(prizes_of(i)) if prizes_of(i) else None)
        for i, name in enumerate(TOURNAMENTS)
    ]
    assert all(isinstance(t, Tournament) for t in found)
    single = await one(Tournament.annotate(n=Count("events")).get(id=data.tournaments[0].id))
    assert single.n == len(events_of(0))


async def test_values_of_only_aggregates_over_a_relation_is_per_object(data) -> None:
    counts = await one(Tournament.annotate(n=Count("events")).order_by("id").values_list("n", flat=True))
    assert counts == [len(events_of(i)) for i in range(len(TOURNAMENTS))]
    named = await one(Tournament.annotate(n=Count("events")).order_by("id").values("name", events="n"))
    assert named == [{"name": name, "events": len(events_of(i))} for i, name in enumerate(TOURNAMENTS)]


async def test_count_across_many_to_many(data) -> None:
    rows = await one(
        Tournament.annotate(
            links=Count("events__participants"), teams=Count("events__participants", distinct=True)
        )
        .order_by("id")
        .values_list("links", "teams")
    )
    expected = []
    for index in range(len(TOURNAMENTS)):
        linked = [team for event in events_of(index) for team in event[3]]
        expected.append((len(linked), len(set(linked))))
    assert rows == expected
    assert any(links != teams for links, teams in expected)

    per_team = await one(Team.annotate(n=Count("events")).order_by("id").values_list("name", "n"))
    assert per_team == [(name, sum(1 for e in EVENTS if i in e[3])) for i, name in enumerate(TEAMS)]
    per_event = await one(Event.annotate(n=Count("participants")).order_by("id").values_list("n", flat=True))
    assert per_event == [len(e[3]) for e in EVENTS]


async def test_sum_across_foreign_key_and_many_to_many(data) -> None:
    rows = await one(
        Tournament.annotate(
            ids=Sum("events__participants__id"),
            distinct_ids=Sum("events__participants__id", distinct=True),
            top=Max("events__participants__name"),
        )
        .order_by("id")
        .values_list("id", "ids", "distinct_ids", "top")
    )
    team_ids = [team.id for team in data.teams]
    expected = []
    for index, tournament in enumerate(data.tournaments):
        linked = [team for event in events_of(index) for team in event[3]]
        ids = [team_ids[i] for i in linked]
        top = max((TEAMS[i] for i in linked), default=None)
        expected.append((tournament.id, sum(ids) if ids else None, sum(set(ids)) if ids else None, top))
    assert rows == expected
    assert any(ids != distinct for _, ids, distinct, _ in expected if ids is not None)  # a team linked twice


async def test_aggregates_through_many_to_many_then_foreign_key(data) -> None:
    rows = await one(
        Team.annotate(
            tournaments=Count("events__tournament", distinct=True),
            last_name=Max("events__tournament__name"),
            prizes=Sum("events__prize"),
        )
        .order_by("id")
        .values_list("name", "tournaments", "last_name", "prizes")
    )
    expected = []
    for index, name in enumerate(TEAMS):
        played = [e for e in EVENTS if index in e[3]]
        prizes = [prize for _, _, prize, _ in played if prize is not None]
        expected.append((
            name,
            len({tournament for _, tournament, _, _ in played}),
            max((TOURNAMENTS[t] for _, t, _, _ in played), default=None),
            sum(prizes) if prizes else None,
        ))
    assert rows == expected
    # two tournaments share a name: counting distinct tournaments is not counting distinct names
    assert any(n != len({TOURNAMENTS[e[1]] for e in EVENTS if i in e[3]}) for i, (_, n, _, _) in enumerate(rows))


async def test_aggregates_over_a_forward_foreign_key(data) -> None:
    rows = await one(
        Event.annotate(tournament_name=Max("tournament__name"), siblings=Count("tournament__events"))
        .order_by("id")
        .values_list("name", "tournament_name", "siblings")
    )
    assert rows == [(name, TOURNAMENTS[t], len(events_of(t))) for name, t, _, _ in EVENTS]
    spring = await one(
        Event.annotate(teams=Count("participants"))
        .filter(tournament__name="Spring")
        .order_by("id")
        .values_list("name", "teams")
    )
    assert spring == [(name, len(teams)) for name, t, _, teams in EVENTS if TOURNAMENTS[t] == "Spring"]


async def test_conditional_aggregates_over_a_relation(data) -> None:
    rows = await one(
        Tournament.annotate(
            big=Sum(Case(When(events__prize__gte=10, then=1), default=0)),
            priced=Count("events", _filter=Q(events__prize__isnull=False)),
            finals=Count("events", _filter=Q(events__name="Final")),
        )
        .order_by("id")
        .values_list("big", "priced", "finals")
    )
    assert rows == [
        (
            sum(1 for p in prizes_of(i) if p >= 10),
            len(prizes_of(i)),
            sum(1 for e in events_of(i) if e[0] == "Final"),
        )
        for i in range(len(TOURNAMENTS))
    ]


# -- HAVING, ordering, counting ------------------------------------------------------------------
async def test_filter_on_an_aggregate_is_having(data) -> None:
    busy = Tournament.annotate(n=Count("events")).filter(n__gt=1)
    assert "HAVING" in busy.sql()
    ids = await one(busy.order_by("id").values_list("id", flat=True))
    assert ids == [t.id for i, t in enumerate(data.tournaments) if len(events_of(i)) > 1]

    mixed = Tournament.annotate(n=Count("events")).filter(n__gte=1).filter(name="Spring").order_by("id")
    assert await one(mixed.values_list("id", flat=True)) == [
        t.id for i, t in enumerate(data.tournaments) if len(events_of(i)) >= 1 and TOURNAMENTS[i] == "Spring"
    ]
    either = Tournament.annotate(n=Count("events")).filter(Q(n=0) | Q(name="Summer")).order_by("id")
    assert await one(either.values_list("name", flat=True)) == [
        name for i, name in enumerate(TOURNAMENTS) if not events_of(i) or name == "Summer"
    ]
    excluded = Tournament.annotate(n=Count("events")).exclude(n__gt=1).order_by("id")
    assert await one(excluded.values_list("id", flat=True)) == [
        t.id for i, t in enumerate(data.tournaments) if not len(events_of(i)) > 1
    ]
    rich = Tournament.annotate(total=Sum("events__prize")).filter(total__gte=10).order_by("id")
    assert [t.id for t in await one(rich)] == [
        t.id for i, t in enumerate(data.tournaments) if sum(prizes_of(i)) >= 10
    ]


async def test_count_and_exists_of_a_having_query(data) -> None:
    busy = Tournament.annotate(n=Count("events")).filter(n__gte=1)
    assert await one(busy.count()) == sum(1 for i in range(len(TOURNAMENTS)) if events_of(i))
    assert await one(busy.exists()) is True
    assert await one(Tournament.annotate(n=Count("events")).filter(n__gt=len(EVENTS)).exists()) is False
    assert await one(Tournament.annotate(n=Count("events")).count()) == len(TOURNAMENTS)


async def test_arithmetic_on_aggregates(data) -> None:
    qs = Tournament.annotate(score=Count("events") * 10 + 1).filter(score__gt=11).order_by("id")
    assert await one(qs.values_list("id", "score")) == [
        (t.id, len(events_of(i)) * 10 + 1)
        for i, t in enumerate(data.tournaments)
        if len(events_of(i)) * 10 + 1 > 11
    ]


async def test_order_by_an_aggregate(data) -> None:
    ordered = await one(Tournament.annotate(n=Count("events")).order_by("-n", "id").values_list("id", "n"))
    expected = sorted(
        ((t.id, len(events_of(i))) for i, t in enumerate(data.tournaments)), key=lambda p: (-p[1], p[0])
    )
    assert ordered == expected


# -- group_by ------------------------------------------------------------------------------------
async def test_group_by_a_related_field(data) -> None:
    rows = await one(
        Event.annotate(n=Count("id"), total=Sum("prize"), top=Max("prize"))
        .group_by("tournament__name")
        .order_by("tournament__name")
        .values("tournament__name", "n", "total", "top")
    )
    by_name: dict[str, list[Decimal | None]] = defaultdict(list)
    for _, tournament, prize, _ in EVENTS:
        by_name[TOURNAMENTS[tournament]].append(prize)
    expected = []
    for name in sorted(by_name):
        prizes = [p for p in by_name[name] if p is not None]
        expected.append(
            {"tournament__name": name, "n": len(by_name[name]), "total": sum(prizes), "top": max(prizes)}
        )
    assert rows == expected
    assert len(rows) < len(set(range(len(TOURNAMENTS))))  # the two Springs were merged


async def test_group_by_two_fields(data) -> None:
    rows = await one(
        Event.annotate(n=Count("id"))
        .group_by("tournament__name", "name")
        .order_by("tournament__name", "name")
        .values_list("tournament__name", "name", "n")
    )
    groups: dict[tuple[str, str], int] = defaultdict(int)
    for name, tournament, _, _ in EVENTS:
        groups[(TOURNAMENTS[tournament], name)] += 1
    assert rows == [(*key, n) for key, n in sorted(groups.items())]
    assert any(n > 1 for n in groups.values())


async def test_group_by_a_column_with_a_many_to_many_aggregate(data) -> None:
    rows = await one(
        Event.annotate(links=Count("participants"))
        .group_by("tournament_id")
        .order_by("-links", "tournament_id")
        .values("tournament_id", "links")
    )
    links: dict[int, int] = defaultdict(int)
    for _, tournament, _, teams in EVENTS:
        links[data.tournaments[tournament].id] += len(teams)
    expected = sorted(
        ({"tournament_id": t, "links": n} for t, n in links.items()),
        key=lambda r: (-r["links"], r["tournament_id"]),
    )
    assert rows == expected


# -- a custom aggregate: a subclass names the SQL function ----------------------------------------
class Mean(Aggregate):
    database_func = "AVG"
    output = fields.FloatField()


async def test_custom_aggregate(data) -> None:
    row = (
        await one(
            Gadget.annotate(
                plain=Mean("stock"),
                rated=Mean("stock", _filter=Q(rating__isnull=False)),
                kinds=Mean("stock", distinct=True),
            ).values("plain", "rated", "kinds")
        )
    )[0]
    stocks = [g["stock"] for g in GADGETS]
    assert row["plain"] == pytest.approx(mean(stocks))
    assert row["rated"] == pytest.approx(mean([g["stock"] for g in GADGETS if g["rating"] is not None]))
    assert row["kinds"] == pytest.approx(mean(sorted(set(stocks))))
    assert isinstance(row["plain"], float)

    having = Tournament.annotate(average=Mean("events__prize")).filter(average__gt=6).order_by("id")
    rows = await one(having.values_list("id", "average"))
    expected = [(t.id, mean(prizes_of(i))) for i, t in enumerate(data.tournaments) if prizes_of(i)]
    assert rows == [(tid, pytest.approx(avg)) for tid, avg in expected if avg is not None and avg > 6]
