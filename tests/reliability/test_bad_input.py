"""Bad input and misuse: refused before any SQL is sent, with a message naming model, field and
value; a model used before ``Tortoise.init`` says to call it; closed connections reopen."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from orm import Tortoise
from orm import timezone as orm_timezone
from orm.connection import connections
from orm.exceptions import ConfigurationError, ValidationError
from tests.helpers import orm_session
from tests.models import AllFields
from tests.models_reliability import Counter, Note, Reading
from tests.reliability.support import MODULES, statements_sent

pytestmark = pytest.mark.reliability

D = decimal.Decimal

#: (model, field, bad value, what the message says about it)
BAD = [
    (Reading, "count", "abc", "is not an integer"),
    (Reading, "count", 1.5, "is not a whole number"),
    (Reading, "count", 2**31, "Value should be less or equal to 2147483647"),
    (Reading, "price", D("123456789.5000"), "has more than 8 digits before the decimal point"),
    (Reading, "price", D("NaN"), "is not a finite decimal"),
    (Reading, "price", D("-Infinity"), "is not a finite decimal"),
    (Reading, "price", "twelve", "is not a decimal"),
    (Reading, "ratio", "fast", "is not a float"),
    (Reading, "at", "yesterday", "is not a datetime"),
    (Reading, "day", "2024-02-30", "is not a date"),
    (Note, "title", "é" * 256, "is 256 characters long; max_length is 255"),
    (Note, "data", {1, 2}, "is not JSON serialisable"),
    (Note, "blob", "text", "is not bytes"),
    (AllFields, "bool_field", "no", "is not a boolean"),
    (AllFields, "uuid_field", "not-a-uuid", "is not a UUID"),
    (AllFields, "int_enum", 7, "is not a member of Priority"),
]
IDS = [f"{model.__name__}.{field}={value!r:.20}" for model, field, value, _ in BAD]


def assert_names(error: BaseException, model: type, field: str, value: Any, fragment: str) -> None:
    message = str(error)
    shown = repr(value)
    assert message.startswith(f"{model.__name__}.{field}: "), message
    assert shown[:40] in message, message
    assert fragment in message, message
    assert len(message) < 200, f"message too long ({len(message)})"


async def refused_before_sql(action: Callable[[], Awaitable[Any]]) -> ValidationError:
    """Run ``action``: it must raise ValidationError without sending a single statement."""
    with statements_sent() as sent, pytest.raises(ValidationError) as info:
        await action()
    assert sent == [], sent
    return info.value


@pytest.mark.parametrize(("model", "field", "value", "fragment"), BAD, ids=IDS)
async def test_bad_value_on_create_is_refused_before_any_sql(db, model, field, value, fragment) -> None:
    error = await refused_before_sql(lambda: model.create(**{field: value}))
    assert_names(error, model, field, value, fragment)
    assert await model.all().count() == 0


@pytest.mark.parametrize(("model", "field", "value", "fragment"), BAD, ids=IDS)
async def test_bad_value_assigned_then_saved_is_refused_before_any_sql(
    db, model, field, value, fragment
) -> None:
    row = await model.create()
    before = await model.get(pk=row.pk).values()
    row.__dict__[field] = value  # as if set by code that bypassed conversion
    error = await refused_before_sql(row.save)
    assert_names(error, model, field, value, fragment)
    assert await model.get(pk=row.pk).values() == before


@pytest.mark.parametrize(("model", "field", "value", "fragment"), BAD, ids=IDS)
async def test_bad_value_in_update_is_refused_before_any_sql(db, model, field, value, fragment) -> None:
    row = await model.create()
    error = await refused_before_sql(lambda: model.filter(pk=row.pk).update(**{field: value}))
    assert error is not None and str(error).startswith(f"{model.__name__}.{field}: ")


async def test_bad_value_in_bulk_create_writes_nothing(db) -> None:
    rows = [Reading(count=1), Reading(count=2), Reading(count=3)]
    rows[2].__dict__["count"] = "three"
    error = await refused_before_sql(lambda: Reading.bulk_create(rows))
    assert_names(error, Reading, "count", "three", "is not an integer")
    assert await Reading.all().count() == 0


@pytest.mark.parametrize(
    ("lookup", "value"),
    [("count", "abc"), ("count__in", [1, "abc"]), ("at__gte", "soon"), ("price__lt", "cheap")],
)
async def test_filter_value_of_the_wrong_type_is_refused_before_any_sql(db, lookup: str, value: Any) -> None:
    error = await refused_before_sql(lambda: Reading.filter(**{lookup: value}).count())
    field = lookup.split("__")[0]
    assert str(error).startswith(f"Reading.{field}: {value!r}"), str(error)


async def test_values_of_a_compatible_type_are_converted(db) -> None:
    row = await Reading.create(
        count="42", price="1.5", ratio="2.25", day="2024-02-29", at="2024-02-29T10:00:00"
    )
    fetched = await Reading.get(id=row.id)
    assert (fetched.count, fetched.price, fetched.ratio, fetched.day) == (
        42, D("1.5000"), 2.25, datetime.date(2024, 2, 29)
    )
    assert fetched.at == datetime.datetime(2024, 2, 29, 10, tzinfo=datetime.timezone.utc)
    assert (await Reading.create(count=7.0)).count == 7  # a whole float is a whole number


async def test_naive_datetime_is_taken_in_the_configured_zone(backend) -> None:
    """With use_tz (the default) a naive datetime means wall-clock time in ``timezone``."""
    kolkata = ZoneInfo("Asia/Kolkata")  # UTC+05:30, no daylight saving
    try:
        async with orm_session(backend, MODULES, use_tz=True, timezone="Asia/Kolkata"):
            row = await Reading.create(at=datetime.datetime(2024, 1, 1, 12, 0))
            fetched = await Reading.get(id=row.id)
            assert fetched.at == datetime.datetime(2024, 1, 1, 12, 0, tzinfo=kolkata)
            assert fetched.at.utcoffset() == datetime.timedelta(hours=5, minutes=30)
            utc = datetime.datetime(2024, 1, 1, 6, 30, tzinfo=datetime.timezone.utc)
            assert await Reading.filter(at=utc).count() == 1
            assert await Reading.filter(at=datetime.datetime(2024, 1, 1, 12, 0)).count() == 1
    finally:
        orm_timezone.configure(True, "UTC")


# -- misuse ------------------------------------------------------------------------------------------
@pytest.fixture
async def not_initialised() -> Any:
    await connections.close_all(discard=True)
    Tortoise._reset()
    yield
    await connections.close_all(discard=True)
    Tortoise._reset()


@pytest.mark.parametrize(
    "use",
    [
        lambda: Note.all(),
        lambda: Note.create(title="x"),
        lambda: Note.filter(title="x").update(body="y"),
        lambda: Note.get_or_create(title="x"),
        lambda: Note(title="x").save(),
        lambda: Counter.all().count(),
    ],
    ids=["all", "create", "update", "get_or_create", "save", "count"],
)
async def test_model_used_before_init_says_to_call_init(not_initialised, use) -> None:
    with statements_sent() as sent, pytest.raises(ConfigurationError, match=r"call Tortoise\.init\(\)"):
        await use()
    assert sent == []


async def test_queries_after_close_connections_reopen(backend, tmp_path) -> None:
    if backend.name == "sqlite":  # an in-memory database would be gone with its connection
        backend = dataclasses.replace(backend, url=f"sqlite://{tmp_path / 'reopen.sqlite3'}")
    async with orm_session(backend, MODULES):
        await Counter.create(name="before")
        for round_ in range(3):
            await Tortoise.close_connections()
            await Counter.create(name=f"after{round_}")
            assert await Counter.all().count() == round_ + 2
        await Tortoise.close_connections()
        async with connections.client("default").in_transaction():
            await Counter.create(name="in a transaction")
        assert await Counter.filter(name="in a transaction").exists()
