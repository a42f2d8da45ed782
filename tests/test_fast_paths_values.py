"""The fields' quick converters against the general steps they shortcut, value by value.

Writing: ``Field.writer`` (what save() and bulk_create() bind) must give what ``validate`` then
``db_converter`` give, or the same error. Reading: ``python_converter`` must give what the
dialect's ``result_converter`` gives. Given values: ``user_converter`` must give what ``given_value`` gives.
Each on every dialect and under each time-zone setting.
"""

from __future__ import annotations

import datetime
import json
import math
import random
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from orm import fields, persistence, timezone
from orm.backends.base.dialect import Dialect
from orm.backends.base_postgres.dialect import PostgresDialect
from orm.backends.mysql.dialect import MySQLDialect
from orm.backends.sqlite.dialect import SQLiteDialect
from orm.exceptions import ValidationError
from orm.fields.base import Field, given_value
from orm.models import Model
from orm.write_plan import Columns, auto_fields

UTC = datetime.timezone.utc
PARIS = ZoneInfo("Europe/Paris")
PLUS5 = datetime.timezone(datetime.timedelta(hours=5))
DIALECTS = [SQLiteDialect(), PostgresDialect(), MySQLDialect()]


class Values(Model):
    id = fields.IntField(primary_key=True)
    when = fields.DatetimeField(null=True)
    money = fields.DecimalField(max_digits=12, decimal_places=4, null=True)
    fraction = fields.DecimalField(max_digits=4, decimal_places=4, null=True)
    exact = fields.DecimalField(max_digits=30, decimal_places=10, null=True)
    ratio = fields.FloatField(null=True)
    doc = fields.JSONField(null=True)
    sorted_doc = fields.JSONField(encoder=lambda value: json.dumps(value, sort_keys=True), null=True)


DATETIMES = [
    datetime.datetime(2024, 3, 31, 1, 30, 0, 123456, tzinfo=UTC),
    datetime.datetime(2024, 3, 31, 3, 30, tzinfo=PARIS),
    datetime.datetime(2024, 3, 31, 3, 30, tzinfo=PLUS5),
    datetime.datetime(2024, 3, 31, 3, 30),
    datetime.datetime(1, 1, 1, tzinfo=PLUS5),  # year 0 in UTC
    datetime.datetime(1, 1, 1, tzinfo=UTC),
    datetime.datetime.max.replace(tzinfo=UTC),
    datetime.datetime(9999, 12, 31, 23, tzinfo=PARIS),
    datetime.date(2024, 1, 2),
    "2024-01-02T03:04:05+02:00",
    "2024-01-02 03:04:05",
    "2024-01-02 03:04:05.123456+00:00",  # as SQLite keeps it
    "not a date",
    1_700_000_000,
    None,
]
DECIMALS = [
    Decimal("1.005"), Decimal("-0"), Decimal("0E-10"), Decimal("99999999.9999"), Decimal("-99999999.9999"),
    Decimal("99999999.99995"), Decimal("99999999.99994"), Decimal("100000000"), Decimal("-100000000"),
    Decimal("0.9999"), Decimal("0.99995"), Decimal("1"), Decimal("-1"), Decimal("1e30"), Decimal("1e-30"),
    Decimal("NaN"), Decimal("-Infinity"), Decimal("sNaN"),
    2.675, -1.015, 0.1, 1e20, 1e-20, -0.0, math.nan, math.inf,
    0, 7, -99999999, 100000000, 10**40, True,
    "3.14159", " 2.5 ", "abc", "1e5", None, [1],
]
FLOATS = [1.5, -0.0, 0.0, 1e308, 5e-324, math.nan, math.inf, -math.inf, 3, True, "2.5", "x", Decimal("1.1"), None]
JSONS = [{"a": [1, 2]}, [1, "b"], {"a": {1, 2}}, {"a": math.nan}, [], {}, "text", 1, None, (1, 2), {1: "x"}]

CASES = [("when", DATETIMES), ("money", DECIMALS), ("fraction", DECIMALS), ("exact", DECIMALS),
         ("ratio", FLOATS), ("doc", JSONS), ("sorted_doc", JSONS)]
ALL = [(name, value) for name, values in CASES for value in values]


def field(name: str) -> Field:
    return Values._meta.fields_map[name]


