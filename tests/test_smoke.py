"""The seed's walk-through, step by step, as tests."""

from __future__ import annotations

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
