"""Tortoise's pydantic examples (examples/pydantic/early_init.py, tutorial_4.py, recursive.py,
computed_fields.py) and the PydanticMeta options, run against `orm.contrib.pydantic`."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
from pydantic_core import PydanticSerializationError

from orm import Tortoise
from orm.connection import connections
from orm.contrib.pydantic import PydanticListModel, PydanticModel, pydantic_model_creator, pydantic_queryset_creator
from orm.exceptions import NoValuesFetched
from tests.compat import models_pydantic as tm
from tests.compat import models_pydantic_computed as cm
from tests.helpers import orm_session


@pytest.fixture
async def db(backend):
    async with orm_session(backend, ["tests.compat.models_pydantic"]) as b:
        yield b


@pytest.fixture
async def computed_db(backend):
    async with orm_session(backend, ["tests.compat.models_pydantic_computed"]) as b:
        yield b


@pytest.fixture
async def uninitialised() -> AsyncIterator[None]:
    await connections.close_all(discard=True)
    Tortoise._reset()
    yield
    Tortoise._reset()


def dumped(model: Any) -> Any:
    return json.loads(model.model_dump_json())


# -- examples/pydantic/early_init.py -------------------------------------------------------
async def test_early_init_adds_relations(uninitialised) -> None:
    too_early = pydantic_model_creator(tm.Event)
    assert list(too_early.model_fields) == ["id", "name", "prize"]  # relations are missing before init
    Tortoise.init_models(["tests.compat.models_pydantic"], "models")
    event_pydantic = pydantic_model_creator(tm.Event)
    assert list(event_pydantic.model_fields) == ["id", "name", "prize", "tournament"]
    schema = event_pydantic.model_json_schema()
    assert schema["required"] == ["id", "name", "tournament"]
    assert schema["properties"]["tournament"]["description"] == "The Tournament this happens in"


# -- examples/pydantic/tutorial_4.py -------------------------------------------------------
async def test_tutorial_4_pydantic_meta_and_computed_fields(db) -> None:
    tournament_pydantic = pydantic_model_creator(tm.Tournament)
    schema = tournament_pydantic.model_json_schema(mode="serialization")  # computed fields are output only
    assert (schema["title"], schema["description"]) == ("Tournament", "This references a Tournament")
    assert list(schema["properties"]) == ["id", "name", "events", "name_length", "events_num"]
    assert schema["properties"]["name_length"]["description"] == "Computes length of name"
    assert schema["properties"]["name"]["maxLength"] == 100
    tournament = await tm.Tournament.create(name="New Tournament")
    second = await tm.Event.create(name="Event 2", tournament=tournament)
    first = await tm.Event.create(name="Event 1", tournament=tournament, prize=Decimal("10.5"))
    tourpy = await tournament_pydantic.from_tortoise_orm(tournament)
    assert dumped(tourpy) == {
        "id": tournament.id,
        "name": "New Tournament",
        # Event.Meta.ordering is by name; the event does not walk back to its tournament
        "events": [
            {"id": first.id, "name": "Event 1", "prize": "10.50"},
            {"id": second.id, "name": "Event 2", "prize": None},
        ],
        "name_length": len("New Tournament"),
        "events_num": 2,
    }
    assert isinstance(tourpy, PydanticModel) and tourpy.events[0].prize == Decimal("10.50")


async def test_computed_field_sees_unfetched_relation_on_the_instance(db) -> None:
    tournament = await tm.Tournament.create(name="Solo")
    no_events = pydantic_model_creator(tm.Tournament, name="TournamentNoEvents", exclude=("events",))
    assert dumped(await no_events.from_tortoise_orm(tournament)) == {
        "id": tournament.id, "name": "Solo", "name_length": 4, "events_num": -1,
    }


async def test_from_queryset_and_queryset_creator(db) -> None:
    tournament = await tm.Tournament.create(name="T")
    for name in ("b", "a"):
        await tm.Event.create(name=name, tournament=tournament)
    event_pydantic = pydantic_model_creator(tm.Event)
    events = await event_pydantic.from_queryset(tm.Event.all())
    assert [(e.name, e.tournament.name) for e in events] == [("a", "T"), ("b", "T")]
    single = await event_pydantic.from_queryset_single(tm.Event.get(name="b"))
    assert (single.name, single.tournament.id) == ("b", tournament.id)
    event_list = pydantic_queryset_creator(tm.Event)
    assert issubclass(event_list, PydanticListModel)
    assert event_list.model_config["title"] == "Event_list"
    listed = await event_list.from_queryset(tm.Event.filter(name="a"))
    assert [e["name"] for e in dumped(listed)] == ["a"]
    assert dumped(await event_list.from_queryset(tm.Event.filter(name="none"))) == []


async def test_exclude_readonly_makes_an_input_model(db) -> None:
    tournament_in = pydantic_model_creator(tm.Tournament, name="TournamentIn", exclude_readonly=True)
    assert list(tournament_in.model_fields) == ["name"]  # no key, no relations, no computed values
    event_in = pydantic_model_creator(tm.Event, name="EventIn", exclude_readonly=True, exclude=())
    assert list(event_in.model_fields) == ["name", "prize", "tournament_id"]
    data = event_in(name="x", tournament_id=1).model_dump()
    assert data == {"name": "x", "prize": None, "tournament_id": 1}
    with pytest.raises(ValueError, match="name"):
        tournament_in(name="x" * 101)  # max_length reaches pydantic
    with pytest.raises(ValueError, match="Extra inputs are not permitted"):
        tournament_in(name="x", id=3)


async def test_same_arguments_give_the_same_class(db) -> None:
    assert pydantic_model_creator(tm.Event) is pydantic_model_creator(tm.Event)
    assert pydantic_model_creator(tm.Event).__name__ == "tests.compat.models_pydantic.Event"
    hashed = pydantic_model_creator(tm.Event, exclude=("prize",))
    assert hashed.__name__.startswith("tests.compat.models_pydantic.Event:") and "prize" not in hashed.model_fields


# -- examples/pydantic/recursive.py ----------------------------------------------------------
async def make_hierarchy() -> dict[str, tm.Employee]:
    root = await tm.Employee.create(name="Root")
    loose = await tm.Employee.create(name="Loose")
    _1 = await tm.Employee.create(name="1. First H1", manager=root)
    _2 = await tm.Employee.create(name="2. Second H1", manager=root)
    _1_1 = await tm.Employee.create(name="1.1. First H2", manager=_1)
    _1_1_1 = await tm.Employee.create(name="1.1.1. First H3", manager=_1_1)
    _2_1 = await tm.Employee.create(name="2.1. Second H2", manager=_2)
    _2_2 = await tm.Employee.create(name="2.2. Third H2", manager=_2)
    await _1.talks_to.add(_2, _1_1_1, loose)
    await _2_1.gets_talked_to.add(_2_2, _1_1, loose)
    return {e.name: e for e in (root, loose, _1, _2, _1_1, _1_1_1, _2_1, _2_2)}


def depth(node: dict[str, Any]) -> int:
    children = [*node.get("team_members", []), *node.get("talks_to", [])]
    return 1 + max((depth(c) for c in children), default=0)


async def test_recursive_example_follows_cycles_up_to_max_recursion(db) -> None:
    people = await make_hierarchy()
    employee_pydantic = pydantic_model_creator(tm.Employee)
    assert list(employee_pydantic.model_fields) == ["id", "name", "talks_to", "manager_id", "team_members"]
    root = dumped(await employee_pydantic.from_tortoise_orm(await tm.Employee.get(name="Root")))
    assert (root["name"], root["manager_id"], root["talks_to"], root["name_length"]) == ("Root", None, [], 4)
    assert "not_annotated" not in root  # a computed method without a return annotation is left out
    first, second = root["team_members"]
    assert [first["name"], second["name"]] == ["1. First H1", "2. Second H1"]
    assert root["team_size"] == 2 and first["manager_id"] == people["Root"].id
    assert sorted(t["name"] for t in first["talks_to"]) == ["1.1.1. First H3", "2. Second H1", "Loose"]
    assert [m["name"] for m in first["team_members"]] == ["1.1. First H2"]
    assert depth(root) == 5  # the root and max_recursion = 4 levels of nested models below it
    deepest = first["team_members"][0]["team_members"][0]
    assert deepest["name"] == "1.1.1. First H3" and deepest["team_members"] == []
    loose = next(t for t in first["talks_to"] if t["name"] == "Loose")
    fourth = loose["talks_to"][0]  # Loose talks to 2.1 (added from the other side)
    assert fourth["name"] == "2.1. Second H2" and "talks_to" in fourth
    assert all("talks_to" not in leaf for leaf in fourth["talks_to"])  # the fifth level is a leaf


async def test_without_cycles_a_model_does_not_nest_itself_twice(db) -> None:
    await make_hierarchy()

    class NoCycles:
        allow_cycles = False

    flat = pydantic_model_creator(tm.Employee, name="EmployeeFlat", meta_override=NoCycles)
    root = dumped(await flat.from_tortoise_orm(await tm.Employee.get(name="Root")))
    assert depth(root) == 2  # an employee's reports, but not theirs
    assert all(set(member) == {"id", "name", "manager_id", "name_length", "team_size"}
               for member in root["team_members"])


# -- examples/pydantic/computed_fields.py ------------------------------------------------------
async def test_computed_fields_example(computed_db) -> None:
    engineering = await cm.Department.create(name="Engineering")
    alice = await cm.Employee.create(name="Alice", department=engineering)
    bob = await cm.Employee.create(name="Bob", department=engineering)
    await cm.Employee.create(name="Charlie")

    schema = pydantic_model_creator(cm.Employee).model_json_schema()
    assert "department" not in schema.get("required", [])  # a nullable foreign key is optional
    assert schema["properties"]["department"]["default"] is None

    department_pydantic = pydantic_model_creator(cm.Department)
    dept = await department_pydantic.from_tortoise_orm(await cm.Department.get(name="Engineering"))
    assert dumped(dept) == {
        "id": engineering.id,
        "name": "Engineering",
        "employees": [{"id": alice.id, "name": "Alice"}, {"id": bob.id, "name": "Bob"}],
        "employee_count": 2,
        "employee_names": "Alice, Bob",
    }

    no_employees = pydantic_model_creator(cm.Department, name="Department_NoEmployees", exclude=("employees",))
    fetched = await cm.Department.get(name="Engineering")
    await fetched.fetch_related("employees")
    assert dumped(await no_employees.from_tortoise_orm(fetched))["employee_names"] == "Alice, Bob"

    unfetched = await no_employees.from_tortoise_orm(await cm.Department.get(name="Engineering"))
    with pytest.raises((PydanticSerializationError, NoValuesFetched), match="employee_names"):
        unfetched.model_dump_json()

    class GracefulMeta:
        computed = ("employee_count",)

    graceful = pydantic_model_creator(
        cm.Department, name="Department_GracefulOnly", exclude=("employees",), meta_override=GracefulMeta
    )
    only = await graceful.from_tortoise_orm(await cm.Department.get(name="Engineering"))
    assert dumped(only) == {"id": engineering.id, "name": "Engineering", "employee_count": 0}


# -- PydanticMeta options and creator arguments --------------------------------------------------
async def test_meta_options_shape_the_fields(computed_db) -> None:
    class RawSorted:
        exclude_raw_fields = False
        sort_alphabetically = True

    raw = pydantic_model_creator(cm.Employee, name="EmployeeRaw", meta_override=RawSorted)
    assert list(raw.model_fields) == ["department", "department_id", "id", "name"]

    class NoBackward:
        backward_relations = False
        computed = ()

    # only reverse relations annotated on the model stay (Department annotates `employees`)
    assert list(pydantic_model_creator(cm.Department, name="D1", meta_override=NoBackward).model_fields) == [
        "id", "name", "employees",
    ]

    optional = pydantic_model_creator(cm.Employee, name="EmployeeOpt", optional=("name",), exclude=("department",))
    assert optional(id=1).model_dump() == {"id": 1, "name": None, "department_id": None}


async def test_include_reaches_into_nested_models(computed_db) -> None:
    engineering = await cm.Department.create(name="Engineering")
    await cm.Employee.create(name="Alice", department=engineering)
    included = pydantic_model_creator(cm.Department, name="DeptInc", include=("name", "employees", "employees.name"))
    assert dumped(await included.from_tortoise_orm(engineering)) == {
        "name": "Engineering", "employees": [{"name": "Alice"}], "employee_count": 1, "employee_names": "Alice",
    }
    excluded = pydantic_model_creator(cm.Department, name="DeptExc", exclude=("employees.id",), computed=())
    assert dumped(await excluded.from_tortoise_orm(engineering))["employees"] == [{"name": "Alice"}]


async def test_model_config_and_validators_reach_pydantic(computed_db) -> None:
    from pydantic import ConfigDict, field_validator

    def no_digits(cls, value: str) -> str:
        if any(ch.isdigit() for ch in value):
            raise ValueError("digits are not allowed")
        return value

    strict = pydantic_model_creator(
        cm.Employee,
        name="EmployeeStrict",
        exclude=("department",),
        model_config=ConfigDict(title="Person", str_strip_whitespace=True),
        validators={"check_name": field_validator("name")(no_digits)},
    )
    assert strict.model_json_schema()["title"] == "Person"
    assert strict(id=1, name="  Ann ").name == "Ann"
    with pytest.raises(ValueError, match="digits are not allowed"):
        strict(id=1, name="R2D2")
