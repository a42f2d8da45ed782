"""Reverse foreign-key and many-to-many managers: ``await cup.matches``, ``.filter()``,
``async for``, plain iteration after a fetch (``NoValuesFetched`` before), and
``add`` / ``remove`` / ``clear`` on both sides of a many-to-many relation."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from orm.exceptions import NoValuesFetched, OperationalError, ValidationError
from orm.relations import ManyToManyRelation, ReverseRelation
from tests.helpers import Backend
from tests.models import Event, Team, Tournament
from tests.models_relations import Cup, Match, Player
from tests.relations_support import League, make_league, relations_session, statements


@pytest.fixture
async def db(backend: Backend) -> AsyncIterator[Backend]:
    async with relations_session(backend) as active:
        yield active


@pytest.fixture
async def league(db: Backend) -> League:
    return await make_league()


def names(objects: object) -> list[str]:
    return sorted(o.name for o in objects)  # type: ignore[attr-defined]


# -- reverse foreign keys -------------------------------------------------------------------------
async def test_await_reverse_manager(league: League) -> None:
    cup = await Cup.get(name="Alpine")
    assert isinstance(cup.matches, ReverseRelation)
    assert names(await cup.matches) == ["a1", "a2", "a3"]
    assert names(cup.matches) == ["a1", "a2", "a3"]  # fetched now: plain iteration
    assert await (await Cup.get(name="Dune")).matches == []


async def test_reverse_manager_querysets(league: League) -> None:
    cup = league.cups["Alpine"]
    assert names(await cup.matches.all()) == ["a1", "a2", "a3"]
    assert names(await cup.matches.filter(round__gte=2)) == ["a2", "a3"]
    assert names(await cup.matches.exclude(name="a1")) == ["a2", "a3"]
    ordered = cup.matches.order_by("-round")
    assert [m.name for m in await ordered] == ["a3", "a2", "a1"]
    assert [m.name for m in await cup.matches.order_by("round").limit(2)] == ["a1", "a2"]
    assert [m.name for m in await cup.matches.order_by("round").offset(1)] == ["a2", "a3"]
    assert [m.name for m in await cup.matches.limit(1).order_by("-name")] == ["a3"]
    assert await cup.matches.count() == 3
    assert await cup.matches.filter(name="a2").values_list("round", flat=True) == [2]
    assert await cup.matches.order_by("name").values("name") == [{"name": n} for n in ("a1", "a2", "a3")]
    # the manager's queries are only about this cup
    assert await league.cups["Baltic"].matches.filter(name__startswith="a").count() == 0


async def test_reverse_manager_async_for(league: League) -> None:
    cup = await Cup.get(name="Coral")
    seen = [m.name async for m in cup.matches]
    assert sorted(seen) == ["c1", "c2"]
    assert len(cup.matches) == 2  # async for filled it
    ordered = [m.name async for m in cup.matches.order_by("-name")]
    assert ordered == ["c2", "c1"]


async def test_reverse_manager_before_and_after_fetch(league: League) -> None:
    cup = await Cup.get(name="Alpine")
    for use in (list, len, bool, lambda r: r[0], lambda r: league.matches["a1"] in r):
        with pytest.raises(NoValuesFetched, match=r"Cup\.matches is not fetched: `await` it"):
            use(cup.matches)
    assert "not fetched" in repr(cup.matches)
    await cup.fetch_related("matches")
    assert len(cup.matches) == 3 and bool(cup.matches)
    assert league.matches["a2"] in cup.matches and league.matches["b1"] not in cup.matches
    assert cup.matches[0] in cup.matches
    assert "3 fetched" in repr(cup.matches)
    assert names(cup.matches) == ["a1", "a2", "a3"]
    empty = await Cup.get(name="Dune")
    await empty.fetch_related("matches")
    assert len(empty.matches) == 0 and not empty.matches and list(empty.matches) == []


async def test_reverse_manager_is_one_per_instance(league: League) -> None:
    cup = await Cup.get(name="Alpine")
    assert cup.matches is cup.matches
    await cup.matches
    other = await Cup.get(name="Alpine")
    with pytest.raises(NoValuesFetched):
        len(other.matches)


async def test_reverse_manager_of_unsaved_instance(db: Backend) -> None:
    draft = Cup(name="draft")
    with pytest.raises(OperationalError, match=r"Cup is not saved yet: call \.save\(\)"):
        await draft.matches
    with pytest.raises(OperationalError, match="not saved"):
        draft.matches.filter(name="x")


async def test_reverse_manager_sees_new_rows_on_each_query(league: League) -> None:
    cup = league.cups["Dune"]
    assert await cup.matches.count() == 0
    await Match.create(name="d1", cup=cup)
    assert names(await cup.matches.all()) == ["d1"]


# -- many to many ------------------------------------------------------------------------------------
async def test_m2m_both_directions(league: League) -> None:
    match = await Match.get(name="c2")
    assert isinstance(match.players, ManyToManyRelation)
    assert set(names(await match.players)) == league.players_of("c2")
    for player in league.players:
        fresh = await Player.get(id=player.id)
        assert set(names(await fresh.matches)) == league.matches_of_player(player.name)


async def test_m2m_manager_querysets(league: League) -> None:
    match = league.matches["c2"]
    assert [p.name for p in await match.players.order_by("name")] == ["Pia", "Quin", "Rex", "Sam"]
    assert [p.name for p in await match.players.filter(name__in=["Sam", "Pia", "Tia"]).order_by("-name")] == [
        "Sam",
        "Pia",
    ]
    assert [p.name for p in await match.players.order_by("name").limit(2).offset(1)] == ["Quin", "Rex"]
    assert await match.players.count() == 4
    pia = league.players[0]
    assert names(await pia.matches.filter(cup__name="Alpine")) == ["a1"]
    assert [m async for m in pia.matches.filter(round=2)] == [league.matches["c2"]]


async def test_m2m_add_is_idempotent(league: League) -> None:
    tia = league.players[4]
    match = league.matches["a3"]
    await match.players.add(tia)
    await match.players.add(tia, tia)
    await match.players.add()
    assert names(await match.players) == ["Tia"]
    assert await Player.filter(matches=match).count() == 1  # a join would see a duplicated link
    assert names(await tia.matches) == ["a3"]
    rex = league.players[2]
    await match.players.add(rex, tia)  # one new, one already linked
    assert names(await match.players.all()) == ["Rex", "Tia"]


async def test_m2m_add_from_the_reverse_side(league: League) -> None:
    tia = league.players[4]
    await tia.matches.add(league.matches["a1"], league.matches["b1"])
    assert names(await tia.matches) == ["a1", "b1"]
    assert "Tia" in names(await league.matches["a1"].players)


async def test_m2m_remove_and_clear(league: League) -> None:
    match = league.matches["c2"]
    pia, quin, _, sam, tia = league.players
    await match.players.remove(pia, tia)  # tia was not linked: ignored
    assert names(await match.players) == ["Quin", "Rex", "Sam"]
    await sam.matches.remove(match)
    assert names(await match.players) == ["Quin", "Rex"]
    await match.players.clear()
    assert await match.players == []
    assert names(await quin.matches) == ["a1", "a2"]  # other links are untouched
    await quin.matches.clear()
    assert await quin.matches.count() == 0
    assert names(await league.matches["a1"].players) == ["Pia"]


async def test_m2m_fetched_values(league: League) -> None:
    match = await Match.get(name="a2")
    with pytest.raises(NoValuesFetched, match=r"Match\.players is not fetched"):
        len(match.players)
    await match.fetch_related("players")
    assert len(match.players) == 2 and league.players[1] in match.players
    assert {p.name for p in match.players} == league.players_of("a2")
    assert {match.players[0].name, match.players[1].name} == league.players_of("a2")  # indexing
    with pytest.raises(IndexError):
        match.players[2]


async def test_m2m_wrong_type_and_unsaved(league: League) -> None:
    match = league.matches["a1"]
    cup = league.cups["Alpine"]
    with pytest.raises(ValidationError, match=r"Match\.players links Player instances, not Cup"):
        await match.players.add(cup)  # type: ignore[arg-type]
    with pytest.raises(OperationalError, match=r"call \.save\(\) on <Player> before linking it"):
        await match.players.add(Player(name="draft"))
    with pytest.raises(OperationalError, match="not saved"):
        await Match(name="draft", cup=cup).players.add(league.players[0])
    assert names(await match.players) == ["Pia", "Quin"]


async def test_m2m_add_inserts_the_missing_links_in_one_statement(league: League) -> None:
    match = league.matches["a3"]
    with statements() as seen:
        await match.players.add(league.players[0], league.players[1], league.players[2])
    inserts = [sql for sql in seen if sql.lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 1  # one INSERT for every missing link
    assert names(await match.players) == ["Pia", "Quin", "Rex"]


async def test_shared_models_m2m(db: Backend) -> None:
    tournament = await Tournament.create(name="T")
    final = await Event.create(name="Final", tournament=tournament)
    semi = await Event.create(name="Semi", tournament=tournament)
    ants, bees = await Team.create(name="Ants"), await Team.create(name="Bees")
    await final.participants.add(ants, bees)
    await bees.events.add(semi)
    assert names(await final.participants) == ["Ants", "Bees"]
    assert names(await bees.events) == ["Final", "Semi"]
    assert names(await ants.events.filter(tournament=tournament)) == ["Final"]
    await final.participants.remove(ants)
    assert names(await ants.events) == []
