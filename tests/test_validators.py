"""orm.validators on their own, and fields with ``validators=[...]`` refusing to write bad values."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from orm.exceptions import ValidationError
from orm.validators import (
    CommaSeparatedIntegerListValidator,
    MaxLengthValidator,
    MaxValueValidator,
    MinLengthValidator,
    MinValueValidator,
    RegexValidator,
    validate_ipv4_address,
    validate_ipv6_address,
    validate_ipv46_address,
)
from tests.helpers import orm_session
from tests.models_fields import FieldsValidated


@pytest.fixture
async def db(backend):
    async with orm_session(backend, ["tests.models", "tests.models_fields"]) as active:
        yield active


def check(validator: Any, good: list[Any], bad: list[Any], message: str = "") -> None:
    """``validator`` returns None for every good value and raises ValidationError for every bad one."""
    for value in good:
        assert validator(value) is None, value
    for value in bad:
        with pytest.raises(ValidationError) as info:
            validator(value)
        assert message in str(info.value), (value, str(info.value))


# -- each validator ----------------------------------------------------------------------------------
def test_regex_validator_matches_from_the_start() -> None:
    check(RegexValidator(r"[a-z]+\d"), ["abc1", "x9", "ab1-and-more"], ["1abc", "ABC1", "", " abc1"], "regex")
    check(RegexValidator(r"^[a-z]+$", re.IGNORECASE), ["abc", "ABC", "aBc"], ["ab c", "ab1", ""])


def test_regex_validator_message_names_value_and_pattern() -> None:
    with pytest.raises(ValidationError, match=r"'42'.*\[a-z\]"):
        RegexValidator("[a-z]")("42")


def test_max_length_validator() -> None:
    check(MaxLengthValidator(3), ["", "abc", "日本語", [1, 2, 3], b"abc"], ["abcd", [1, 2, 3, 4], "😀😀😀😀"], "> 3")
    with pytest.raises(ValidationError, match="None"):
        MaxLengthValidator(3)(None)


def test_min_length_validator() -> None:
    check(MinLengthValidator(2), ["ab", "abc", [1, 2]], ["", "a", [1]], "< 2")
    with pytest.raises(ValidationError, match="None"):
        MinLengthValidator(2)(None)


def test_min_value_validator() -> None:
    check(MinValueValidator(10), [10, 11, 10.0, Decimal("10.0001"), 1e9], [9, 9.999, Decimal("9.99"), -10], "10")
    check(MinValueValidator(Decimal("0.5")), [Decimal("0.5"), 1], [Decimal("0.49"), 0.25])


def test_max_value_validator() -> None:
    check(MaxValueValidator(10), [10, -5, 9.5, Decimal("10.00")], [11, 10.01, Decimal("10.001")], "10")
    check(MaxValueValidator(-1.5), [-1.5, -2], [-1.4, 0])


def test_value_validators_need_numbers() -> None:
    for validator in (MinValueValidator(0), MaxValueValidator(0)):
        for value in ("5", None, [1]):
            with pytest.raises(ValidationError, match="numeric"):
                validator(value)
    for make in (MinValueValidator, MaxValueValidator):
        with pytest.raises(ValidationError, match="numeric"):
            make("10")


def test_comma_separated_integer_list_validator() -> None:
    check(
        CommaSeparatedIntegerListValidator(),
        ["1", "1,2,3", "10,200,3000", "007"],
        ["", "1,", ",1", "1,,2", "1, 2", "a,b", "1.5", "-1", "1,2\n", "1;2"],
    )
    check(CommaSeparatedIntegerListValidator(allow_negative=True), ["-1", "1,-2,3", "-10,-20"], ["--1", "1,-", "+1"])


def test_ipv4_validator() -> None:
    check(
        validate_ipv4_address,
        ["127.0.0.1", "0.0.0.0", "255.255.255.255", "192.168.1.10"],
        ["256.0.0.1", "1.2.3", "1.2.3.4.5", "::1", "localhost", "", "1.2.3.-4"],
        "IPv4",
    )


def test_ipv6_validator() -> None:
    check(
        validate_ipv6_address,
        ["::1", "::", "2001:db8::8a2e:370:7334", "fe80::1", "::ffff:192.0.2.1"],
        ["1.2.3.4", "2001:db8::g", "1:2:3:4:5:6:7:8:9", ":::", "", "12345::"],
        "IPv6",
    )


def test_ipv46_validator() -> None:
    check(
        validate_ipv46_address,
        ["10.0.0.1", "::1", "2001:db8::1"],
        ["999.1.1.1", "not an ip", "", "1:2"],
        "IPv4 or IPv6",
    )


# -- fields with validators: nothing reaches the database ------------------------------------------
GOOD = {"username": "alice", "score": 50, "price": Decimal("2.50"), "address": "::1", "numbers": "1,2,3"}
BAD = [
    ("username", "al"),  # MinLengthValidator(3)
    ("username", "alice1"),  # RegexValidator
    ("username", "x" * 21),  # the CharField's own max_length
    ("score", -1),
    ("score", 101),
    ("price", Decimal("0.49")),
    ("address", "300.1.1.1"),
    ("numbers", "1,,2"),
]


async def test_good_values_pass_every_validator(db) -> None:
    created = await FieldsValidated.create(**GOOD)
    fetched = await FieldsValidated.get(id=created.id)
    assert {name: getattr(fetched, name) for name in GOOD} == GOOD


async def test_defaults_pass_the_validators(db) -> None:
    created = await FieldsValidated.create(username="bob")
    assert (created.score, created.address, created.numbers) == (0, "127.0.0.1", "1")


@pytest.mark.parametrize(("field", "value"), BAD, ids=[f"{f}={v!r}"[:30] for f, v in BAD])
async def test_bad_value_is_refused_on_create_and_nothing_is_written(db, field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        await FieldsValidated.create(**{**GOOD, field: value})
    assert str(info.value).startswith(f"FieldsValidated.{field}: ")
    assert await FieldsValidated.all().count() == 0


@pytest.mark.parametrize(("field", "value"), BAD, ids=[f"{f}={v!r}"[:30] for f, v in BAD])
async def test_bad_value_is_refused_on_update_and_the_row_is_unchanged(db, field: str, value: Any) -> None:
    row = await FieldsValidated.create(**GOOD)
    setattr(row, field, value)
    with pytest.raises(ValidationError, match=f"^FieldsValidated.{field}: "):
        await row.save()
    with pytest.raises(ValidationError, match=f"^FieldsValidated.{field}: "):
        await row.save(update_fields=[field])
    fetched = await FieldsValidated.get(id=row.id)
    assert {name: getattr(fetched, name) for name in GOOD} == GOOD


async def test_validators_run_on_bulk_create_before_anything_is_written(db) -> None:
    rows = [FieldsValidated(**{**GOOD, "username": name}) for name in ("one", "two", "x")]
    with pytest.raises(ValidationError, match=r"^FieldsValidated.username: "):
        await FieldsValidated.bulk_create(rows)
    assert await FieldsValidated.all().count() == 0


async def test_validator_error_message_says_why(db) -> None:
    with pytest.raises(ValidationError) as info:
        await FieldsValidated.create(**{**GOOD, "score": 101})
    assert str(info.value) == "FieldsValidated.score: Value should be less or equal to 100 (got 101)"
    with pytest.raises(ValidationError) as info:
        await FieldsValidated.create(**{**GOOD, "address": "nope"})
    assert str(info.value) == "FieldsValidated.address: 'nope' is not a valid IPv4 or IPv6 address."
