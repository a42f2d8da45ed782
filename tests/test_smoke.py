"""The seed's walk-through (../shared/acceptance/getting_started.py), step by step, as tests."""

from __future__ import annotations

import pytest

from tests.models import Event, Team, Tournament


async def test_create_and_fetch(db) -> None:
    tournament = Tournament(name="New Tournament")
    await tournament.save()
    assert tournament.pk is not None
    event = await Event.create(name="Test", tournament=tournament)
    fetched = await Event.get(id=event.id)
    assert fetched.name == "Test"
    assert fetched.tournament_id == tournament.id
    assert str(await fetched.tournament) == "New Tournament"


async def test_teams_created_in_a_loop(db) -> None:
    teams = [await Team.create(name=f"Team {i + 1}") for i in range(2)]
    assert [t.name for t in await Team.all().order_by("id")] == ["Team 1", "Team 2"]
    assert [t.id for t in teams] == sorted(t.id for t in teams)


@pytest.fixture
async def walk_through(db) -> tuple[Event, list[Team]]:
    """The page's data: a tournament, an event without participants, "Test" with two teams."""
    tournament = await Tournament.create(name="New Tournament")
    await Event.create(name="Without participants", tournament=tournament)
    event = await Event.create(name="Test", tournament=tournament)
    participants = [await Team.create(name=f"Team {i + 1}") for i in range(2)]
    await event.participants.add(*participants)
    return event, participants


async def test_participants_added_then_iterated(walk_through) -> None:
    event, _ = walk_through
    assert [team.name async for team in event.participants] == ["Team 1", "Team 2"]
    assert [team.name for team in event.participants] == ["Team 1", "Team 2"]  # fetched by the async for


async def test_filter_by_participant_with_prefetch(walk_through) -> None:
    _, participants = walk_through

    selected = await Event.filter(participants=participants[0].id).prefetch_related("participants", "tournament")
    assert [e.name for e in selected] == ["Test"]
    assert selected[0].tournament.name == "New Tournament"
    assert sorted(t.name for t in selected[0].participants) == ["Team 1", "Team 2"]

    teams = await Team.all().prefetch_related("events__tournament")
    assert len(teams) == 2
    assert [[ev.tournament.name for ev in t.events] for t in teams] == [["New Tournament"]] * 2

    found = await Tournament.filter(events__name__in=["Test", "Prod"]).distinct()
    assert [str(t) for t in found] == ["New Tournament"]
    assert await Tournament.filter(events__name__in=["Prod"]).count() == 0
