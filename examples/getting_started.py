"""Tortoise ORM's Getting Started walk-through, on Shellback's `orm`, narrated.

Run:  python3 dev.py main      (or: python examples/getting_started.py [DB_URL])
"""

from __future__ import annotations

import sys

from orm import Tortoise, fields, run_async
from orm.models import Model


class Tournament(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=255)

    def __str__(self) -> str:
        return self.name


class Event(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=255)
    tournament = fields.ForeignKeyField("models.Tournament", related_name="events")
    participants = fields.ManyToManyField("models.Team", related_name="events", through="event_team")

    def __str__(self) -> str:
        return self.name


class Team(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=255)

    def __str__(self) -> str:
        return self.name


def say(text: str) -> None:
    print(f"-- {text}")


async def main(db_url: str) -> None:
    say(f"Tortoise.init(db_url={db_url!r}) and generate_schemas()")
    await Tortoise.init(db_url=db_url, modules={"models": ["__main__"]})
    await Tortoise.generate_schemas()

    tournament = Tournament(name="New Tournament")
    await tournament.save()
    say(f"saved {tournament!r} named {tournament}")

    await Event.create(name="Without participants", tournament=tournament)
    event = await Event.create(name="Test", tournament=tournament)
    participants = [await Team.create(name=f"Team {i + 1}") for i in range(2)]
    say(f"created {event!r} and teams {participants}")

    await event.participants.add(*participants)
    say("linked the teams to the event: event.participants.add(*participants)")

    names = [team.name async for team in event.participants]
    say(f"async for team in event.participants -> {names}")
    say(f"then plain iteration works: {[team.name for team in event.participants]}")

    selected = await Event.filter(participants=participants[0].id).prefetch_related(
        "participants", "tournament"
    )
    for e in selected:
        say(f"prefetched {e}: tournament={e.tournament}, teams={[t.name for t in e.participants]}")

    teams = await Team.all().prefetch_related("events__tournament")
    for team in teams:
        say(f"{team}: events in {[ev.tournament.name for ev in team.events]}")

    found = await Tournament.filter(events__name__in=["Test", "Prod"]).distinct()
    say(f"tournaments with an event named Test or Prod: {[str(t) for t in found]}")
    say(f"the SQL: {Tournament.filter(events__name__in=['Test', 'Prod']).distinct().sql()}")
    print("getting started: ok")


if __name__ == "__main__":
    run_async(main(sys.argv[1] if len(sys.argv) > 1 else "sqlite://:memory:"))
