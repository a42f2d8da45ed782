"""``Model(**kwargs)`` runs a constructor generated once per model (``orm.model.construct``) and
the fields' quick converters: they keep what the general loop did (checks before conversions,
conversions, live defaults, relations) and follow settings and fields changed after they were built."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import BaseModel

from orm import Tortoise, connections, fields, timezone
from orm.backends.sqlite.dialect import SQLiteDialect
from orm.exceptions import FieldError, ValidationError
from orm.models import Model
from tests.helpers import orm_session
from tests.models import Event, Tournament

UTC = datetime.timezone.utc
PARIS = ZoneInfo("Europe/Paris")


class Shaped(Model):
    """Constructed only: never saved, so no database and no init."""

    id = fields.IntField(primary_key=True)
    amount = fields.DecimalField(max_digits=6, decimal_places=2, null=True)
    when = fields.DatetimeField(null=True)
    doc = fields.JSONField(null=True)
    count = fields.IntField(default=3)
    tags = fields.JSONField(default=list)


class Point(BaseModel):
    x: int
    y: int


class Typed(Model):
    """A JSON field with a pydantic type validates what it is given."""

    id = fields.IntField(primary_key=True)
    point = fields.JSONField(field_type=Point, null=True)


class Stripped(fields.DecimalField):
    """Its own user_value: the decimal quick path must not skip it."""

    def user_value(self, value: Any) -> Any:
        return super().user_value(value.strip() if isinstance(value, str) else value) + 1


class OwnDecimal(Model):
    id = fields.IntField(primary_key=True)
    amount = Stripped(max_digits=6, decimal_places=2)


calls: list[int] = []


def counted_owner() -> None:
    calls.append(1)


class Holder(Model):
    id = fields.IntField(primary_key=True)
    owner: fields.ForeignKeyNullableRelation[Shaped] = fields.ForeignKeyField(
        "models.Shaped", null=True, default=counted_owner, related_name=False
    )


__models__ = [Shaped, OwnDecimal, Typed, Holder]  # what Tortoise.init finds here (not the imported models)


@pytest.fixture
def default_timezone():
    yield
    timezone.configure()  # back to the defaults for the tests that follow


def test_unknown_name_is_refused_before_any_value_is_converted() -> None:
    with pytest.raises(FieldError, match="Shaped has no field 'nope'"):
        Shaped(amount="not a number", nope=1)


def test_fields_are_set_in_declaration_order() -> None:
    assert list(Shaped(tags=[1], amount=1).__dict__) == ["id", "amount", "when", "doc", "count", "tags"]


def test_callable_default_is_called_for_each_instance() -> None:
    first, second = Shaped(), Shaped()
    assert first.tags == [] and first.tags is not second.tags
    assert (first.id, first.amount, first.count) == (None, None, 3)


def test_a_default_changed_after_the_first_instance_is_used() -> None:
    Shaped()
    field = Shaped._meta.fields_map["count"]
    try:
        field.default = lambda: 11
        assert Shaped().count == 11
    finally:
        field.default = 3


@pytest.mark.parametrize(
    ("name", "given", "expected"),
    [
        ("amount", Decimal("1.005"), "1.00"),  # half to even, as quantize does
        ("amount", Decimal("-0"), "-0.00"),
        ("amount", 1.5, "1.50"),
        ("amount", 0.1, "0.10"),
        ("amount", 2.675, "2.68"),  # from repr(2.675), not the float's binary expansion (2.67499...)
        ("amount", -1.015, "-1.02"),
        ("amount", 2, "2.00"),
        ("amount", True, "1.00"),
        ("amount", "3.14159", "3.14"),
        ("amount", Decimal("12345.6"), "12345.60"),  # the column's digit limit is checked on save
        ("count", "7", 7),
        ("count", 7.0, 7),
        ("doc", "text", "text"),  # a JSON string value, not JSON text to decode
    ],
)
def test_given_values_are_converted(name: str, given: Any, expected: Any) -> None:
    value = getattr(Shaped(**{name: given}), name)
    if isinstance(expected, str) and name == "amount":
        assert type(value) is Decimal and str(value) == expected
    else:
        assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(
    ("name", "given", "message"),
    [
        ("amount", Decimal("NaN"), "is not a finite decimal"),
        ("amount", float("inf"), "is not a finite decimal"),
        ("amount", Decimal("1e30"), "has too many digits for max_digits=6, decimal_places=2"),
        ("amount", "abc", "is not a decimal"),
        ("count", 7.5, "is not a whole number"),
    ],
)
def test_invalid_given_values_are_refused(name: str, given: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=f"Shaped.{name}: .*{message}"):
        Shaped(**{name: given})


def test_a_field_with_its_own_user_value_keeps_it() -> None:
    assert OwnDecimal(amount=Decimal("1.5")).amount == Decimal("2.50")
    assert OwnDecimal(amount=" 1.5 ").amount == Decimal("2.50")


def test_json_values_are_kept_as_given() -> None:
    doc = {"a": [1, 2]}
    assert Shaped(doc=doc).doc is doc


def test_json_values_with_a_pydantic_type_are_validated() -> None:
    assert Typed(point={"x": 1, "y": "2"}).point == Point(x=1, y=2)
    assert Typed(point=None).point is None


def test_datetimes_are_made_aware_in_the_configured_zone(default_timezone) -> None:
    aware = datetime.datetime(2024, 1, 1, 12, tzinfo=UTC)
    assert Shaped(when=aware).when is aware
    assert Shaped(when=datetime.datetime(2024, 1, 1, 12)).when == aware
    assert Shaped(when="2024-01-01T12:00:00").when.tzinfo is UTC
    paris = Shaped(when=aware.astimezone(PARIS)).when
    assert paris == aware and paris.tzinfo is UTC


def test_datetimes_follow_time_zone_settings_changed_later(default_timezone) -> None:
    aware = datetime.datetime(2024, 1, 1, 12, tzinfo=UTC)
    assert Shaped(when=aware).when is aware  # the constructor is built with UTC
    timezone.configure(timezone="Europe/Paris")
    in_paris = Shaped(when=aware).when
    assert in_paris == aware and in_paris.tzinfo is PARIS and in_paris.hour == 13
    assert Shaped(when=in_paris).when is in_paris
    timezone.configure(use_tz=False)
    assert Shaped(when=aware).when == datetime.datetime(2024, 1, 1, 12)  # naive UTC wall time


@pytest.mark.parametrize(
    ("stored", "expected"),
    [(2, "2.00"), (1.25, "1.25"), (2.675, "2.68"), ("7.125", "7.12"), (Decimal("3.333"), "3.33")],
)
def test_decimals_read_from_sqlite_are_quantized(stored: Any, expected: str) -> None:
    convert = Shaped._meta.fields_map["amount"].python_converter(SQLiteDialect())
    assert convert is not None
    assert str(convert(stored)) == expected and convert(None) is None


def test_an_unreadable_stored_decimal_is_named() -> None:
    convert = Shaped._meta.fields_map["amount"].python_converter(SQLiteDialect())
    assert convert is not None
    with pytest.raises(ValidationError, match=r"Shaped\.amount: .* is not a finite decimal"):
        convert(float("nan"))


async def test_relations_and_their_id_columns(backend) -> None:
    async with orm_session(backend, ["tests.models"]):
        tournament = await Tournament.create(name="cup")
        assert Event(name="e", tournament=tournament).tournament_id == tournament.id
        assert Event(name="e", tournament_id=tournament.id).tournament_id == tournament.id
        assert Event(name="e").tournament_id is None
        # the column first, then the relation: the relation wins, as in the general loop
        assert Event(name="e", tournament_id=10_000, tournament=tournament).tournament_id == tournament.id
        with pytest.raises(FieldError, match="Event has no field 'nmae'"):
            Event(tournament=tournament, nmae="e")


async def test_fields_added_by_init_are_known_after_it(backend) -> None:
    async with orm_session(backend, ["tests.models"]):
        assert Event(tournament_id=1).tournament_id == 1
    assert not Tortoise._inited
    with pytest.raises(FieldError, match="Event has no field 'tournament_id'"):
        Event(tournament_id=1)  # the relation is not wired without init
    async with orm_session(backend, ["tests.models"]):
        assert Event(tournament_id=2).tournament_id == 2


async def test_a_given_relation_leaves_the_default_of_its_id_column_uncalled() -> None:
    await Tortoise.init(db_url="sqlite://:memory:", modules={"models": [__name__]})
    try:
        await Tortoise.generate_schemas()
        owner = await Shaped.create()
        calls.clear()
        held = Holder(owner=owner)
        assert held.owner_id == owner.id and calls == []
        assert list(held.__dict__) == ["id", "owner_id", "_owner"]
        assert Holder().owner_id is None and calls == [1]
    finally:
        await connections.close_all(discard=True)
        Tortoise._reset()
