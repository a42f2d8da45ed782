"""Type expectations of the public API, checked by mypy (see test_types.py); never imported at run time."""

from __future__ import annotations

from typing import Any

from typing_extensions import assert_type

from orm import fields
from orm.models import Model
from orm.queryset import QuerySet


class Tournament(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=255)
    events: fields.ReverseRelation[Event]


class Event(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=255)
    tournament: fields.ForeignKeyRelation[Tournament] = fields.ForeignKeyField(
        "models.Tournament", related_name="events"
    )
    participants: fields.ManyToManyRelation[Team] = fields.ManyToManyField("models.Team", related_name="events")


class Team(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=255)


async def columns_and_values(t: Tournament) -> None:
    assert_type(Tournament.name, fields.CharField)  # on the class: the field
    assert_type(t.name, str)  # on an instance: its value
    assert_type(t.id, int)


async def queries() -> None:
    assert_type(Tournament.filter(name="x"), QuerySet[Tournament])
    assert_type(await Tournament.filter(name="x").order_by("-id").limit(3), list[Tournament])
    assert_type(await Tournament.get(id=1), Tournament)
    assert_type(await Tournament.get_or_none(id=1), Tournament | None)
    assert_type(await Tournament.first(), Tournament | None)
    assert_type(await Tournament.create(name="x"), Tournament)
    assert_type(await Tournament.get_or_create(name="x"), tuple[Tournament, bool])
    assert_type(await Tournament.all().count(), int)
    assert_type(await Tournament.exists(name="x"), bool)
    assert_type(await Tournament.filter(id=1).update(name="y"), int)
    assert_type(await Tournament.filter(id=1).delete(), int)
    assert_type(await Tournament.all().values("name"), list[dict[str, Any]])
    assert_type(await Tournament.bulk_create([Tournament(name="a")]), list[Tournament])


async def relations(e: Event, t: Tournament) -> None:
    assert_type(e.tournament, Tournament)
    assert_type(await t.events, list[Event])
    assert_type(await t.events.filter(name="x"), list[Event])
    assert_type(await e.participants, list[Team])
    async for team in e.participants:
        assert_type(team, Team)
