"""prefetch_related, Prefetch, fetch_related, fetch_for_list and select_related.

Prefetching issues one query per relation level, never one per row: the
statements sent to the database are counted, and the count must not grow with
the number of rows. select_related must be one JOINed statement.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from orm.exceptions import FieldError, NoValuesFetched, ParamsError
from orm.query_utils import Prefetch
from orm.relations import RelatedObjectQuery
from tests.helpers import Backend
from tests.models import Event, Team, Tournament
from tests.models_relations import Cup, Match, Organizer, Player
from tests.relations_support import CUPS, MATCHES, PLAYERS, League, make_league, relations_session, statements


@pytest.fixture
async def db(backend: Backend) -> AsyncIterator[Backend]:
    async with relations_session(backend) as active:
        yield active


@pytest.fixture
async def league(db: Backend) -> League:
    return await make_league()


def expected_players(league: League) -> dict[str, set[str]]:
    return {match: league.players_of(match) for match in league.matches}


async def add_matches(cup: Cup, count: int, players: list[Player]) -> None:
    for number in range(count):
        match = await Match.create(name=f"extra{number}", cup=cup)
        await match.players.add(*players[: number % len(players) + 1])


# -- prefetch_related ---------------------------------------------------------------------------------
async def test_prefetch_forward_and_m2m(league: League) -> None:
    with statements() as seen:
        matches = await Match.all().prefetch_related("players", "cup")
        assert {m.name: {p.name for p in m.players} for m in matches} == expected_players(league)
        assert {m.name: m.cup.name for m in matches} == {m: league.cup_of(m) for m in league.matches}
    assert len(seen) == 3  # matches, their players, their cups


async def test_prefetch_issues_one_query_per_level_whatever_the_row_count(league: League) -> None:
    async def count_for_all() -> int:
        with statements() as seen:
            matches = await Match.all().prefetch_related("players", "cup__organizer")
            for match in matches:  # everything is loaded: reading sends nothing
                list(match.players)
                _ = match.cup.organizer
        assert all(sql.lstrip().upper().startswith("SELECT") for sql in seen)
        return len(seen)

    before = await count_for_all()
    await add_matches(league.cups["Coral"], 25, league.players)
    await add_matches(league.cups["Dune"], 5, league.players)
    assert await Match.all().count() == len(league.matches) + 30
    assert before == await count_for_all() == 4


async def test_prefetch_three_levels_deep(league: League) -> None:
    with statements() as seen:
        organizers = await Organizer.all().order_by("name").prefetch_related("cups__matches__players")
    assert len(seen) == 4
    found = {
        o.name: {c.name: {m.name: {p.name for p in m.players} for m in c.matches} for c in o.cups}
        for o in organizers
    }
    wanted = {
        name: {cup: {m: league.players_of(m) for m, _, _ in MATCHES[cup]} for cup in cups}
        for name, cups in CUPS.items()
        if name is not None
    }
    assert found == wanted


async def test_prefetch_forward_chain_with_a_null_link(league: League) -> None:
    await Match.create(name="d1", cup=league.cups["Dune"])
    with statements() as seen:
        matches = await Match.all().prefetch_related("cup__organizer")
    assert len(seen) == 3
    organizers = {m.name: m.cup.organizer.name if m.cup.organizer else None for m in matches}
    assert organizers == {**{m: league.organizer_of(league.cup_of(m)) for m in league.matches}, "d1": None}


async def test_prefetch_reverse_m2m_then_forward(league: League) -> None:
    with statements() as seen:
        players = await Player.all().prefetch_related("matches__cup")
    assert len(seen) == 3
    assert {p.name: {(m.name, m.cup.name) for m in p.matches} for p in players} == {
        name: {(m, league.cup_of(m)) for m in league.matches_of_player(name)} for name in PLAYERS
    }


async def test_prefetch_with_a_custom_queryset(league: League) -> None:
    late = Prefetch("matches", queryset=Match.filter(round__gte=2).order_by("-round"))
    cups = await Cup.all().order_by("name").prefetch_related(late)
    assert {c.name: [m.name for m in c.matches] for c in cups} == {
        cup: [m for m, r, _ in sorted(MATCHES[cup], key=lambda x: -x[1]) if r >= 2] for cup in MATCHES
    }


async def test_prefetch_to_attr(league: League) -> None:
    with statements() as seen:
        cups = await Cup.all().prefetch_related(
            Prefetch("matches", queryset=Match.filter(round=1), to_attr="openers"),
            Prefetch("organizer", to_attr="boss"),
        )
    assert len(seen) == 3
    for cup in cups:
        assert sorted(m.name for m in cup.openers) == sorted(m for m, r, _ in MATCHES[cup.name] if r == 1)
        assert (cup.boss.name if cup.boss else None) == league.organizer_of(cup.name)
    alpine = next(c for c in cups if c.name == "Alpine")
    with pytest.raises(NoValuesFetched, match="not fetched"):
        len(alpine.matches)  # to_attr leaves the manager alone


async def test_prefetch_to_attr_on_many_to_many_both_ways(league: League) -> None:
    with statements() as seen:
        matches = await Match.all().prefetch_related(
            Prefetch("players", queryset=Player.filter(name__in=["Pia", "Rex"]).order_by("-name"), to_attr="picked")
        )
        players = await Player.all().prefetch_related(
            Prefetch("matches", queryset=Match.filter(round__gte=2), to_attr="late")
        )
    assert len(seen) == 4  # each queryset, then one query for its relation
    assert {m.name: [p.name for p in m.picked] for m in matches} == {
        m: sorted(league.players_of(m) & {"Pia", "Rex"}, reverse=True) for m in league.matches
    }
    rounds = {m: r for cup in MATCHES.values() for m, r, _ in cup}
    assert {p.name: sorted(m.name for m in p.late) for p in players} == {
        name: sorted(m for m in league.matches_of_player(name) if rounds[m] >= 2) for name in PLAYERS
    }
    with pytest.raises(NoValuesFetched):
        len(matches[0].players)  # to_attr leaves the manager unfetched


async def test_prefetch_below_a_custom_queryset(league: League) -> None:
    cups = await Cup.filter(name="Alpine").prefetch_related(
        Prefetch("matches", queryset=Match.filter(round__lte=2)), "matches__players"
    )
    assert {m.name: {p.name for p in m.players} for m in cups[0].matches} == {
        "a1": league.players_of("a1"),
        "a2": league.players_of("a2"),
    }


async def test_prefetch_of_the_shared_models(db: Backend) -> None:
    tournament = await Tournament.create(name="Cup")
    other = await Tournament.create(name="Plate")
    ants, bees = await Team.create(name="Ants"), await Team.create(name="Bees")
    final = await Event.create(name="Final", tournament=tournament)
    semi = await Event.create(name="Semi", tournament=other)
    await final.participants.add(ants, bees)
    await semi.participants.add(bees)
    with statements() as seen:
        teams = await Team.all().order_by("name").prefetch_related("events__tournament")
    assert len(seen) == 3
    assert [(t.name, sorted((e.name, e.tournament.name) for e in t.events)) for t in teams] == [
        ("Ants", [("Final", "Cup")]),
        ("Bees", [("Final", "Cup"), ("Semi", "Plate")]),
    ]
    event = await Event.get(name="Final").prefetch_related("participants", "tournament")
    assert sorted(t.name for t in event.participants) == ["Ants", "Bees"] and event.tournament.name == "Cup"


async def test_prefetch_on_single_results_and_streams(league: League) -> None:
    cup = await Cup.get(name="Coral").prefetch_related("matches")
    assert sorted(m.name for m in cup.matches) == ["c1", "c2"]
    first = await Cup.all().order_by("name").prefetch_related("organizer").first()
    assert first is not None and first.organizer.name == "Ada"
    streamed = {c.name: len(c.matches) async for c in Cup.all().prefetch_related("matches")}
    assert streamed == {cup: len(matches) for cup, matches in MATCHES.items()}
    assert await Cup.filter(name="nothing").prefetch_related("matches") == []


async def test_prefetch_errors(league: League) -> None:
    with pytest.raises(FieldError, match=r"Cup\.name is not a relation"):
        await Cup.all().prefetch_related("name")
    with pytest.raises(FieldError, match="nme"):
        Cup.all().prefetch_related("nme")
    with pytest.raises(ParamsError, match=r"needs a queryset of Match, not of Player"):
        await Cup.all().prefetch_related(Prefetch("matches", queryset=Player.all()))
    with pytest.raises(ParamsError, match="relation names or Prefetch"):
        await Cup.all().prefetch_related(42)


# -- fetch_related, fetch_for_list ----------------------------------------------------------------------
async def test_fetch_related_on_an_instance(league: League) -> None:
    cup = await Cup.get(name="Alpine")
    with statements() as seen:
        await cup.fetch_related("matches__players", "organizer")
    assert len(seen) == 3
    assert cup.organizer.name == "Ada"
    assert {m.name: {p.name for p in m.players} for m in cup.matches} == {
        m: league.players_of(m) for m in ("a1", "a2", "a3")
    }
    await cup.fetch_related(Prefetch("matches", queryset=Match.filter(round=3), to_attr="finals"))
    assert [m.name for m in cup.finals] == ["a3"]


async def test_fetch_for_list(league: League) -> None:
    matches = await Match.all()
    assert all(isinstance(m.cup, RelatedObjectQuery) for m in matches)
    with statements() as seen:
        await Match.fetch_for_list(matches, "cup__organizer", "players")
    assert len(seen) == 3
    assert {m.name: {p.name for p in m.players} for m in matches} == expected_players(league)
    assert {m.name: m.cup.organizer.name for m in matches} == {
        m: league.organizer_of(league.cup_of(m)) for m in league.matches
    }
    with statements() as seen:
        await Match.fetch_for_list([], "players")
    assert seen == []


# -- select_related -------------------------------------------------------------------------------------
async def test_select_related_is_one_joined_query(league: League) -> None:
    await Match.create(name="d1", cup=league.cups["Dune"])  # its cup has no organizer
    with statements() as seen:
        matches = await Match.all().select_related("cup", "cup__organizer")
        got = {m.name: (m.cup.name, m.cup.organizer.name if m.cup.organizer else None) for m in matches}
    assert len(seen) == 1 and "JOIN" in seen[0].upper()
    assert got == {
        **{m: (league.cup_of(m), league.organizer_of(league.cup_of(m))) for m in league.matches},
        "d1": ("Dune", None),
    }


async def test_select_related_deep_path_alone_fills_the_chain(league: League) -> None:
    with statements() as seen:
        matches = await Match.all().select_related("cup__organizer")
        got = {m.name: (m.cup.name, m.cup.organizer.name) for m in matches}
    assert len(seen) == 1
    assert got == {m: (league.cup_of(m), league.organizer_of(league.cup_of(m))) for m in league.matches}


async def test_select_related_nullable_fk(league: League) -> None:
    with statements() as seen:
        cups = await Cup.all().order_by("name").select_related("organizer")
    assert len(seen) == 1
    assert [(c.name, c.organizer.name if c.organizer else None) for c in cups] == [
        ("Alpine", "Ada"),
        ("Baltic", "Ada"),
        ("Coral", "Bob"),
        ("Dune", None),
    ]
    dune = next(c for c in cups if c.name == "Dune")
    assert dune.organizer is None  # a plain None (as in Tortoise, not awaitable)


async def test_select_related_with_filters_and_ordering_on_the_relation(league: League) -> None:
    with statements() as seen:
        matches = await (
            Match.filter(cup__organizer__name="Ada").select_related("cup__organizer").order_by("cup__name", "name")
        )
    assert len(seen) == 1
    assert [(m.name, m.cup.name, m.cup.organizer.name) for m in matches] == [
        ("a1", "Alpine", "Ada"),
        ("a2", "Alpine", "Ada"),
        ("a3", "Alpine", "Ada"),
        ("b1", "Baltic", "Ada"),
    ]
    single = await Match.get(name="c1").select_related("cup")
    assert single.cup.name == "Coral"
    streamed = [m.cup.name async for m in Match.filter(name="b1").select_related("cup")]
    assert streamed == ["Baltic"]


async def test_select_related_and_prefetch_together(league: League) -> None:
    with statements() as seen:
        matches = await Match.filter(cup__name="Coral").select_related("cup").prefetch_related("players")
    assert len(seen) == 2
    assert {m.name: (m.cup.name, {p.name for p in m.players}) for m in matches} == {
        "c1": ("Coral", league.players_of("c1")),
        "c2": ("Coral", league.players_of("c2")),
    }


async def test_select_related_refuses_many_relations(league: League) -> None:
    with pytest.raises(FieldError, match=r"Cup\.matches is not a foreign key or one-to-one"):
        await Cup.all().select_related("matches")
    with pytest.raises(FieldError, match=r"Match\.players is not a foreign key or one-to-one"):
        await Match.all().select_related("players")
    with pytest.raises(FieldError, match="nope"):
        Match.all().select_related("nope")
