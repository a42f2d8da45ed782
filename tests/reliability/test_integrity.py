"""Data integrity: what is stored comes back exactly, on every backend.

Decimals to the last digit, aware datetimes to the microsecond (years 1 to 9999), dates at
their edges, floats bit for bit (infinities and NaN where the database keeps them, a clear
ValidationError where it does not), 10 MB of text and of bytes, characters of every Unicode plane.
"""

from __future__ import annotations

import datetime
import decimal
import math
import os
import struct
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from orm.exceptions import OperationalError, ValidationError
from tests.models_reliability import Note, Reading
from tests.reliability.support import POSTGRES, examples, statements_sent

pytestmark = pytest.mark.reliability

D = decimal.Decimal
UTC = datetime.timezone.utc


async def stored(**values: Any) -> Reading:
    """Create a Reading and read it back from the database (then delete it)."""
    row = await Reading.create(**values)
    fetched = await Reading.get(id=row.id)
    await Reading.filter(id=row.id).delete()
    return fetched


# -- decimals ---------------------------------------------------------------------------------------
@examples
@given(
    amount=st.decimals(min_value=-(10**20) + 1, max_value=10**20 - 1, places=10, allow_nan=False),
    price=st.decimals(min_value=-(10**8) + 1, max_value=10**8 - 1, places=4, allow_nan=False),
)
@example(amount=D("99999999999999999999.9999999999"), price=D("99999999.9999"))
@example(amount=D("-0.0000000001"), price=D("0.0001"))
@example(amount=D("0E-10"), price=D("-99999999.9999"))
async def test_decimals_round_trip_to_the_last_digit(db, amount: D, price: D) -> None:
    row = await Reading.create(amount=amount, price=price)
    fetched = await Reading.get(id=row.id)
    wide = decimal.Context(prec=40)
    assert str(fetched.amount) == str(amount.quantize(D("1E-10"), context=wide))
    assert str(fetched.price) == str(price.quantize(D("1E-4"), context=wide))
    assert await Reading.filter(id=row.id, amount=amount, price=price).count() == 1
    await row.delete()


# -- datetimes and dates ----------------------------------------------------------------------------
def offsets_of(minutes: int) -> datetime.timezone:
    return datetime.timezone(datetime.timedelta(minutes=minutes))


offsets = st.integers(-14 * 60, 14 * 60).map(offsets_of)


@examples
@given(
    moment=st.datetimes(
        min_value=datetime.datetime(1, 1, 2), max_value=datetime.datetime(9999, 12, 30), timezones=offsets
    )
)
@example(moment=datetime.datetime(1, 1, 1, tzinfo=UTC))
@example(moment=datetime.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC))
@example(moment=datetime.datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=offsets_of(-12 * 60)))
async def test_aware_datetimes_round_trip_to_the_microsecond(db, moment: datetime.datetime) -> None:
    fetched = (await stored(at=moment)).at
    assert fetched == moment  # the same instant
    assert fetched.tzinfo is UTC  # read back in the configured zone
    assert (fetched.year, fetched.microsecond) == (moment.astimezone(UTC).year, moment.microsecond)


async def test_datetime_beyond_the_range_in_utc_is_a_validation_error(db) -> None:
    too_early = datetime.datetime(1, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=5)))
    with statements_sent() as sent, pytest.raises(ValidationError) as info:
        await Reading.create(at=too_early)
    assert sent == []
    assert str(info.value).startswith("Reading.at: datetime.datetime(1, 1, 1, 0, 0, tzinfo=")
    assert str(info.value).endswith("is out of range in UTC (years 1 to 9999)")


@examples
@given(day=st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)))
@example(day=datetime.date(1, 1, 1))
@example(day=datetime.date(9999, 12, 31))
@example(day=datetime.date(2000, 2, 29))
async def test_dates_round_trip_from_year_1_to_9999(db, day: datetime.date) -> None:
    fetched = await stored(day=day)
    assert fetched.day == day and type(fetched.day) is datetime.date
    row = await Reading.create(day=day)
    assert await Reading.filter(day=day).values_list("id", flat=True) == [row.id]
    await row.delete()


# -- floats -----------------------------------------------------------------------------------------
def bits(value: float) -> bytes:
    return struct.pack("<d", value)


@examples
@given(ratio=st.floats(allow_nan=False, allow_infinity=False))
@example(ratio=5e-324)
@example(ratio=1.7976931348623157e308)
@example(ratio=0.1 + 0.2)
async def test_finite_floats_round_trip_bit_for_bit(db, ratio: float) -> None:
    fetched = (await stored(ratio=ratio)).ratio
    if ratio == 0:
        assert fetched == 0  # the sign of zero is not kept everywhere
    else:
        assert bits(fetched) == bits(ratio), (fetched, ratio)


