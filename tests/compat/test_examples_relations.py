"""Tortoise's relation examples (examples/relations.py, relations_recursive.py,
relations_with_unique.py) and examples/manual_sql.py, run against `orm` with only the package
renamed. The expected values are what the examples print (or follow from the data they create)."""

from __future__ import annotations

import pytest

from orm import connections
from orm.exceptions import IntegrityError, NoValuesFetched
from orm.query_utils import Prefetch
from orm.transactions import in_transaction
from tests.compat.models_relations import Address, Event, Principal, School, Student, Team, Tournament, User
from tests.helpers import orm_session


@pytest.fixture
async def db(backend):
    async with orm_session(backend, ["tests.compat.models_relations"]) as b:
        yield b


# -- examples/relations.py ------------------------------------------------------------------------
async def test_relations_example(db) -> None:
    tournament = Tournament(name="New Tournament")
    await tournament.save()
    await Event(name="Without participants", tournament_id=tournament.id).save()
    event = Event(name="Test", tournament_id=tournament.id)
    await event.save()

    await Address.create(city="Santa Monica", street="Ocean", event=event)

    participants = []
    for i in range(2):
        team = Team(name=f"Team {(i + 1)}")
        await team.save()
        participants.append(team)
    await event.participants.add(participants[0], participants[1])
    await event.participants.add(participants[0], participants[1])
    ids = [team.id for team in participants]

    with pytest.raises(NoValuesFetched):
        for _team in event.participants:
            pass
    assert sorted([team.id async for team in event.participants]) == ids
    assert sorted(team.id for team in event.participants) == ids  # fetched by the async for

    selected = await Event.filter(participants=participants[0].id).prefetch_related("participants", "tournament")
    assert [str(e) for e in selected] == ["Test"]
    assert sorted(str(t) for t in selected[0].participants) == ["Team 1", "Team 2"]
    assert str(selected[0].tournament) == "New Tournament"

    assert await participants[0].fetch_related("events") is None
    assert [str(e) for e in participants[0].events] == ["Test"]
    await Team.fetch_for_list(participants, "events")
    assert [[str(e) for e in t.events] for t in participants] == [["Test"], ["Test"]]

    assert sorted(str(t) for t in await Team.filter(events__tournament__id=tournament.id)) == ["Team 1", "Team 2"]
    assert sorted(str(e) for e in await Event.filter(tournament=tournament)) == ["Test", "Without participants"]
    ordered = Tournament.filter(events__name__in=["Test", "Prod"]).order_by("-events__participants__name").distinct()
    assert [str(t) for t in await ordered] == ["New Tournament"]

    assert await Event.filter(id=event.id).values("id", "name", tournament="tournament__name") == [
        {"id": event.id, "name": "Test", "tournament": "New Tournament"}
    ]
    assert sorted(await Event.filter(id=event.id).values_list("id", "participants__name")) == [
        (event.id, "Team 1"), (event.id, "Team 2"),
    ]
    address = await Address.filter(event=event).first()
    assert str(address) == "Address(Santa Monica, Ocean)" and address.pk == event.id

    event_reload1 = await Event.filter(id=event.id).first()
    assert str(await event_reload1.address) == "Address(Santa Monica, Ocean)"
    event_reload2 = await Event.filter(id=event.id).prefetch_related("address").first()
    assert str(event_reload2.address) == "Address(Santa Monica, Ocean)"

    # on_delete=RESTRICT keeps a tournament that still has events; CASCADE takes the address along
    with pytest.raises(IntegrityError):
        await tournament.delete()
    await event.delete()
    assert await Address.all().count() == 0
    assert await Tournament.all().count() == 1


# -- examples/relations_recursive.py -------------------------------------------------------------------
async def test_relations_recursive_example(db) -> None:
    root = await User.create(name="Root")
    loose = await User.create(name="Loose")
    _1 = await User.create(name="1. First H1 ", parent=root)
    _2 = await User.create(name="2. Second H1", parent=root)
    _1_1 = await User.create(name="1.1. First H2", parent=_1)
    await User.create(name="1.1.1. First H3", parent=_1_1)
    await User.create(name="2.1. Second H2", parent=_2)
    await User.create(name="2.2. Third H2", parent=_2)

    tree = "\n".join([
        "Root",
        "  1. First H1 ",
        "    1.1. First H2",
        "      1.1.1. First H3",
        "  2. Second H1",
        "    2.1. Second H2",
        "    2.2. Third H2",
    ])
    assert await loose.str_tree() == "Loose"
    assert await root.str_tree() == tree
    # evaluated off new objects: the result is identical
    assert await (await User.get(name="Loose")).str_tree() == "Loose"
    assert await (await User.get(name="Root")).str_tree() == tree


# -- examples/relations_with_unique.py -----------------------------------------------------------------
async def test_relations_with_unique_example(db) -> None:
    school1 = await School.create(id=1024, name="School1")
    student1 = await Student.create(name="Sang-Heon Jeon1", school_id=school1.id)

    student_schools = await Student.filter(name="Sang-Heon Jeon1").values("name", "school__name")
    assert student_schools[0] == {"name": "Sang-Heon Jeon1", "school__name": "School1"}

    await Student.create(name="Sang-Heon Jeon2", school=school1)
    school_with_filtered = (
        await School.all()
        .prefetch_related(Prefetch("students", queryset=Student.filter(name="Sang-Heon Jeon1")))
        .first()
    )
    school_without_filtered = await School.first().prefetch_related("students")
    assert len(school_with_filtered.students) == 1
    assert len(school_without_filtered.students) == 2

    school2 = await School.create(id=2048, name="School2")
    await Student.all().update(school=school2)
    student = await Student.first()
    assert student.school_id == 2048  # the to_field column, not the UUID primary key

    await Student.filter(id=student1.id).update(school=school1)
    schools = await School.all().order_by("students__name")
    assert [school.name for school in schools] == ["School1", "School2"]

    fetched_principal = await Principal.create(name="Sang-Heon Jeon3", school=school1)
    assert fetched_principal.name == "Sang-Heon Jeon3" and fetched_principal.school_id == 1024
    fetched_school = await School.filter(name="School1").prefetch_related("principal").first()
    assert fetched_school.name == "School1"
    assert fetched_school.principal.name == "Sang-Heon Jeon3"


# -- examples/manual_sql.py (on this module's tournament table) ----------------------------------------
#: "You can also use parameters, but you need to use the right param strings for each dialect"
PARAM = {"sqlite": "?", "asyncpg": "$1", "psycopg": "%s", "mysql": "%s"}


async def test_manual_sql_example(db) -> None:
    conn = connections.get("default")
    await conn.execute_query("INSERT INTO tournament (name) VALUES ('Foo')")
    await conn.execute_query(f"INSERT INTO tournament (name) VALUES ({PARAM[db.name]})", ["Bar"])
    async with in_transaction("default") as tconn:
        await tconn.execute_query("INSERT INTO tournament (name) VALUES ('Moo')")
    async with in_transaction("default") as tconn:
        await tconn.execute_query("INSERT INTO tournament (name) VALUES ('Sheep')")
        await tconn.rollback()
    val = await conn.execute_query_dict("SELECT * FROM tournament ORDER BY id")
    assert [row["name"] for row in val] == ["Foo", "Bar", "Moo"]  # not the rolled-back "Sheep"
    assert set(val[0]) == {"id", "name"}
