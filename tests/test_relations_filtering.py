"""Filtering, excluding, ordering, values() and writes across relations, in every direction.

Expected rows are computed in Python from the seed data (tests/relations_support.py).

``exclude()`` across a multi-valued relation (reverse foreign key, many-to-many)
follows Tortoise: the condition is negated on each joined row, so
``Cup.exclude(matches__name="a1")`` keeps a cup that has *some other* match
(once per such match, unless ``.distinct()``), and keeps a cup with no match at
all (its joined columns are NULL: kept, as every negation here keeps NULL rows,
where Tortoise's SQL would drop it). "Cups with no match named a1" is written
with a subquery: ``Cup.exclude(id__in=Match.filter(name="a1").values("cup_id"))``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator

import pytest

from orm.exceptions import FieldError
from orm.expressions import Q
from tests.helpers import Backend
from tests.models import Event, Team, Tournament
from tests.models_relations import Cup, Match, Organizer, Player
from tests.relations_support import CUPS, MATCHES, PLAYERS, League, make_league, relations_session


@pytest.fixture
async def db(backend: Backend) -> AsyncIterator[Backend]:
    async with relations_session(backend) as active:
        yield active


@pytest.fixture
async def league(db: Backend) -> League:
    return await make_league()


def links() -> list[tuple[str, str, str]]:
    """(cup, match, player) for every player of every match."""
    return [(cup, m, PLAYERS[i]) for cup, matches in MATCHES.items() for m, _, ix in matches for i in ix]


def cup_matches() -> list[tuple[str, str | None, int | None]]:
    """(cup, match, round) for each match, and (cup, None, None) for a cup without matches."""
    rows: list[tuple[str, str | None, int | None]] = []
    for cup, matches in MATCHES.items():
        rows += [(cup, m, r) for m, r, _ in matches] or [(cup, None, None)]
    return rows


async def names_of(qs: object) -> list[str]:
    return sorted(await qs.values_list("name", flat=True))  # type: ignore[attr-defined]


# -- forward ------------------------------------------------------------------------------------------
async def test_filter_on_forward_relations(league: League) -> None:
    assert await names_of(Match.filter(cup__name="Alpine")) == ["a1", "a2", "a3"]
    assert await names_of(Match.filter(cup=league.cups["Coral"])) == ["c1", "c2"]
    assert await names_of(Match.filter(cup_id=league.cups["Baltic"].id)) == ["b1"]
    assert await names_of(Match.filter(cup__in=[league.cups["Baltic"], league.cups["Coral"]])) == ["b1", "c1", "c2"]
    assert await names_of(Match.filter(cup__organizer__name="Ada")) == ["a1", "a2", "a3", "b1"]
    assert await names_of(Match.filter(cup__organizer=league.organizers["Bob"])) == ["c1", "c2"]
    assert await names_of(Cup.filter(organizer__isnull=True)) == ["Dune"]
    assert await names_of(Cup.filter(organizer=None)) == ["Dune"]
    assert await names_of(Cup.filter(organizer__name__startswith="B")) == ["Coral"]
    assert await names_of(Match.filter(cup__name__in=["Baltic", "Dune"])) == ["b1"]


async def test_filter_on_reverse_foreign_keys(league: League) -> None:
    assert await names_of(Cup.filter(matches__name__in=["a2", "b1"])) == ["Alpine", "Baltic"]
    assert await names_of(Cup.filter(matches=league.matches["c1"])) == ["Coral"]
    assert await names_of(Cup.filter(matches__in=[league.matches["a1"], league.matches["c2"]])) == ["Alpine", "Coral"]
    assert await names_of(Cup.filter(matches__isnull=True)) == ["Dune"]
    assert await names_of(Cup.filter(matches__isnull=False).distinct()) == ["Alpine", "Baltic", "Coral"]
    assert await names_of(Organizer.filter(cups__matches__round=2).distinct()) == ["Ada", "Bob"]
    assert await names_of(Organizer.filter(cups__isnull=True)) == ["Cyd"]


async def test_filter_on_many_to_many_both_ways(league: League) -> None:
    pia, _, _, sam, tia = league.players
    assert await names_of(Match.filter(players=pia)) == sorted(league.matches_of_player("Pia"))
    assert await names_of(Match.filter(players__name="Sam")) == sorted(league.matches_of_player("Sam"))
    either = league.matches_of_player("Pia") | league.matches_of_player("Sam")
    assert await names_of(Match.filter(players__in=[pia, sam]).distinct()) == sorted(either)
    assert await names_of(Match.filter(players__isnull=True)) == ["a3"]
    assert await names_of(Player.filter(matches__isnull=True)) == ["Tia"]
    assert await names_of(Player.filter(matches=league.matches["a2"])) == sorted(league.players_of("a2"))
    assert await names_of(Player.filter(matches__name__in=["a1", "b1"]).distinct()) == ["Pia", "Quin", "Sam"]
    in_coral = sorted({p for cup, _, p in links() if cup == "Coral"})
    assert await names_of(Player.filter(matches__cup__name="Coral").distinct()) == in_coral
    bobs = sorted({p for cup, _, p in links() if CUPS["Bob"].count(cup)})
    assert await names_of(Player.filter(matches__cup__organizer__name="Bob").distinct()) == bobs
    assert await Match.filter(players=tia).count() == 0


async def test_joins_duplicate_rows_until_distinct(league: League) -> None:
    rows = Cup.filter(matches__round__gte=1)
    expected = Counter(cup for cup, m, _ in cup_matches() if m is not None)
    assert Counter(await rows.values_list("name", flat=True)) == expected
    assert await rows.count() == sum(expected.values())
    assert await rows.distinct().count() == len(expected)
    assert sorted(c.name for c in await rows.distinct()) == sorted(expected)
    per_link = Counter(p for _, _, p in links())
    assert Counter(await Player.filter(matches__round__gte=1).values_list("name", flat=True)) == per_link


async def test_q_objects_across_relations(league: League) -> None:
    q = Q(cup__name="Baltic") | Q(players__name="Rex")
    expected = {"b1"} | league.matches_of_player("Rex")
    assert await names_of(Match.filter(q).distinct()) == sorted(expected)
    both = Q(cup__organizer__name="Ada") & Q(players__name="Quin")
    assert await names_of(Match.filter(both)) == sorted({"a1", "a2"} & league.matches_of_player("Quin"))


# -- exclude across relations ---------------------------------------------------------------------------
async def test_exclude_forward_relation(league: League) -> None:
    assert await names_of(Match.exclude(cup__name="Alpine")) == ["b1", "c1", "c2"]
    # a cup without organizer has NULL there: kept by the negation
    assert await names_of(Cup.exclude(organizer__name="Ada")) == ["Coral", "Dune"]


async def test_exclude_across_a_reverse_fk_negates_each_joined_row(league: League) -> None:
    found = Counter(await Cup.exclude(matches__name="a1").values_list("name", flat=True))
    expected = Counter(cup for cup, match, _ in cup_matches() if match != "a1")
    assert found == expected
    assert found["Alpine"] == 2  # Alpine has a1, but also a2 and a3: kept once per other match
    assert found["Dune"] == 1  # no match at all: kept
    assert await names_of(Cup.exclude(matches__name="a1").distinct()) == ["Alpine", "Baltic", "Coral", "Dune"]
    # a cup whose every match has the name is gone
    assert await names_of(Cup.exclude(matches__name="b1").distinct()) == ["Alpine", "Coral", "Dune"]


async def test_exclude_across_many_to_many_negates_each_joined_row(league: League) -> None:
    found = await names_of(Match.exclude(players__name="Pia").distinct())
    kept = {m for _, m, p in links() if p != "Pia"} | {"a3"}  # another player, or none
    assert found == sorted(kept)
    assert "a1" in found  # a1 has Pia, and also Quin


async def test_without_any_related_row_is_a_subquery(league: League) -> None:
    without_a1 = Cup.exclude(id__in=Match.filter(name="a1").values("cup_id"))
    assert await names_of(without_a1) == ["Baltic", "Coral", "Dune"]
    pia_matches = Match.filter(players__name="Pia").values("id")
    assert await names_of(Match.exclude(id__in=pia_matches)) == sorted(
        set(league.matches) - league.matches_of_player("Pia")
    )


# -- ordering and values ----------------------------------------------------------------------------------
async def test_order_by_across_relations(league: League) -> None:
    ordered = await Match.all().order_by("cup__name", "-round").values_list("name", flat=True)
    by_cup = sorted(((cup, -r, m) for cup, m, r in cup_matches() if m is not None))
    assert ordered == [m for _, _, m in by_cup]
    cups = await Cup.filter(organizer__isnull=False).order_by("-organizer__name", "name")
    assert [c.name for c in cups] == ["Coral", "Alpine", "Baltic"]
    players = await Player.filter(matches__cup__name="Alpine").order_by("-matches__round", "name")
    assert [p.name for p in players] == ["Quin", "Rex", "Pia", "Quin"]  # one row per link


async def test_values_across_relations(league: League) -> None:
    rows = await Match.filter(cup__organizer__isnull=False).values(
        "name", "cup__name", organizer="cup__organizer__name"
    )
    assert sorted((r["name"], r["cup__name"], r["organizer"]) for r in rows) == sorted(
        (m, league.cup_of(m), league.organizer_of(league.cup_of(m))) for m in league.matches
    )
    reverse = await Cup.all().values_list("name", "matches__name")
    assert sorted(reverse, key=str) == sorted(((c, m) for c, m, _ in cup_matches()), key=str)
    m2m = await Match.filter(cup__name="Alpine").values_list("name", "players__name")
    assert sorted(m2m, key=str) == sorted(
        [(m, p) for cup, m, p in links() if cup == "Alpine"] + [("a3", None)], key=str
    )
    back = await Player.filter(name="Tia").values("name", "matches__cup__name")
    assert back == [{"name": "Tia", "matches__cup__name": None}]


async def test_values_of_a_relation_name_gives_its_key(league: League) -> None:
    rows = await Match.filter(name="b1").values("cup", "cup_id")
    assert rows == [{"cup": league.cups["Baltic"].id, "cup_id": league.cups["Baltic"].id}]
    ids = await Cup.filter(name="Coral").values_list("matches", flat=True)
    assert sorted(ids) == sorted(league.matches[m].id for m in ("c1", "c2"))


# -- writes filtered across relations ------------------------------------------------------------------------
async def test_update_and_delete_filtered_across_relations(league: League) -> None:
    assert await Match.filter(cup__organizer__name="Bob").update(round=9) == 2
    assert await names_of(Match.filter(round=9)) == ["c1", "c2"]
    pia_matches = league.matches_of_player("Pia")
    deleted = await Match.filter(players__name="Pia").delete()
    assert deleted == len(pia_matches)
    assert await names_of(Match.all()) == sorted(set(league.matches) - pia_matches)
    assert await Cup.filter(matches__isnull=True).count() == sum(
        1 for cup, matches in MATCHES.items() if not {m for m, _, _ in matches} - pia_matches
    )


async def test_unknown_names_across_relations(league: League) -> None:
    with pytest.raises(FieldError, match=r"Cup has no field or lookup 'nme'; did you mean 'name'"):
        await Match.filter(cup__nme="x")
    with pytest.raises(FieldError, match=r"Player has no field or lookup 'age'"):
        await Match.filter(players__age=3)
    with pytest.raises(FieldError, match="'nope'"):
        await Cup.all().order_by("matches__nope")


async def test_the_issue_examples_on_the_shared_models(db: Backend) -> None:
    spring, winter = await Tournament.create(name="Spring"), await Tournament.create(name="Winter")
    final = await Event.create(name="Final", tournament=spring)
    await Event.create(name="Semi", tournament=spring)
    heat = await Event.create(name="Heat", tournament=winter)
    ants, bees = await Team.create(name="Ants"), await Team.create(name="Bees")
    await final.participants.add(ants, bees)
    await heat.participants.add(bees)
    assert await names_of(Tournament.filter(events__name__in=["Final", "Heat"])) == ["Spring", "Winter"]
    assert await names_of(Event.filter(participants=ants)) == ["Final"]
    assert await names_of(Event.filter(participants__name="Bees")) == ["Final", "Heat"]
    assert await names_of(Event.filter(tournament__name="Spring")) == ["Final", "Semi"]
    assert await names_of(Team.filter(events__tournament__name="Winter")) == ["Bees"]
    assert await names_of(Tournament.filter(events__participants__name="Bees").distinct()) == ["Spring", "Winter"]
    assert await names_of(Event.filter(participants__isnull=True)) == ["Semi"]
    assert await names_of(Tournament.exclude(events__name="Final").distinct()) == ["Spring", "Winter"]
    assert await names_of(Tournament.exclude(events__name="Heat").distinct()) == ["Spring"]
    rows = await Event.all().order_by("name", "participants__name").values(
        "name", "tournament__name", team="participants__name"
    )
    assert rows == [
        {"name": "Final", "tournament__name": "Spring", "team": "Ants"},
        {"name": "Final", "tournament__name": "Spring", "team": "Bees"},
        {"name": "Heat", "tournament__name": "Winter", "team": "Bees"},
        {"name": "Semi", "tournament__name": "Spring", "team": None},
    ]


# -- distinct rows ordered by a related row's column ---------------------------------------------------
async def test_distinct_ordered_by_a_related_column_keeps_rows_distinct(league: League) -> None:
    """Each cup once, ordered by its greatest (descending) or least (ascending) player name,
    on every database (PostgreSQL refuses DISTINCT ordered by a column it does not select)."""
    names: dict[str, list[str]] = {}
    for cup, _, player in links():
        names.setdefault(cup, []).append(player)
    played = Cup.filter(matches__players__isnull=False)
    descending = await played.order_by("-matches__players__name", "name").distinct()
    assert [c.name for c in descending] == sorted(sorted(names), key=lambda c: max(names[c]), reverse=True)
    ascending = await played.order_by("matches__players__name", "name").distinct()
    assert [c.name for c in ascending] == sorted(sorted(names), key=lambda c: min(names[c]))
    assert await played.order_by("-matches__players__name").distinct().count() == len(names)