#: What each database does with the special floats: kept, or refused (the reason in the message).
SPECIAL_FLOATS = {
    "sqlite": {"inf": "kept", "-inf": "kept", "nan": "SQLite stores NaN as NULL"},
    "asyncpg": {"inf": "kept", "-inf": "kept", "nan": "kept"},
    "psycopg": {"inf": "kept", "-inf": "kept", "nan": "kept"},
    "mysql": {"inf": "MySQL and MariaDB have no infinity", "-inf": "MySQL and MariaDB have no infinity",
              "nan": "MySQL and MariaDB have no NaN"},
}


@pytest.mark.parametrize("name", ["inf", "-inf", "nan"])
async def test_special_floats_are_kept_or_refused_never_lost(db, name: str) -> None:
    value = float(name)
    fate = SPECIAL_FLOATS[db.name][name]
    if fate == "kept":
        fetched = (await stored(ratio=value)).ratio
        assert (math.isnan(fetched) if name == "nan" else fetched == value), fetched
        return
    with statements_sent() as sent, pytest.raises(ValidationError) as info:
        await Reading.create(ratio=value)
    assert sent == []
    assert str(info.value) == f"Reading.ratio: {value!r} cannot be stored: {fate}"
    assert await Reading.all().count() == 0


# -- big values and every plane of Unicode -----------------------------------------------------------
def every_plane() -> str:
    """Characters from each of the 17 Unicode planes: letters, CJK, the edges of each plane, private
    use, noncharacters; no surrogates (not characters) and no NUL (PostgreSQL refuses it)."""
    chars = ["A", "é", "ß", "Ω", "Ж", "ע", "ع", "क", "中", "한", "\u200d", "\ufeff", "\ufffd", "\uffff"]
    for plane in range(17):
        base = plane * 0x10000
        firsts = (0x0001 if plane == 0 else 0, 0x0041, 0x4E2D, 0xFFFD, 0xFFFF)
        chars += [chr(base + offset) for offset in firsts]
    chars += ["😀", "\U0001d518", "🏳️‍🌈", "\U0010fffd", "\U000e0041"]
    return "".join(chars)


PLANES = every_plane()


async def test_every_unicode_plane_round_trips_byte_for_byte(db) -> None:
    note = await Note.create(title=PLANES, body=PLANES * 3, data={PLANES: [PLANES]})
    fetched = await Note.get(id=note.id)
    assert fetched.title.encode("utf-8") == PLANES.encode("utf-8")
    assert fetched.body.encode("utf-8") == (PLANES * 3).encode("utf-8")
    assert fetched.data == {PLANES: [PLANES]}
    assert await Note.filter(title=PLANES).count() == 1
    assert await Note.filter(body__contains=PLANES[40:60]).count() == 1
    for char in PLANES:  # one character at a time, as a value and in a lookup
        single = await Note.create(title=char)
        assert (await Note.get(id=single.id)).title.encode("utf-8") == char.encode("utf-8")
        await single.delete()


TEN_MB = 10 * 1024 * 1024


async def test_ten_megabytes_of_text_round_trip(db) -> None:
    unit = PLANES + "plain ascii text, quotes ' \" and backslashes \\ too\n"
    encoded_unit = len(unit.encode("utf-8"))
    text = unit * (TEN_MB // encoded_unit + 1)
    assert len(text.encode("utf-8")) >= TEN_MB
    note = await Note.create(body=text)
    fetched = await Note.get(id=note.id)
    assert len(fetched.body) == len(text)
    assert fetched.body == text


async def test_ten_megabytes_of_bytes_round_trip(db) -> None:
    blob = os.urandom(TEN_MB) + bytes(range(256))
    note = await Note.create(blob=blob)
    fetched = await Note.get(id=note.id)
    assert fetched.blob == blob
    await Note.filter(id=note.id).update(blob=blob[::-1])
    assert (await Note.get(id=note.id)).blob == blob[::-1]


@pytest.mark.parametrize("value", [b"", b"\x00", b"\x00" * 1000, bytes(range(256)) * 4])
async def test_edge_bytes_round_trip(db, value: bytes) -> None:
    note = await Note.create(blob=value)
    assert (await Note.get(id=note.id)).blob == value


async def test_nul_in_text_round_trips_where_the_database_keeps_it(db) -> None:
    value = "before\x00after"
    if db.name in POSTGRES:  # PostgreSQL text cannot hold NUL: the server's refusal, nothing written
        with pytest.raises(OperationalError, match=r"0x00"):
            await Note.create(title=value, body=value)
        assert await Note.all().count() == 0
        return
    note = await Note.create(title=value, body=value)
    fetched = await Note.get(id=note.id)
    assert (fetched.title, fetched.body) == (value, value)
