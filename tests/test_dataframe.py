"""``await qs.to_dataframe()`` on every backend: columns typed from fields, values equal to the instances'."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest

from orm import timezone
from orm.exceptions import ParamsError
from orm.functions import Count, Length
from tests.models import AllFields, Color, Event, Priority, Tournament

pd = pytest.importorskip("pandas")
UTC = datetime.timezone.utc
ROWS = [
    dict(int_field=1, bigint_field=2**40, smallint_field=-3, char_field="é", text_field="long", bool_field=True,
         decimal_field=Decimal("12.3456"), float_field=0.5,
         datetime_field=datetime.datetime(2024, 2, 29, 23, 59, 59, 123456, tzinfo=UTC),
         date_field=datetime.date(2024, 1, 2), time_field=datetime.time(10, 11, 12),
         timedelta_field=datetime.timedelta(days=1, microseconds=7), json_field={"a": [1, 2]},
         uuid_field=uuid.UUID(int=5), binary_field=b"\x00\x01", int_enum=Priority.HIGH, char_enum=Color.BLUE),
    {},  # every column NULL
]


@pytest.fixture
async def frame(db):
    for row in ROWS:
        await AllFields.create(**row)
    return await AllFields.all().order_by("id").to_dataframe()


async def test_dtypes_follow_the_fields(frame) -> None:
    dtypes = {name: str(dtype) for name, dtype in frame.dtypes.items()}
    # all integers are Int64 (a narrower dtype would overflow in pandas arithmetic)
    assert dtypes["int_field"] == dtypes["bigint_field"] == dtypes["smallint_field"] == "Int64"
    assert dtypes["char_field"] == "string" and dtypes["text_field"] == "string"
    assert dtypes["bool_field"] == "boolean" and dtypes["float_field"] == "float64"
    assert dtypes["datetime_field"].startswith("datetime64[") and dtypes["datetime_field"].endswith(", UTC]")
    assert dtypes["date_field"].startswith("datetime64[")
    assert dtypes["timedelta_field"].startswith("timedelta64[")
    assert dtypes["int_enum"] == "category" and dtypes["char_enum"] == "category"
    for name in ("decimal_field", "json_field", "uuid_field", "binary_field", "time_field"):
        assert dtypes[name] == "object", name


async def test_values_match_what_instances_hold(frame) -> None:
    first, empty = frame.iloc[0], frame.iloc[1]
    row = ROWS[0]
    assert first["int_field"] == 1 and first["bigint_field"] == 2**40 and first["smallint_field"] == -3
    assert first["char_field"] == "é" and bool(first["bool_field"]) is True
    assert first["decimal_field"] == Decimal("12.3456") and isinstance(first["decimal_field"], Decimal)
    assert first["datetime_field"] == pd.Timestamp(row["datetime_field"])
    assert first["date_field"] == pd.Timestamp("2024-01-02")
    assert first["time_field"] == datetime.time(10, 11, 12)
    assert first["timedelta_field"] == pd.Timedelta(days=1, microseconds=7)
    assert first["json_field"] == {"a": [1, 2]} and first["uuid_field"] == uuid.UUID(int=5)
    assert first["binary_field"] == b"\x00\x01"
    assert first["int_enum"] == Priority.HIGH.value and first["char_enum"] == Color.BLUE.value
    assert list(frame["char_enum"].cat.categories) == [c.value for c in Color]
    for name in ("int_field", "char_field", "bool_field", "datetime_field", "date_field", "decimal_field"):
        assert pd.isna(empty[name]), name


async def test_selected_columns_relations_and_annotations(db) -> None:
    cup = await Tournament.create(name="Cup")
    for name in ("a", "bb", "ccc"):
        await Event.create(name=name, tournament=cup, prize=Decimal("1.50"))
    df = await Event.all().order_by("id").to_dataframe("name", "tournament__name", "prize")
    assert list(df.columns) == ["name", "tournament__name", "prize"]
    assert df["tournament__name"].tolist() == ["Cup"] * 3
    counted = await Tournament.annotate(n=Count("events")).to_dataframe("name", "n")
    assert counted["n"].tolist() == [3] and str(counted["n"].dtype) == "Int64"
    lengths = await Event.annotate(length=Length("name")).order_by("id").to_dataframe("length")
    assert lengths["length"].tolist() == [1, 2, 3]


async def test_decimal_float_index_and_errors(db) -> None:
    cup = await Tournament.create(name="Cup")
    await Event.create(name="x", tournament=cup, prize=Decimal("2.25"))
    df = await Event.all().to_dataframe("id", "prize", decimal="float", index="id")
    assert df.index.name == "id" and str(df["prize"].dtype) == "float64" and df["prize"].iloc[0] == 2.25
    with pytest.raises(ParamsError, match="decimal="):
        await Event.all().to_dataframe(decimal="round")
    with pytest.raises(ParamsError, match="index="):
        await Event.all().to_dataframe("name", index="id")


async def test_empty_result_keeps_the_columns(db) -> None:
    df = await Event.filter(name="none").to_dataframe("id", "name")
    assert list(df.columns) == ["id", "name"] and len(df) == 0


async def test_datetimes_follow_the_configured_time_zone(backend) -> None:
    from tests.helpers import orm_session

    async with orm_session(backend, timezone="Europe/Paris"):
        await AllFields.create(datetime_field=datetime.datetime(2024, 7, 1, 12, 0, tzinfo=UTC))
        df = await AllFields.all().to_dataframe("datetime_field")
        stamp = df["datetime_field"].iloc[0]
        assert str(stamp.tz) == "Europe/Paris" and stamp.hour == 14
    timezone.configure()
