"""``await qs.to_polars()`` on every backend: polars dtypes from the fields, values as the instances hold them.

Also: the progress bar of long exports is for notebooks only (``orm.dataframe.fetch_rows``).
"""

from __future__ import annotations

import datetime
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

from orm.exceptions import ParamsError
from tests.models import AllFields, Color, Event, Tournament
from tests.test_dataframe import ROWS

pl = pytest.importorskip("polars")


@pytest.fixture
async def frame(db):
    for row in ROWS:
        await AllFields.create(**row)
    return await AllFields.all().order_by("id").to_polars()


async def test_dtypes_follow_the_fields(frame) -> None:
    schema = dict(frame.schema)
    for name in ("int_field", "bigint_field", "smallint_field"):
        assert schema[name] == pl.Int64, name
    assert schema["char_field"] == schema["text_field"] == pl.String
    assert schema["bool_field"] == pl.Boolean and schema["float_field"] == pl.Float64
    assert schema["datetime_field"] == pl.Datetime("us", "UTC")
    assert schema["date_field"] == pl.Date and schema["time_field"] == pl.Time
    assert schema["timedelta_field"] == pl.Duration("us")
    assert schema["decimal_field"] == pl.Decimal(12, 4)
    assert schema["char_enum"] == pl.Enum([c.value for c in Color])
    assert schema["int_enum"] == pl.Int64  # polars enums hold strings only
    assert schema["json_field"] == pl.Object and schema["binary_field"] == pl.Binary
    assert schema["uuid_field"] == pl.String


async def test_values_match_what_instances_hold(frame) -> None:
    first, empty = frame.row(0, named=True), frame.row(1, named=True)
    source = ROWS[0]
    assert first["bigint_field"] == 2**40 and first["char_field"] == "é"
    assert first["decimal_field"] == Decimal("12.3456")  # exact
    assert first["datetime_field"] == source["datetime_field"]
    assert first["date_field"] == datetime.date(2024, 1, 2)
    assert first["timedelta_field"] == datetime.timedelta(days=1, microseconds=7)
    assert first["json_field"] == {"a": [1, 2]} and first["uuid_field"] == str(uuid.UUID(int=5))
    assert first["binary_field"] == b"\x00\x01" and first["char_enum"] == Color.BLUE.value
    assert all(value is None for name, value in empty.items() if name != "id")


async def test_selected_columns_relations_and_decimal_as_float(db) -> None:
    cup = await Tournament.create(name="Cup")
    await Event.create(name="final", tournament=cup, prize=Decimal("2.25"))
    df = await Event.all().to_polars("name", "tournament__name", "prize", decimal="float")
    assert df.columns == ["name", "tournament__name", "prize"]
    assert df.row(0) == ("final", "Cup", 2.25) and df.schema["prize"] == pl.Float64
    with pytest.raises(ParamsError, match="decimal="):
        await Event.all().to_polars(decimal="round")
    empty = await Event.filter(name="none").to_polars("id", "name")
    assert empty.columns == ["id", "name"] and empty.height == 0


SCRIPT = """
import asyncio
from orm import Tortoise
from tests.models import Tournament

async def main():
    await Tortoise.init(db_url="sqlite://:memory:", modules={"models": ["tests.models"]})
    await Tortoise.generate_schemas()
    await Tournament.bulk_create([Tournament(name=f"t{i}") for i in range(12_000)])
    df = await Tournament.all().to_dataframe("id")
    print(len(df))
    await Tortoise.close_connections()

asyncio.run(main())
"""


def test_a_script_exporting_many_rows_shows_no_progress_bar() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "12000"
    assert "rows" not in done.stderr and "%" not in done.stderr  # tqdm writes its bar to stderr
