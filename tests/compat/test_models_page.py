"""Tortoise's docs page "Models" (docs/models.rst) as tests: its models, with only the package
renamed, and each behaviour the page describes."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from orm import Tortoise
from orm.exceptions import IntegrityError, NoValuesFetched
from tests.compat.models_docs import (
    CascadeChild,
    Event,
    Parent,
    RestrictChild,
    RoleModel,
    SetDefaultChild,
    SetNullChild,
    Team,
    Tournament,
    UserModel,
)
from tests.helpers import orm_session


@pytest.fixture
async def db(backend):
    async with orm_session(backend, ["tests.compat.models_docs"]) as b:
        yield b


async def test_auto_now_add_and_auto_now_work_like_djangos(db) -> None:
    tournament = await Tournament.create(name="Cup")
    event = await Event.create(name="Final", tournament=tournament)
    created, modified = tournament.created, event.modified
    assert created is not None and modified is not None
    await asyncio.sleep(0.01)
    tournament.name = "Cup 2"
    await tournament.save()
    event.name = "Final 2"
    await event.save()
    assert (await Tournament.get(pk=tournament.pk)).created == created  # set once, at creation
    assert (await Event.get(pk=event.pk)).modified > modified  # set again on every save


async def test_an_abstract_model_has_no_table_but_can_be_inherited(db) -> None:
    assert "AbstractTournament" not in Tortoise.apps["models"]
    assert "MyAbstractBaseModel" not in Tortoise.apps["models"]
    assert "abstracttournament" not in Tortoise.get_schema_sql().lower()


async def test_inheritance_example(db) -> None:
    user = await UserModel.create(first_name="Ann")
    assert isinstance(user.id, uuid.UUID)  # the UUID primary key overrides the abstract base's
    assert UserModel._meta.db_table == "user" and RoleModel._meta.db_table == "role"
    assert user.created_at is not None and user.modified_at is not None
    fetched = await UserModel.get(pk=user.pk)  # the reserved ``pk`` alias
    assert (fetched.id, fetched.first_name) == (user.id, "Ann")
    role = await RoleModel.create(name="admin")
    assert isinstance(role.id, int) and role.created_at is not None
    with pytest.raises(IntegrityError):  # NameMixin's name is unique
        await RoleModel.create(name="admin")
    assert set(RoleModel._meta.fields_map) == {"id", "name", "created_at", "modified_at"}


async def test_foreign_key_and_its_db_backing_field(db) -> None:
    the_tournament = await Tournament.create(name="Cup")
    by_object = await Event.create(name="a", tournament=the_tournament)
    by_id = await Event.create(name="b", tournament_id=the_tournament.pk)
    assert by_object.tournament_id == by_id.tournament_id == the_tournament.pk
    assert await Event.filter(tournament__name="Cup", tournament_id__isnull=False).count() == 2
    assert await Event.filter(tournament__id__gt=the_tournament.pk - 1).count() == 2

    tournament = await Tournament.first().prefetch_related("events")
    assert sorted(str(e) for e in tournament.events) == ["a", "b"]


async def test_fetching_the_related_objects_async_and_sync(db) -> None:
    tournament = await Tournament.create(name="Cup")
    for name in ("a", "b"):
        await Event.create(name=name, tournament=tournament)
    assert sorted(str(e) for e in await tournament.events.all()) == ["a", "b"]
    assert sorted([str(event) async for event in tournament.events]) == ["a", "b"]

    fresh = await Tournament.get(pk=tournament.pk)
    with pytest.raises(NoValuesFetched):
        len(fresh.events)
    await fresh.fetch_related("events")
    events = list(fresh.events)
    assert len(fresh.events) == 2 and events[0] in fresh.events and bool(fresh.events)
    assert fresh.events[0] == events[0]

    event = await Event.get(name="a")
    await event.fetch_related("tournament")
    assert event.tournament.name == "Cup"


async def test_many_to_many_example(db) -> None:
    tournament = await Tournament.create(name="Cup")
    event = await Event.create(name="Final", tournament=tournament)
    teams = [await Team.create(name=f"Team {i}") for i in (1, 2)]
    await event.participants.add(*teams)
    assert sorted(str(t) for t in await event.participants.all()) == ["Team 1", "Team 2"]
    assert sorted([str(t) async for t in event.participants]) == ["Team 1", "Team 2"]
    await event.fetch_related("participants")
    assert len(event.participants) == 2
    assert [str(e) for e in await teams[0].events.all()] == ["Final"]


async def test_on_delete_choices(db) -> None:
    first, second = await Parent.create(id=1), await Parent.create(id=2)
    await CascadeChild.create(parent=second)
    await SetNullChild.create(parent=second)
    await SetDefaultChild.create(parent=second)
    restricted = await RestrictChild.create(parent=second)
    with pytest.raises(IntegrityError):  # RESTRICT: "will raise a tortoise.exceptions.IntegrityError"
        await second.delete()
    await restricted.delete()
    await second.delete()
    assert await CascadeChild.all().count() == 0
    assert await SetNullChild.all().values_list("parent_id", flat=True) == [None]
    assert await SetDefaultChild.all().values_list("parent_id", flat=True) == [first.id]
