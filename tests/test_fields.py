"""Data fields against the database: create -> fetch -> compare values and types.

Time fields (datetime, date, time, timedelta, time zones) are in test_fields_time.py;
defaults, describe() and field construction in test_fields_meta.py.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

import pytest

from orm.exceptions import OperationalError, ValidationError
from tests.fields_support import round_trip, same
from tests.helpers import orm_session
from tests.models import AllFields, Color, Priority
from tests.models_fields import FieldsCodec, FieldsRequired


@pytest.fixture
async def db(backend):
    async with orm_session(backend, ["tests.models", "tests.models_fields"]) as active:
        yield active


async def assert_rejected(field: str, value: Any, *fragments: str) -> None:
    """Creating an AllFields with ``field=value`` raises ValidationError naming it; no row is written."""
    with pytest.raises(ValidationError) as info:
        await AllFields.create(**{field: value})
    message = str(info.value)
    assert field in message
    for fragment in fragments:
        assert fragment in message
    assert await AllFields.all().count() == 0


# -- integers --------------------------------------------------------------------------------
INT_BOUNDS = [
    ("int_field", -(2**31), 2**31 - 1),
    ("bigint_field", -(2**63), 2**63 - 1),
    ("smallint_field", -(2**15), 2**15 - 1),
]


@pytest.mark.parametrize(("field", "low", "high"), INT_BOUNDS, ids=[b[0] for b in INT_BOUNDS])
async def test_integer_bounds_round_trip(db, field: str, low: int, high: int) -> None:
    for value in (low, high, 0, -1, 1):
        fetched = await round_trip(**{field: value})
        same(getattr(fetched, field), value)


@pytest.mark.parametrize(("field", "low", "high"), INT_BOUNDS, ids=[b[0] for b in INT_BOUNDS])
async def test_integer_out_of_range_is_a_validation_error(db, field: str, low: int, high: int) -> None:
    await assert_rejected(field, high + 1, str(high))
    await assert_rejected(field, low - 1, str(low))


async def test_integer_given_as_text_is_converted(db) -> None:
    fetched = await round_trip(int_field="42", bigint_field=" -7 ")
    same(fetched.int_field, 42)
    same(fetched.bigint_field, -7)


# -- text -------------------------------------------------------------------------------------
TRICKY_TEXT = [
    "plain",
    "naïve café Ωμέγα 日本語",
    "emoji 😀👍🏽🇫🇷",
    "quotes ' \" `",
    "back\\slash \\n \\x00 %s ? :1 $1",
    "line\nbreak\ttab\r\n",
    "'; DROP TABLE allfields; --",
    "",
]


@pytest.mark.parametrize("text", TRICKY_TEXT)
async def test_char_and_text_round_trip(db, text: str) -> None:
    fetched = await round_trip(char_field=text, text_field=text)
    same(fetched.char_field, text)
    same(fetched.text_field, text)
    assert await AllFields.filter(char_field=text).count() == 1


async def test_char_nul_round_trips_except_on_postgresql(db) -> None:
    text = "before\x00after"
    if db.name in ("asyncpg", "psycopg"):  # PostgreSQL text cannot hold NUL: the database refuses it
        for field in ("char_field", "text_field"):
            with pytest.raises(OperationalError):
                await AllFields.create(**{field: text})
        assert await AllFields.all().count() == 0
        return
    fetched = await round_trip(char_field=text, text_field=text)
    same(fetched.char_field, text)
    same(fetched.text_field, text)


async def test_char_max_length_counts_characters(db) -> None:
    exactly = "é" * 99 + "😀"  # 100 characters, many more bytes
    fetched = await round_trip(char_field=exactly)
    same(fetched.char_field, exactly)
    await AllFields.all().delete()
    await assert_rejected("char_field", "x" * 101, "101", "100")


async def test_char_max_length_is_checked_on_update(db) -> None:
    row = await AllFields.create(char_field="short")
    row.char_field = "y" * 101
    with pytest.raises(ValidationError, match="char_field"):
        await row.save()
    same((await AllFields.get(id=row.id)).char_field, "short")


async def test_long_text_round_trips(db) -> None:
    text = "".join(chr(0x20 + i % 0x3000) for i in range(200_000))
    fetched = await round_trip(text_field=text)
    same(fetched.text_field, text)


# -- booleans ------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", [True, False])
async def test_boolean_round_trips_as_bool(db, value: bool) -> None:
    fetched = await round_trip(bool_field=value)
    same(fetched.bool_field, value)
    assert await AllFields.filter(bool_field=value).count() == 1
    assert await AllFields.filter(bool_field=not value).count() == 0


# -- decimals ------------------------------------------------------------------------------------
async def test_decimal_is_exact_and_quantized_to_its_places(db) -> None:
    fetched = await round_trip(decimal_field=Decimal("1.10"))
    same(fetched.decimal_field, Decimal("1.10"))
    assert fetched.decimal_field.as_tuple().exponent == -4  # decimal_places=4
    assert str(fetched.decimal_field) == "1.1000"


@pytest.mark.parametrize(
    "text", ["12345678.1234", "-99999999.9999", "0.0001", "-0.0001", "0", "31415926.5358", "1E+3"]
)
async def test_decimal_keeps_every_digit(db, text: str) -> None:
    fetched = await round_trip(decimal_field=Decimal(text))
    same(fetched.decimal_field, Decimal(text))
    assert fetched.decimal_field.as_tuple().exponent == -4


async def test_decimal_extra_places_are_rounded_half_even(db) -> None:
    fetched = await round_trip(decimal_field=Decimal("2.00005"), wide_decimal=Decimal("1.00000000015"))
    same(fetched.decimal_field, Decimal("2.0000"))  # ...5 rounds to the even 0
    same(fetched.wide_decimal, Decimal("1.0000000002"))


async def test_decimal_from_float_uses_its_shortest_repr(db) -> None:
    fetched = await round_trip(decimal_field=0.1, wide_decimal=1.1)
    same(fetched.decimal_field, Decimal("0.1"))
    same(fetched.wide_decimal, Decimal("1.1"))


@pytest.mark.parametrize(
    "text",
    [
        "12345678901234567890.1234567891",
        "-98765432109876543210.0987654321",
        "0.0000000001",
        "99999999999999999999.9999999999",
    ],
)
async def test_wide_decimal_keeps_all_thirty_digits(db, text: str) -> None:
    fetched = await round_trip(wide_decimal=Decimal(text))
    same(fetched.wide_decimal, Decimal(text))
    assert fetched.wide_decimal.as_tuple() == Decimal(text).as_tuple()  # same digits and exponent
    values = await AllFields.filter(id=fetched.id).values_list("wide_decimal", flat=True)
    assert [v.as_tuple() for v in values] == [fetched.wide_decimal.as_tuple()]


async def test_decimal_too_many_integer_digits_is_a_validation_error(db) -> None:
    await assert_rejected("decimal_field", Decimal("123456789"), "8 digits")  # 12 digits, 4 places
    await assert_rejected("wide_decimal", Decimal(10) ** 20, "20 digits")  # 30 digits, 10 places
    fetched = await round_trip(wide_decimal=Decimal(10) ** 20 - 1)
    same(fetched.wide_decimal, Decimal(10) ** 20 - 1)


async def test_decimal_not_a_number_text_is_a_validation_error(db) -> None:
    with pytest.raises(ValidationError, match="decimal_field"):
        AllFields(decimal_field="twelve")


# -- floats --------------------------------------------------------------------------------------
FLOATS = [1.5, -0.25, 1 / 3, 1e308, -2.2250738585072014e-308, 0.0, 123456789.123456789]


@pytest.mark.parametrize("value", FLOATS)
async def test_float_round_trips_exactly(db, value: float) -> None:
    fetched = await round_trip(float_field=value)
    same(fetched.float_field, value)


async def test_float_given_an_int_reads_back_a_float(db) -> None:
    fetched = await round_trip(float_field=3)
    same(fetched.float_field, 3.0)


# -- JSON ----------------------------------------------------------------------------------------
JSON_VALUES = [
    {"a": 1, "b": [1, 2, {"c": None}], "d": {"e": {"f": "deep"}}},
    [1, "two", 3.5, None, True, [], {}],
    {"unicode": "日本語 😀", "quote": "he said \"hi\"", "backslash": "a\\b"},
    "a plain string",
    "null",
    '{"looks": "like json"}',
    "",
    42,
    -1.25,
    0,
    True,
    False,
    [],
    {},
]


@pytest.mark.parametrize("value", JSON_VALUES, ids=[repr(v)[:30] for v in JSON_VALUES])
async def test_json_round_trips_values_and_types(db, value: Any) -> None:
    created = await AllFields.create(json_field=value)
    same(created.json_field, value)
    fetched = await AllFields.get(id=created.id)
    same(fetched.json_field, value)


async def test_json_string_assigned_after_creation_round_trips(db) -> None:
    row = await AllFields.create(json_field={"x": 1})
    row.json_field = "[1, 2]"
    await row.save()
    same((await AllFields.get(id=row.id)).json_field, "[1, 2]")
    row.update_from_dict({"json_field": "true"})
    await row.save()
    same((await AllFields.get(id=row.id)).json_field, "true")


async def test_json_none_is_sql_null_not_json_null(db) -> None:
    # Known limit (as in Tortoise): None is stored as SQL NULL, so JSON null cannot be stored.
    row = await AllFields.create(json_field=None)
    assert (await AllFields.get(id=row.id)).json_field is None
    assert await AllFields.filter(json_field__isnull=True).count() == 1
    with pytest.raises(ValidationError, match="json_field"):
        await FieldsRequired.create(**{**required_values(), "json_field": None})


async def test_json_not_serialisable_is_a_validation_error(db) -> None:
    await assert_rejected("json_field", {"a": {1, 2}}, "JSON")
    await assert_rejected("json_field", object(), "JSON")


async def test_json_encoder_and_decoder_replace_the_codec(db) -> None:
    stored = {"price": Decimal("12.50"), "day": datetime.date(2024, 2, 29), "ratio": 0.1, "n": 3}
    row = await FieldsCodec.create(data=stored)
    expected = {"price": Decimal("12.5"), "day": "2024-02-29", "ratio": Decimal("0.1"), "n": 3}
    fetched = await FieldsCodec.get(id=row.id)
    assert fetched.data == expected
    assert type(fetched.data["ratio"]) is Decimal and type(fetched.data["n"]) is int  # the decoder read it
    assert await FieldsCodec.filter(id=row.id).values_list("data", flat=True) == [expected]
    assert await FieldsCodec.filter(id=row.id).values("data") == [{"data": expected}]
    plain = await round_trip(json_field={"ratio": 0.1})
    assert type(plain.json_field["ratio"]) is float  # the default codec is untouched


# -- UUID, bytes ----------------------------------------------------------------------------------
async def test_uuid_round_trips_from_uuid_and_text(db) -> None:
    value = uuid.uuid4()
    fetched = await round_trip(uuid_field=value)
    same(fetched.uuid_field, value)
    other = uuid.uuid4()
    fetched = await round_trip(uuid_field=str(other).upper())
    same(fetched.uuid_field, other)
    assert await AllFields.filter(uuid_field=value).count() == 1


async def test_uuid_bad_text_is_a_validation_error(db) -> None:
    with pytest.raises(ValidationError, match="uuid_field"):
        AllFields(uuid_field="not-a-uuid")


@pytest.mark.parametrize("value", [b"", b"\x00", bytes(range(256)), b"\x00" * 1000 + b"end", "é😀".encode()])
async def test_binary_round_trips(db, value: bytes) -> None:
    fetched = await round_trip(binary_field=value)
    same(fetched.binary_field, value)


async def test_binary_from_bytearray_reads_back_bytes(db) -> None:
    fetched = await round_trip(binary_field=bytearray(b"\x01\x00\x02"))
    same(fetched.binary_field, b"\x01\x00\x02")


# -- enums ----------------------------------------------------------------------------------------
async def test_enums_round_trip_as_members(db) -> None:
    fetched = await round_trip(int_enum=Priority.HIGH, char_enum=Color.BLUE)
    same(fetched.int_enum, Priority.HIGH)
    same(fetched.char_enum, Color.BLUE)


async def test_enums_given_raw_values_become_members(db) -> None:
    created = await AllFields.create(int_enum=2, char_enum="red")
    same(created.int_enum, Priority.MEDIUM)
    same(created.char_enum, Color.RED)
    fetched = await AllFields.get(id=created.id)
    same(fetched.int_enum, Priority.MEDIUM)
    same(fetched.char_enum, Color.RED)
    assert await AllFields.filter(int_enum=Priority.MEDIUM, char_enum=Color.RED).count() == 1


async def test_enum_invalid_value_is_a_validation_error(db) -> None:
    await assert_rejected("int_enum", 9, "Priority")
    await assert_rejected("char_enum", "pink", "Color")


async def test_enum_invalid_value_assigned_later_is_rejected_on_save(db) -> None:
    row = await AllFields.create(char_enum=Color.RED, int_enum=Priority.LOW)
    row.char_enum = "pink"
    with pytest.raises(ValidationError, match="char_enum"):
        await row.save()
    row.char_enum = Color.RED
    row.int_enum = 7
    with pytest.raises(ValidationError, match="int_enum"):
        await row.save()
    fetched = await AllFields.get(id=row.id)
    same(fetched.int_enum, Priority.LOW)


# -- bad types at construction ------------------------------------------------------------------
BAD_VALUES = [
    ("int_field", "abc"),
    ("bigint_field", "1.5.2"),
    ("smallint_field", [1]),
    ("float_field", "x"),
    ("decimal_field", "1,5"),
    ("uuid_field", "1234"),
    ("datetime_field", "yesterday"),
    ("date_field", "2020-13-45"),
    ("time_field", "25:99"),
    ("timedelta_field", "a while"),
    ("binary_field", "text is not bytes"),
    ("int_enum", "HIGH"),
    ("char_enum", "purple"),
]


@pytest.mark.parametrize(("field", "value"), BAD_VALUES, ids=[b[0] for b in BAD_VALUES])
async def test_bad_value_type_is_a_validation_error_naming_the_field(db, field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        AllFields(**{field: value})
    assert field in str(info.value)
    assert repr(value) in str(info.value)


@pytest.mark.parametrize(("field", "value"), BAD_VALUES, ids=[b[0] for b in BAD_VALUES])
async def test_bad_value_assigned_later_is_a_validation_error_on_save(db, field: str, value: Any) -> None:
    row = await AllFields.create()
    setattr(row, field, value)
    with pytest.raises(ValidationError) as info:
        await row.save()
    assert str(info.value).startswith(f"AllFields.{field}: {value!r} ")
    assert getattr(await AllFields.get(id=row.id), field) is None


async def test_binary_refuses_an_int_instead_of_making_nul_bytes(db) -> None:
    with pytest.raises(ValidationError, match="binary_field"):
        AllFields(binary_field=5)


# -- NULL -----------------------------------------------------------------------------------------
DATA_FIELDS = [f.model_field_name for f in AllFields._meta.db_fields if not f.pk]


async def test_every_nullable_field_reads_back_none(db) -> None:
    omitted = await round_trip()
    explicit = await round_trip(**dict.fromkeys(DATA_FIELDS))
    for name in DATA_FIELDS:
        assert getattr(omitted, name) is None, name
        assert getattr(explicit, name) is None, name
    rows = await AllFields.all().values(*DATA_FIELDS)
    assert rows == [dict.fromkeys(DATA_FIELDS)] * 2


def required_values() -> dict[str, Any]:
    """A valid value for every FieldsRequired column."""
    return {
        "int_field": 1,
        "bigint_field": 2,
        "smallint_field": 3,
        "char_field": "c",
        "text_field": "t",
        "bool_field": False,
        "decimal_field": Decimal("1.5"),
        "float_field": 0.0,
        "datetime_field": datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc),
        "date_field": datetime.date(2020, 1, 1),
        "time_field": datetime.time(0, 0),
        "timedelta_field": datetime.timedelta(0),
        "json_field": {},
        "uuid_field": uuid.UUID(int=0),
        "binary_field": b"",
        "int_enum": Priority.LOW,
        "char_enum": Color.RED,
    }


REQUIRED = list(required_values())


async def test_required_values_are_accepted(db) -> None:
    created = await FieldsRequired.create(**required_values())
    fetched = await FieldsRequired.get(id=created.id)
    for name, value in required_values().items():
        same(getattr(fetched, name), value)


@pytest.mark.parametrize("field", REQUIRED)
async def test_none_for_a_required_field_is_a_validation_error_on_save(db, field: str) -> None:
    instance = FieldsRequired(**{**required_values(), field: None})  # accepted until saved
    with pytest.raises(ValidationError) as info:
        await instance.save()
    assert str(info.value) == f"FieldsRequired.{field}: a value is required, got None"
    assert await FieldsRequired.all().count() == 0


async def test_missing_required_field_is_a_validation_error(db) -> None:
    values = required_values()
    del values["text_field"]
    with pytest.raises(ValidationError, match="text_field"):
        await FieldsRequired.create(**values)
    assert await FieldsRequired.all().count() == 0


async def test_none_assigned_to_a_saved_required_field_is_rejected(db) -> None:
    row = await FieldsRequired.create(**required_values())
    row.char_field = None
    with pytest.raises(ValidationError, match="char_field"):
        await row.save()
    same((await FieldsRequired.get(id=row.id)).char_field, "c")


async def test_bulk_create_stores_every_field_type_as_create_does(db) -> None:
    """bulk_create has its own statement (arrays per column on PostgreSQL): the rows it
    writes read back exactly as those written one by one, NULLs included."""
    full = {
        "int_field": -7, "bigint_field": 2**40, "smallint_field": 300, "char_field": "naïve 'quote'",
        "text_field": "line\nbreak", "bool_field": False, "decimal_field": Decimal("12.3400"),
        "wide_decimal": Decimal("12345678901234567890.0123456789"), "float_field": 0.1,
        "datetime_field": datetime.datetime(2024, 2, 29, 23, 59, 1, 5, tzinfo=datetime.timezone.utc),
        "date_field": datetime.date(1, 1, 1), "time_field": datetime.time(12, 30, 5),
        "timedelta_field": datetime.timedelta(days=-1, microseconds=3), "json_field": {"a": [1, None, "x"]},
        "uuid_field": uuid.UUID(int=5), "binary_field": b"\x00\xff", "int_enum": Priority.HIGH,
        "char_enum": Color.RED,
    }
    rows = [full, {}, {**full, "json_field": "just a string", "char_field": None}]
    singles = [await AllFields.create(**values) for values in rows]
    bulked = await AllFields.bulk_create([AllFields(**values) for values in rows])
    for single, bulk in zip(singles, bulked):
        one, other = await AllFields.get(id=single.id), await AllFields.get(id=bulk.id)
        for name in AllFields._meta.fields_map:
            expected, got = getattr(one, name), getattr(other, name)
            if name == "id":
                continue
            if expected is None:
                assert got is None, name
            else:
                same(got, expected)
