"""Datetime, date, time and timedelta fields against the database, with and without time zones."""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from orm import timezone
from orm.exceptions import ValidationError
from tests.fields_support import round_trip, same
from tests.helpers import Backend, orm_session
from tests.models import AllFields

UTC = datetime.timezone.utc
PARIS = ZoneInfo("Europe/Paris")


@asynccontextmanager
async def session(backend: Backend, **init_options: Any) -> AsyncIterator[Backend]:
    """orm_session with extra ``Tortoise.init`` options (use_tz, timezone), restoring the defaults."""
    try:
        async with orm_session(backend, ["tests.models"], **init_options) as active:
            yield active
    finally:
        timezone.configure()  # back to the defaults for the tests that follow


@pytest.fixture
async def naive_db(backend: Backend) -> AsyncIterator[Backend]:
    async with session(backend, use_tz=False) as active:
        yield active


@pytest.fixture
async def paris_db(backend: Backend) -> AsyncIterator[Backend]:
    async with session(backend, timezone="Europe/Paris") as active:
        yield active


# -- datetimes with use_tz (the default) and timezone UTC --------------------------------------------
AWARE = [
    datetime.datetime(2024, 3, 1, 12, 30, 45, 123456, tzinfo=UTC),
    datetime.datetime(2024, 3, 1, 23, 59, 59, 999999, tzinfo=datetime.timezone(datetime.timedelta(hours=5))),
    datetime.datetime(2024, 1, 1, 0, 0, 0, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=-8))),
    datetime.datetime(2024, 7, 4, 9, 15, tzinfo=ZoneInfo("America/New_York")),
    datetime.datetime(2024, 10, 27, 2, 30, tzinfo=PARIS),  # inside the autumn DST change
    datetime.datetime(1969, 12, 31, 23, 59, 59, tzinfo=ZoneInfo("Asia/Kolkata")),
    datetime.datetime(9999, 12, 31, 12, 0, tzinfo=UTC),
]


@pytest.mark.parametrize("value", AWARE, ids=[v.isoformat() for v in AWARE])
async def test_aware_datetime_reads_back_the_same_instant_in_utc(db, value: datetime.datetime) -> None:
    fetched = await round_trip(datetime_field=value)
    got = fetched.datetime_field
    assert got == value.astimezone(UTC)  # same instant (an ambiguous local time never equals another zone's)
    assert got.utcoffset() == datetime.timedelta(0)
    assert got.tzinfo is not None
    assert got.microsecond == value.astimezone(UTC).microsecond
    assert (got.year, got.month, got.day, got.hour, got.minute) == value.astimezone(UTC).timetuple()[:5]


async def test_aware_datetime_filters_by_instant(db) -> None:
    value = AWARE[1]
    row = await AllFields.create(datetime_field=value)
    same_instant_in_utc = value.astimezone(UTC)
    assert await AllFields.filter(datetime_field=same_instant_in_utc).values_list("id", flat=True) == [row.id]
    assert await AllFields.filter(datetime_field__gt=same_instant_in_utc).count() == 0
    later = same_instant_in_utc + datetime.timedelta(microseconds=1)
    assert await AllFields.filter(datetime_field__lt=later).count() == 1


async def test_naive_datetime_is_taken_in_the_configured_zone_utc(db) -> None:
    naive = datetime.datetime(2024, 5, 6, 7, 8, 9, 10)
    fetched = await round_trip(datetime_field=naive)
    assert fetched.datetime_field == naive.replace(tzinfo=UTC)
    assert fetched.datetime_field.utcoffset() == datetime.timedelta(0)


async def test_datetime_from_iso_text(db) -> None:
    fetched = await round_trip(datetime_field="2024-05-06T07:08:09.5+02:00")
    assert fetched.datetime_field == datetime.datetime(2024, 5, 6, 5, 8, 9, 500000, tzinfo=UTC)


async def test_datetime_values_are_aware_like_instances(db) -> None:
    value = AWARE[2]
    row = await AllFields.create(datetime_field=value)
    instance = await AllFields.get(id=row.id)
    [as_dict] = await AllFields.filter(id=row.id).values("datetime_field")
    [as_flat] = await AllFields.filter(id=row.id).values_list("datetime_field", flat=True)
    for got in (as_dict["datetime_field"], as_flat):
        same(got, instance.datetime_field)
        assert got.utcoffset() == instance.datetime_field.utcoffset()


# -- timezone="Europe/Paris" -------------------------------------------------------------------
async def test_paris_zone_reads_back_aware_in_paris(paris_db) -> None:
    value = datetime.datetime(2024, 7, 1, 12, 0, tzinfo=UTC)
    created = await AllFields.create(datetime_field=value)
    fetched = await AllFields.get(id=created.id)
    got = fetched.datetime_field
    assert got == value
    assert got.tzinfo == PARIS
    assert (got.hour, got.utcoffset()) == (14, datetime.timedelta(hours=2))  # CEST in July
    [flat] = await AllFields.filter(id=created.id).values_list("datetime_field", flat=True)
    assert flat == value and flat.tzinfo == PARIS