@pytest.fixture(params=["utc", "paris", "naive"])
def zone(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "paris":
        timezone.configure(timezone="Europe/Paris")
    elif request.param == "naive":
        timezone.configure(use_tz=False)
    yield request.param
    timezone.configure()


def outcome(convert: Callable[[Any], Any], value: Any) -> tuple[str, str]:
    """What converting gives: the result's type and repr (NaN == NaN), or the error's type and message."""
    try:
        result = convert(value)
    except Exception as exc:  # the same error, with the same message, is the point
        return type(exc).__name__, str(exc)
    return type(result).__name__, repr(result)


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
@pytest.mark.parametrize(("name", "value"), ALL)
def test_writer_gives_what_validate_and_convert_give(zone: str, dialect: Dialect, name: str, value: Any) -> None:
    column = field(name)
    convert = column.db_converter(dialect)

    def general(given: Any) -> Any:
        column.validate(given)
        return convert(given)

    assert outcome(column.writer(dialect), value) == outcome(general, value)


#: Where a dialect reads a column without conversion (its driver gives the Python type), there is nothing to compare.
READ = [(name, value, dialect) for name, value in ALL for dialect in DIALECTS
        if field(name).python_converter(dialect) is not None]


@pytest.mark.parametrize(("name", "value", "dialect"), READ, ids=lambda v: getattr(v, "name", None))
def test_reader_gives_what_the_dialects_converter_gives(zone: str, dialect: Dialect, name: str, value: Any) -> None:
    column = field(name)
    read = column.python_converter(dialect)
    assert read is not None
    if isinstance(value, str) and name.endswith("doc"):
        value = '"text"'  # drivers give JSON text
    general = dialect.result_converter(column)  # what python_converter adds its shortcut to
    assert general is not None
    assert outcome(read, value) == outcome(general, value)


@pytest.mark.parametrize(("name", "value"), ALL)
def test_user_converter_gives_what_given_value_gives(zone: str, name: str, value: Any) -> None:
    column = field(name)
    convert = column.user_converter() or (lambda v: v)
    assert outcome(convert, value) == outcome(lambda v: given_value(column, v), value)


def float_samples(places: int, seed: int) -> list[float]:
    """Floats a decimal column may hold: decimals of ``places`` places (as the ORM stores them on SQLite),
    of a few more places (halfway cases among them), arbitrary doubles, and the edges of the shortcut."""
    rng = random.Random(seed)
    samples = [0.0, -0.0, 5e-324, -5e-324, 1e-300, 2.0**53, 1e22, -1e22, 0.5, 2.675, 1.00005, 0.1 + 0.2]
    bound = 10.0 ** (15 - places)
    samples += [bound, -bound, math.nextafter(bound, 0), math.nextafter(-bound, 0), bound / 10, bound * 10]
    for _ in range(1500):
        digits = rng.randrange(1, 18)
        samples.append(float(Decimal(rng.randrange(-(10**digits), 10**digits)).scaleb(-places)))
        samples.append(float(Decimal(rng.randrange(-(10**digits), 10**digits)).scaleb(-places - rng.randrange(1, 4))))
        samples.append(float(Decimal(2 * rng.randrange(10**digits) + 1).scaleb(-places - 1) * 5))  # ties
        samples.append(rng.uniform(-1, 1) * 10.0 ** rng.randrange(-20, 20))
    return samples


@pytest.mark.parametrize("places", [0, 2, 4, 10, 15, 16])
def test_floats_become_the_decimal_of_their_repr(places: int) -> None:
    """The float shortcut of DecimalField (no repr) against what _quantize does: repr, then quantize."""
    column = fields.DecimalField(max_digits=places + 20, decimal_places=places)
    read = column.python_converter(SQLiteDialect())
    given = column.user_converter()
    assert read is not None and given is not None

    def exactly(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
        return lambda value: convert(value).as_tuple()  # sign, digits and exponent

    for value in float_samples(places, seed=places):
        expected = outcome(exactly(column._quantize), value)
        assert outcome(exactly(read), value) == expected, value
        assert outcome(exactly(given), value) == expected, value


def test_write_plan_params_are_the_writers_in_column_order() -> None:
    columns = Columns([field("ratio"), field("when"), field("money"), field("doc")], SQLiteDialect())
    aware = datetime.datetime(2024, 1, 1, tzinfo=UTC)
    state = {"ratio": 1.5, "when": aware, "money": Decimal("2"), "ignored": object()}  # no "doc": None
    assert columns.params(state) == [1.5, "2024-01-01 00:00:00+00:00", 2.0, None]
    del state["ignored"]
    assert columns.params_of([Values(**state), Values(ratio=2.5)]) == [*columns.params(state), 2.5, None, None, None]
    with pytest.raises(ValidationError, match=r"Values\.ratio"):  # the first bad value in column order
        columns.params({"money": "x", "ratio": "y"})


FIXED = datetime.datetime(2020, 2, 2, tzinfo=UTC)


class Stamp(fields.DatetimeField):
    """Its own auto_value, without auto_now or auto_now_add: it must still be applied on save."""

    def auto_value(self, creating: bool) -> datetime.datetime | None:
        return FIXED if creating else None


class Stamped(Model):
    id = fields.IntField(primary_key=True)
    plain = fields.DatetimeField(null=True)
    touched = fields.DatetimeField(auto_now=True)
    made = fields.DatetimeField(auto_now_add=True)
    stamp = Stamp(null=True)


class AnswersAtOnce:
    """A client whose INSERT returns the key 41 and whose UPDATE changes one row."""

    dialect = SQLiteDialect()

    async def insert(self, sql: str, params: list[Any], returning: bool) -> Any:
        return [(41,)] if returning else 41

    async def execute(self, sql: str, params: list[Any]) -> int:
        return 1


def test_only_fields_that_can_set_a_value_on_save_are_auto_fields() -> None:
    names = [f.model_field_name for f in auto_fields(Stamped._meta.db_fields)]
    assert names == ["touched", "made", "stamp"]


async def test_insert_and_update_apply_auto_values_and_fill_the_key() -> None:
    row = Stamped(plain=None)
    await persistence.insert(row, AnswersAtOnce())
    assert (row.id, row.plain, row.stamp, row._saved_in_db) == (41, None, FIXED, True)
    assert row.made is not None and row.touched is not None
    made, row.stamp = row.made, None
    await persistence.update(row, AnswersAtOnce(), None, must_exist=True)
    assert row.made == made and row.stamp is None and row.touched >= made  # creating=False: no stamp
