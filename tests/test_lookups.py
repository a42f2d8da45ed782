"""Every documented lookup, checked against the database on a seeded data set.

Each case filters ``AllFields`` in the database and compares the ids it gets
with the ids a Python predicate picks from the same rows.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from orm.exceptions import FieldError
from orm.expressions import Q
from tests.models import AllFields, Event, Tournament

UTC = datetime.timezone.utc
PLUS2 = datetime.timezone(datetime.timedelta(hours=2))


def dt(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


D, T = datetime.date, datetime.time

# Text values hold the characters LIKE (% _ \) and GLOB (* ? [ ]) treat specially,
# and non-ASCII letters in both cases. Ordering cases use ``text_field`` (plain
# lowercase words), whose order is the same under any collation.
COLUMNS = ("int_field", "decimal_field", "char_field", "text_field", "datetime_field", "date_field", "time_field")
ROWS: list[dict[str, Any]] = [
    dict(zip(COLUMNS, values))
    for values in [
        (1, Decimal("1.5"), "apple", "apple",
         dt(2019, 12, 30, 23, 59, 59, 999999), D(2019, 12, 30), T(23, 59, 59, 999999)),
        (5, Decimal("2.25"), "Apple pie", "banana",
         dt(2020, 1, 1), D(2020, 1, 1), T(0, 0)),
        (9, None, "100% pure", "cherry",
         dt(2020, 2, 29, 12, 30, 45, 123456), D(2020, 2, 29), T(12, 30, 45, 123456)),
        (-3, Decimal("-0.5"), "100 pure", None,
         dt(2020, 4, 1, 6, 15), D(2020, 4, 1), T(6, 15)),
        (0, Decimal("10"), "a_b", "date",
         dt(2020, 12, 31, 18, 0, 30), D(2020, 12, 31), T(18, 0, 30)),
        (None, Decimal("2.2499"), "axb", "elder",
         dt(2021, 1, 3, 9, 9, 9), D(2021, 1, 3), T(9, 9, 9)),
        (5, Decimal("0.0001"), "back\\slash", "fig",
         dt(2021, 1, 4, 10, 0, 0, 500), D(2021, 1, 4), T(10, 0, 0, 500)),
        (100, Decimal("2.25"), "star*", "grape",
         dt(2021, 7, 15, 12, 30), D(2021, 7, 15), T(12, 30)),
        (None, None, "stars", "apple",
         None, None, None),
        (7, Decimal("99.9999"), "what?", "banana",
         dt(2022, 5, 5, 5, 5, 5, 5), D(2022, 5, 5), T(5, 5, 5, 5)),
        (2, Decimal("3"), "whatx", "kiwi",
         dt(2022, 10, 10, 10, 10, 10), D(2022, 10, 10), T(10, 10, 10)),
        (5, Decimal("-7.125"), "[x]", "lemon",
         dt(2023, 3, 31, 23, 0), D(2023, 3, 31), T(23, 0)),
        (11, Decimal("0"), "x", "mango",
         dt(2020, 6, 15, 0, 0, 0, 1), D(2020, 6, 15), T(0, 0, 0, 1)),
        (12, Decimal("5.5"), "Ärger", "nut",
         dt(2020, 9, 30, 15, 45, 1), D(2020, 9, 30), T(15, 45, 1)),
        (13, Decimal("6"), "ärger", "olive",
         None, D(2018, 1, 1), None),
        (14, Decimal("7"), None, "pear",
         dt(2024, 2, 29, 7, 7, 7), None, T(7, 7, 7)),
        (15, Decimal("8"), "ÄRGER", "plum",
         dt(2019, 1, 1, 1, 1, 1), D(2019, 1, 1), T(1, 1, 1)),
    ]
]  # fmt: skip


@pytest.fixture
async def ids(db) -> list[int]:
    """Seed ROWS; the id of each row, in ROWS order."""
    return [(await AllFields.create(**row)).id for row in ROWS]


async def found(**filters: Any) -> list[int]:
    return sorted(await AllFields.filter(**filters).values_list("id", flat=True))


def expected(ids: list[int], predicate: Callable[[dict[str, Any]], bool]) -> list[int]:
    return sorted(i for i, row in zip(ids, ROWS) if predicate(row))


async def check(
    ids: list[int], filters: dict[str, Any], predicate: Callable[[dict[str, Any]], bool], allow_trivial: bool = False
) -> None:
    want = expected(ids, predicate)
    if not allow_trivial:  # a case that selects no row or every row could not tell right from wrong
        assert 0 < len(want) < len(ROWS), f"case {filters} is not selective on the data set"
    assert await found(**filters) == want, filters


# -- comparison helpers: None never compares, like SQL's NULL -------------------------------
def cmp(name: str, op: Callable[[Any, Any], bool], value: Any) -> Callable[[dict[str, Any]], bool]:
    return lambda row: row[name] is not None and op(row[name], value)


def between(name: str, low: Any, high: Any) -> Callable[[dict[str, Any]], bool]:
    return lambda row: row[name] is not None and low <= row[name] <= high


ORDERED_VALUES = {
    "int_field": 5,
    "decimal_field": Decimal("2.25"),
    "text_field": "date",
    "date_field": D(2020, 12, 31),
    "datetime_field": dt(2020, 12, 31, 18, 0, 30),
    "time_field": T(10, 0, 0, 500),
}
ORDERING = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}


@pytest.mark.parametrize("name", list(ORDERED_VALUES))
@pytest.mark.parametrize("lookup", list(ORDERING))
async def test_ordering_lookups(ids, name: str, lookup: str) -> None:
    value = ORDERED_VALUES[name]
    await check(ids, {f"{name}__{lookup}": value}, cmp(name, ORDERING[lookup], value))


async def test_datetime_comparison_converts_an_aware_value_to_utc(ids) -> None:
    # 20:00:30 at +02:00 is 18:00:30 UTC: the row stored at that instant is "gte", not "gt"
    moment = datetime.datetime(2020, 12, 31, 20, 0, 30, tzinfo=PLUS2)
    await check(ids, {"datetime_field__gte": moment}, cmp("datetime_field", operator.ge, moment))
    await check(ids, {"datetime_field__gt": moment}, cmp("datetime_field", operator.gt, moment))
    await check(ids, {"datetime_field": moment}, cmp("datetime_field", operator.eq, moment))


async def test_decimal_ordering_is_numeric_not_textual(ids) -> None:
    # as text "10" < "2.25" < "99.9999"; as numbers 2.25 < 10 < 99.9999
    await check(ids, {"decimal_field__gt": Decimal("9")}, cmp("decimal_field", operator.gt, Decimal("9")))
    await check(ids, {"decimal_field__lt": 3}, cmp("decimal_field", operator.lt, 3))


RANGES = {
    "int_field": (0, 9),
    "decimal_field": (Decimal("-0.5"), Decimal("2.25")),
    "text_field": ("banana", "fig"),
    "date_field": (D(2020, 1, 1), D(2021, 1, 4)),
    "datetime_field": (dt(2020, 1, 1), dt(2021, 1, 4, 10)),
    "time_field": (T(6, 15), T(12, 30)),
}


@pytest.mark.parametrize("name", list(RANGES))
async def test_range_includes_both_bounds(ids, name: str) -> None:
    low, high = RANGES[name]
    await check(ids, {f"{name}__range": (low, high)}, between(name, low, high))
    assert any(row[name] in (low, high) for row in ROWS)  # the bounds themselves are in the data


# -- equality, membership, NULL ------------------------------------------------------------
EQUALITY_CASES = [
    pytest.param({"int_field": 5}, lambda r: r["int_field"] == 5, id="exact-implicit"),
    pytest.param({"int_field__exact": 5}, lambda r: r["int_field"] == 5, id="exact"),
    pytest.param({"char_field": "apple"}, lambda r: r["char_field"] == "apple", id="exact-text-case-sensitive"),
    pytest.param({"date_field": D(2020, 2, 29)}, lambda r: r["date_field"] == D(2020, 2, 29), id="exact-date"),
    pytest.param({"time_field": T(12, 30)}, lambda r: r["time_field"] == T(12, 30), id="exact-time"),
    pytest.param({"decimal_field": Decimal("2.2500")}, lambda r: r["decimal_field"] == Decimal("2.25"),
                 id="exact-decimal"),
    pytest.param({"int_field__not": 5}, lambda r: r["int_field"] != 5, id="not-keeps-null"),
    pytest.param({"char_field__not": "x"}, lambda r: r["char_field"] != "x", id="not-text-keeps-null"),
    pytest.param({"int_field__in": [1, 9, 100, 42]}, lambda r: r["int_field"] in (1, 9, 100), id="in"),
    pytest.param({"int_field__in": (5,)}, lambda r: r["int_field"] == 5, id="in-tuple"),
    pytest.param({"char_field__in": ["x", "a_b"]}, lambda r: r["char_field"] in ("x", "a_b"), id="in-text"),
    pytest.param({"int_field__not_in": [5, 1]}, lambda r: r["int_field"] not in (5, 1), id="not_in-keeps-null"),
    pytest.param({"int_field": None}, lambda r: r["int_field"] is None, id="none-is-null"),
    pytest.param({"int_field__isnull": True}, lambda r: r["int_field"] is None, id="isnull-true"),
    pytest.param({"int_field__isnull": False}, lambda r: r["int_field"] is not None, id="isnull-false"),
    pytest.param({"int_field__not_isnull": True}, lambda r: r["int_field"] is not None, id="not_isnull-true"),
    pytest.param({"int_field__not_isnull": False}, lambda r: r["int_field"] is None, id="not_isnull-false"),
    pytest.param({"int_field__not": None}, lambda r: r["int_field"] is not None, id="not-none-is-not-null"),
    pytest.param({"datetime_field__isnull": True}, lambda r: r["datetime_field"] is None, id="isnull-datetime"),
]  # fmt: skip


@pytest.mark.parametrize(("filters", "predicate"), EQUALITY_CASES)
async def test_equality_and_null_lookups(ids, filters: dict[str, Any], predicate: Callable) -> None:
    await check(ids, filters, predicate)


async def test_in_empty_list_matches_no_row(ids) -> None:
    assert await found(int_field__in=[]) == []
    assert await found(char_field__in=[]) == []
    assert await AllFields.filter(int_field__in=[]).count() == 0


async def test_not_in_empty_list_matches_every_row(ids) -> None:
    assert await found(int_field__not_in=[]) == sorted(ids)  # NULL rows included
    assert await AllFields.filter(char_field__not_in=[]).count() == len(ROWS)


async def test_not_and_exact_split_the_rows(ids) -> None:
    # every row is either "= 5" or "not 5", NULLs going to "not"
    assert sorted(await found(int_field=5) + await found(int_field__not=5)) == sorted(ids)
    assert sorted(await found(int_field__in=[5, 1]) + await found(int_field__not_in=[5, 1])) == sorted(ids)


# -- text matching -------------------------------------------------------------------------
TEXT_LOOKUPS: dict[str, Callable[[str, str], bool]] = {
    "contains": lambda column, value: value in column,
    "icontains": lambda column, value: value.lower() in column.lower(),
    "startswith": lambda column, value: column.startswith(value),
    "istartswith": lambda column, value: column.lower().startswith(value.lower()),
    "endswith": lambda column, value: column.endswith(value),
    "iendswith": lambda column, value: column.lower().endswith(value.lower()),
    "iexact": lambda column, value: column.lower() == value.lower(),
}


def text_predicate(lookup: str, value: str) -> Callable[[dict[str, Any]], bool]:
    test = TEXT_LOOKUPS[lookup]
    return lambda row: row["char_field"] is not None and test(row["char_field"], value)


TEXT_CASES = [
    ("contains", "pp"), ("contains", "Apple"), ("icontains", "PP"), ("icontains", "pie"),
    ("startswith", "Apple"), ("startswith", "apple"), ("istartswith", "APPLE"), ("istartswith", "ä"),
    ("endswith", "pure"), ("endswith", "GER"), ("iendswith", "GER"), ("iendswith", "Pie"),
    ("iexact", "APPLE"), ("iexact", "ärger"), ("iexact", "ÄRGER"), ("contains", "Ä"), ("icontains", "Ä"),
    ("icontains", "äRG"), ("startswith", "Ä"), ("iexact", "A_B"),
]  # fmt: skip


@pytest.mark.parametrize(("lookup", "value"), TEXT_CASES)
async def test_text_lookups(ids, lookup: str, value: str) -> None:
    await check(ids, {f"char_field__{lookup}": value}, text_predicate(lookup, value))


#: Characters special to LIKE or GLOB, each with the data rows that tell a literal match
#: from a wildcard one ("100% pure" / "100 pure", "a_b" / "axb", "what?" / "whatx"...).
SPECIALS = ["%", "_", "\\", "*", "?", "[", "]", "[x]", "0% p", "a_", "r*", "t?", "\\s", "[x"]


@pytest.mark.parametrize("lookup", list(TEXT_LOOKUPS))
@pytest.mark.parametrize("special", SPECIALS)
async def test_wildcard_characters_match_literally(ids, lookup: str, special: str) -> None:
    await check(ids, {f"char_field__{lookup}": special}, text_predicate(lookup, special), allow_trivial=True)


@pytest.mark.parametrize("lookup", ["startswith", "istartswith", "endswith", "iendswith", "iexact"])
@pytest.mark.parametrize("value", ["100% pure", "a_b", "back\\slash", "star*", "what?", "[x]"])
async def test_whole_values_with_wildcards_match_only_themselves(ids, lookup: str, value: str) -> None:
    assert await found(**{f"char_field__{lookup}": value}) == expected(ids, lambda r: r["char_field"] == value)


async def test_text_lookups_on_text_field(ids) -> None:
    await check(ids, {"text_field__contains": "an"}, lambda r: r["text_field"] is not None and "an" in r["text_field"])
    await check(ids, {"text_field__iexact": "APPLE"}, lambda r: r["text_field"] == "apple")


# -- date and time parts ------------------------------------------------------------------------
def part_of(value: Any, part: str) -> int:
    if part == "quarter":
        return (value.month - 1) // 3 + 1
    if part == "week":
        return value.isocalendar()[1]
    return getattr(value, part)


PARTS = {
    "datetime_field": ("year", "quarter", "month", "week", "day", "hour", "minute", "second", "microsecond"),
    "date_field": ("year", "quarter", "month", "week", "day"),
    "time_field": ("hour", "minute", "second", "microsecond"),
}
PART_CASES = [(name, part) for name, parts in PARTS.items() for part in parts]


def part_predicate(name: str, part: str, op: Callable[[Any, Any], bool], value: Any):
    return lambda row: row[name] is not None and op(part_of(row[name], part), value)


@pytest.mark.parametrize(("name", "part"), PART_CASES)
async def test_date_part_equals(ids, name: str, part: str) -> None:
    value = part_of(ROWS[2][name], part)  # a value some rows have and others do not
    await check(ids, {f"{name}__{part}": value}, part_predicate(name, part, operator.eq, value))


@pytest.mark.parametrize(("name", "part"), PART_CASES)
async def test_date_part_followed_by_a_lookup(ids, name: str, part: str) -> None:
    values = sorted({part_of(row[name], part) for row in ROWS if row[name] is not None})
    middle = values[len(values) // 2]
    await check(ids, {f"{name}__{part}__gte": middle}, part_predicate(name, part, operator.ge, middle))
    await check(ids, {f"{name}__{part}__lt": middle}, part_predicate(name, part, operator.lt, middle))
    chosen = values[::2]
    await check(ids, {f"{name}__{part}__in": chosen}, part_predicate(name, part, lambda a, b: a in b, chosen))


async def test_week_is_the_iso_week(ids) -> None:
    # 2019-12-30 is in ISO week 1 (of 2020); 2021-01-03 is in ISO week 53 (of 2020)
    assert D(2019, 12, 30).isocalendar()[1] == 1 and D(2021, 1, 3).isocalendar()[1] == 53
    week1 = expected(ids, lambda r: r["date_field"] is not None and r["date_field"].isocalendar()[1] == 1)
    assert ids[0] in week1 and ids[1] in week1
    assert await found(date_field__week=1) == week1
    assert await found(datetime_field__week=53) == [ids[4], ids[5]]


async def test_documented_date_part_examples(ids) -> None:
    await check(ids, {"datetime_field__year__gte": 2021}, part_predicate("datetime_field", "year", operator.ge, 2021))
    await check(
        ids,
        {"datetime_field__month__in": [1, 2]},
        part_predicate("datetime_field", "month", lambda a, b: a in b, [1, 2]),
    )
    await check(
        ids,
        {"date_field__year__range": (2019, 2020)},
        part_predicate("date_field", "year", lambda a, b: b[0] <= a <= b[1], (2019, 2020)),
    )


async def test_date_part_not_keeps_null_rows(ids) -> None:
    await check(
        ids,
        {"datetime_field__year__not": 2020},
        lambda r: r["datetime_field"] is None or r["datetime_field"].year != 2020,
    )
    await check(
        ids,
        {"date_field__month__not_in": [1, 12]},
        lambda r: r["date_field"] is None or r["date_field"].month not in (1, 12),
    )


async def test_date_part_combined_with_other_filters(ids) -> None:
    await check(
        ids,
        {"datetime_field__year": 2020, "int_field__gt": 0},
        lambda r: (
            r["datetime_field"] is not None
            and r["datetime_field"].year == 2020
            and r["int_field"] is not None
            and r["int_field"] > 0
        ),
    )


# -- errors ---------------------------------------------------------------------------------------
async def raises_field_error(build: Callable[[], Any], *fragments: str) -> str:
    """``build()`` (and running it) raises FieldError whose message holds every fragment."""
    with pytest.raises(FieldError) as info:
        await build()
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    return message


async def test_unknown_field_names_model_name_and_nearest_choice(db) -> None:
    await raises_field_error(lambda: Event.filter(nme="x"), "Event", "'nme'", "'name'")
    await raises_field_error(lambda: Event.filter(Q(nme="x") | Q(name="y")), "Event", "'nme'", "'name'")
    await raises_field_error(lambda: Event.exclude(nme__icontains="x"), "Event", "'nme'", "'name'")
    await raises_field_error(lambda: Event.filter(tournament__nme="x"), "Tournament", "'nme'", "'name'")
    await raises_field_error(lambda: Event.filter(participants__nme="x"), "Team", "'nme'", "'name'")
    await raises_field_error(lambda: Event.all().order_by("nme"), "Event", "'nme'", "'name'")
    await raises_field_error(lambda: Event.all().values("nme"), "Event", "'nme'", "'name'")
    await raises_field_error(lambda: Event.all().values_list("nme", flat=True), "Event", "'nme'", "'name'")
    await raises_field_error(lambda: Event.all().update(nme="x"), "Event", "'nme'", "'name'")
    # nothing close: the valid names are listed
    message = await raises_field_error(lambda: Event.filter(zzzz=1), "Event", "'zzzz'")
    assert all(name in message for name in ("id", "name", "prize", "tournament", "participants"))


async def test_unknown_lookup_names_field_lookup_and_choices(db) -> None:
    await raises_field_error(lambda: Event.filter(name__icontain="x"), "Event.name", "'icontain'", "'icontains'")
    await raises_field_error(
        lambda: Event.filter(tournament__name__strtswith="x"), "tournament__name", "'strtswith'", "'startswith'"
    )
    message = await raises_field_error(lambda: Event.filter(name__frobnicate="x"), "Event.name", "'frobnicate'")
    assert "exact" in message  # no close match: the valid lookups are listed
    await raises_field_error(lambda: Event.filter(modified__yeer=2020), "Event.modified", "'yeer'", "'year'")


@pytest.mark.parametrize("lookup", ["contains", "icontains", "startswith", "istartswith", "endswith",
                                    "iendswith", "iexact"])  # fmt: skip
async def test_text_lookup_on_a_number_is_an_error(db, lookup: str) -> None:
    await raises_field_error(
        lambda: AllFields.filter(**{f"int_field__{lookup}": 1}), "AllFields.int_field", "IntField", f"'{lookup}'"
    )


async def test_lookups_a_field_type_cannot_take(db) -> None:
    await raises_field_error(lambda: AllFields.filter(bool_field__gt=True), "bool_field", "'gt'")
    await raises_field_error(lambda: AllFields.filter(int_field__year=2020), "int_field", "'year'")
    await raises_field_error(lambda: AllFields.filter(date_field__hour=1), "date_field", "'hour'")
    await raises_field_error(lambda: AllFields.filter(time_field__year=2020), "time_field", "'year'")


async def test_lookup_chain_too_long(db) -> None:
    await raises_field_error(lambda: Event.filter(name__icontains__exact="x"), "'icontains'", "name__icontains__exact")
    await raises_field_error(lambda: Event.filter(name__exact__exact="x"), "'exact'")
    await raises_field_error(lambda: Event.filter(modified__year__month=1), "Event.modified__year", "'month'")
    await raises_field_error(lambda: Event.filter(modified__year__gte__lt=1), "'gte'")


async def test_order_by_cannot_inject_sql(db) -> None:
    await Tournament.create(name="kept")
    for term in ("name; DROP TABLE tournament", "-name; DROP TABLE tournament",
                 'name" ; DROP TABLE "tournament', "tournament__name; DROP TABLE tournament"):  # fmt: skip
        await raises_field_error(lambda term=term: Event.all().order_by(term), "DROP TABLE")
    assert await Tournament.all().values_list("name", flat=True) == ["kept"]


async def test_filter_values_are_never_sql(db) -> None:
    await Tournament.create(name="kept")
    evil = "x'; DROP TABLE tournament; --"
    assert await Tournament.filter(name=evil).count() == 0
    assert await Tournament.filter(name__icontains=evil).count() == 0
    await Tournament.create(name=evil)
    assert await Tournament.filter(name=evil).values_list("name", flat=True) == [evil]
    assert await Tournament.all().count() == 2