async def test_paris_zone_takes_naive_input_as_paris_time(paris_db) -> None:
    winter = datetime.datetime(2024, 1, 15, 12, 0)
    summer = datetime.datetime(2024, 7, 15, 12, 0)
    for naive in (winter, summer):
        fetched = await round_trip(datetime_field=naive)
        expected = naive.replace(tzinfo=PARIS)
        assert fetched.datetime_field == expected
        assert fetched.datetime_field.astimezone(UTC).hour == 12 - expected.utcoffset().seconds // 3600


async def test_paris_zone_auto_now_add_is_aware_in_paris(paris_db) -> None:
    from tests.models import Tournament

    before = datetime.datetime.now(UTC)
    created = await Tournament.create(name="t")
    after = datetime.datetime.now(UTC)
    fetched = await Tournament.get(id=created.id)
    assert before <= fetched.created <= after
    assert fetched.created.tzinfo == PARIS


# -- use_tz=False ---------------------------------------------------------------------------------
async def test_use_tz_false_keeps_naive_values(naive_db) -> None:
    naive = datetime.datetime(2024, 5, 6, 7, 8, 9, 123456)
    fetched = await round_trip(datetime_field=naive)
    same(fetched.datetime_field, naive)
    assert fetched.datetime_field.tzinfo is None
    [flat] = await AllFields.filter(id=fetched.id).values_list("datetime_field", flat=True)
    same(flat, naive)
    assert flat.tzinfo is None
    assert await AllFields.filter(datetime_field=naive).count() == 1


async def test_use_tz_false_stores_aware_input_as_naive_utc_wall_time(naive_db) -> None:
    aware = datetime.datetime(2024, 5, 6, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=3)))
    fetched = await round_trip(datetime_field=aware)
    same(fetched.datetime_field, datetime.datetime(2024, 5, 6, 9, 0))


async def test_use_tz_false_auto_now_is_naive(naive_db) -> None:
    from tests.models import Tournament

    created = await Tournament.create(name="t")
    fetched = await Tournament.get(id=created.id)
    assert fetched.created.tzinfo is None
    assert abs(fetched.created - datetime.datetime.now()) < datetime.timedelta(minutes=1)


# -- dates, times, durations -------------------------------------------------------------------
DATES = [
    datetime.date(2024, 2, 29),
    datetime.date(1, 1, 1),
    datetime.date(9999, 12, 31),
    datetime.date(1970, 1, 1),
]


@pytest.mark.parametrize("value", DATES, ids=str)
async def test_date_round_trips_as_a_date(db, value: datetime.date) -> None:
    fetched = await round_trip(date_field=value)
    same(fetched.date_field, value)
    assert await AllFields.filter(date_field=value).count() == 1


async def test_date_from_datetime_and_text(db) -> None:
    fetched = await round_trip(date_field=datetime.datetime(2024, 3, 4, 23, 59))
    same(fetched.date_field, datetime.date(2024, 3, 4))
    fetched = await round_trip(date_field="2021-12-25")
    same(fetched.date_field, datetime.date(2021, 12, 25))


TIMES = [
    datetime.time(0, 0),
    datetime.time(23, 59, 59, 999999),
    datetime.time(12, 30, 0, 1),
    datetime.time(7, 5, 3),
]


@pytest.mark.parametrize("value", TIMES, ids=str)
async def test_time_round_trips_with_microseconds(db, value: datetime.time) -> None:
    fetched = await round_trip(time_field=value)
    same(fetched.time_field, value)


DURATIONS = [
    datetime.timedelta(0),
    datetime.timedelta(microseconds=1),
    datetime.timedelta(microseconds=-1),
    datetime.timedelta(days=-1, seconds=5, microseconds=7),
    datetime.timedelta(days=3, hours=4, minutes=5, seconds=6, microseconds=789012),
    datetime.timedelta(days=-36500, microseconds=999999),
    datetime.timedelta(microseconds=2**63 - 1),  # the widest a BIGINT of microseconds holds
    datetime.timedelta(microseconds=-(2**63)),
]


@pytest.mark.parametrize("value", DURATIONS, ids=str)
async def test_timedelta_round_trips_exactly(db, value: datetime.timedelta) -> None:
    fetched = await round_trip(timedelta_field=value)
    same(fetched.timedelta_field, value)
    assert await AllFields.filter(timedelta_field=value).count() == 1


async def test_timedelta_filters_compare_durations(db) -> None:
    for hours in (-2, 1, 5):
        await AllFields.create(timedelta_field=datetime.timedelta(hours=hours))
    found = await AllFields.filter(timedelta_field__gt=datetime.timedelta(0)).order_by("timedelta_field")
    assert [r.timedelta_field for r in found] == [datetime.timedelta(hours=1), datetime.timedelta(hours=5)]


async def test_bad_time_values_are_validation_errors(db) -> None:
    bad = [("datetime_field", "not a date"), ("date_field", "2024-02-30"), ("time_field", "noon")]
    for field, value in bad:
        with pytest.raises(ValidationError, match=field):
            AllFields(**{field: value})
    assert await AllFields.all().count() == 0


async def test_timedelta_beyond_bigint_microseconds_is_a_validation_error(db) -> None:
    for value in (datetime.timedelta.max, datetime.timedelta(microseconds=2**63), datetime.timedelta.min):
        with pytest.raises(ValidationError, match="timedelta_field"):
            await AllFields.create(timedelta_field=value)
    assert await AllFields.all().count() == 0
