"""Hostile strings: every value is data, never SQL, and names are checked against the model.

Arbitrary text (quotes, backslashes, NUL, comment and statement marks, placeholders of every
driver, all of Unicode, very long) goes in as filter and lookup values, ``update()`` values,
JSON keys and values: it round-trips exactly and the schema is untouched. PostgreSQL cannot keep
NUL in text: there the ORM raises a clear error naming it, and nothing is written.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from orm.backends.mysql.dialect import MariaDBDialect
from orm.connection import connections
from orm.exceptions import FieldError, OperationalError, UnSupportedError
from orm.expressions import F
from tests.models_reliability import Note
from tests.reliability.support import POSTGRES, examples, schema_state, statements_sent

pytestmark = pytest.mark.reliability

#: Pieces that break naive SQL building on some database or driver.
NASTY = [
    "'", '"', "`", "\\", "\\'", "''", "%", "%%", "_", "%s", "%(x)s", "$1", "?", ":name", "--", "#", ";",
    "/*", "*/", "\x00", "\n", "\r\n", "\t", "\x1a", "\b", "[", "]", "*", "^", "{0}", "\u2028", "\ufeff",
    "' OR '1'='1", "'); DROP TABLE note; --", '"; DROP TABLE note; --', "`; DROP TABLE note; #",
    "é", "ß", "ǅ", "Σ", "ﬁ", "😀", "\U0001d518", "\U0010ffff", "中文", "\u0301",
]
hostile = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=6)), max_size=10).map("".join)
#: Also very long ones (beyond any VARCHAR, and past the first network packet).
hostile_or_long = st.one_of(
    hostile, st.builds(lambda text, times: (text or "'") * times, hostile, st.integers(500, 5_000))
)


def _case_stable(char: str) -> bool:
    # the i-lookups lower-case with the database's rules; for these characters every database agrees
    return char.isascii() or (char.lower() == char and char.upper() == char)


#: For the case-insensitive lookups: no character whose case folding depends on the database.
hostile_caseless = st.lists(
    st.one_of(
        st.sampled_from([piece for piece in NASTY if all(_case_stable(c) for c in piece)]),
        st.text(st.characters(exclude_categories=["Cs"]).filter(_case_stable), max_size=6),
    ),
    max_size=10,
).map("".join)

CONTROL = "\x01control row\x01"


def holds_nul(db: Any, *values: Any) -> bool:
    """PostgreSQL text and JSON cannot hold NUL (0x00)."""
    return db.name in POSTGRES and any("\x00" in str(value) for value in values)


def assert_nul_refused(error: BaseException) -> None:
    assert isinstance(error, OperationalError), repr(error)
    message = str(error)
    assert "0x00" in message or "\\u0000" in message, message


async def control_note() -> Note:
    return await Note.create(title=CONTROL, body=CONTROL, data={"k": CONTROL})


def seen_by_patterns(db: Any, text: str) -> str:
    """The text the pattern lookups see: on SQLite, LIKE and GLOB read a value up to its first NUL."""
    return text.split("\x00", 1)[0] if db.name == "sqlite" else text


async def sqlite_refuses(db: Any, lookup: str, part: str) -> bool:
    """SQLite's LIKE and GLOB stop reading a pattern at NUL: the ORM refuses such a pattern there
    (rather than matching every row)."""
    if db.name != "sqlite" or "\x00" not in part or lookup == "iexact":
        return False
    with pytest.raises(UnSupportedError, match=r"SQLite cannot use \w+ with text containing NUL \(0x00\)"):
        await ids(**{f"body__{lookup}": part})
    return True


async def ids(**filters: Any) -> set[int]:
    return set(await Note.filter(**filters).values_list("id", flat=True))


@asynccontextmanager
async def written(**values: Any) -> AsyncIterator[Note]:
    """A note with ``values``, deleted afterwards (the examples share the database)."""
    note = await Note.create(**values)
    try:
        yield note
    finally:
        await Note.filter(id=note.id).delete()


@pytest.fixture
async def schema(db) -> dict[str, int]:
    """The schema before the examples, with the control row in it."""
    await control_note()
    return await schema_state()


# -- values --------------------------------------------------------------------------------------
@examples
@given(value=hostile_or_long)
async def test_text_round_trips_and_matches_exactly(db, schema, value: str) -> None:
    title = value if len(value) <= 255 else None
    if holds_nul(db, value):
        with pytest.raises(OperationalError) as info:
            await Note.create(title=title, body=value)
        assert_nul_refused(info.value)
        assert await schema_state() == schema
        return
    async with written(title=title, body=value) as note:
        fetched = await Note.get(id=note.id)
        assert (fetched.title, fetched.body) == (title, value)
        assert await ids(body=value) == {note.id}
        assert await ids(body__in=[value, "\x02"]) == {note.id}
        if title is not None:
            assert await ids(title=value) == {note.id}
        assert note.id not in await ids(body__not=value)
    assert await schema_state() == schema


@examples
@given(value=hostile, cut=st.integers(0, 20))
@example(value="\x00q' OR 1=1 --", cut=0)
@example(value="a%_\\*?[]b", cut=2)
async def test_pattern_lookups_take_the_value_literally(db, schema, value: str, cut: int) -> None:
    if holds_nul(db, value):
        return  # not storable (see above); the lookups with NUL are checked on the other databases
    control = await Note.get(title=CONTROL)
    async with written(title=value[:255], body=value) as note:
        cases = (
            ("contains", value[cut // 2 : len(value) - cut // 2], str.__contains__),
            ("startswith", value[: len(value) - cut], str.startswith),
            ("endswith", value[cut:], str.endswith),
        )
        for lookup, part, holds in cases:
            if await sqlite_refuses(db, lookup, part):
                continue
            found = await ids(**{f"body__{lookup}": part})
            assert (note.id in found) == holds(seen_by_patterns(db, value), part), (lookup, part)
            assert (control.id in found) == holds(CONTROL, part), (lookup, part)
        assert await schema_state() == {**schema, "note": schema["note"] + 1}
    assert await schema_state() == schema


@examples
@given(value=hostile_caseless)
@example(value="\x00A%_b")
async def test_case_insensitive_lookups_take_the_value_literally(db, schema, value: str) -> None:
    if holds_nul(db, value):
        return
    async with written(body=value) as note:
        seen = seen_by_patterns(db, value).lower()
        for lookup, part, holds in (
            ("icontains", value.swapcase()[1:-1], str.__contains__),
            ("istartswith", value[:-1].upper(), str.startswith),
            ("iendswith", value[1:].lower(), str.endswith),
        ):
            if not await sqlite_refuses(db, lookup, part):
                found = await ids(**{f"body__{lookup}": part})
                assert (note.id in found) == holds(seen, part.lower()), lookup
        assert await ids(body__iexact=value.swapcase()) == {note.id}
    assert await schema_state() == schema


@examples
@given(first=hostile_or_long, second=hostile)
async def test_update_values_round_trip(db, schema, first: str, second: str) -> None:
    async with written(title="t", body="b") as note:
        if holds_nul(db, first, second):
            with pytest.raises(OperationalError) as info:
                await Note.filter(id=note.id).update(body=first, title=second[:255])
            assert_nul_refused(info.value)
            fetched = await Note.get(id=note.id)
            assert (fetched.body, fetched.title) == ("b", "t")
        else:
            assert await Note.filter(id=note.id).update(body=first, title=second[:255]) == 1
            fetched = await Note.get(id=note.id)
            assert (fetched.body, fetched.title) == (first, second[:255])
            # the hostile value in the WHERE clause of an UPDATE, next to an expression
            short = len(first) <= 255
            assert await Note.filter(id=note.id, body=first).update(title=F("body") if short else "x") == 1
            assert (await Note.get(id=note.id)).title == (first if short else "x")
        assert (await Note.get(title=CONTROL)).body == CONTROL
    assert await schema_state() == schema


@examples
@example(key="-", value="")
@example(key='a"b\\c\x01.d[0]$', value="")
@given(key=hostile.filter(lambda k: k and "__" not in k and not k.isdigit() and k != "nested"), value=hostile)
async def test_json_keys_and_values_round_trip(db, schema, key: str, value: str) -> None:
    """JSON keys reach the database inside a bound path parameter, values inside the document."""
    document = {key: value, "nested": {key: [value, 1, None, True]}}
    if holds_nul(db, key, value):
        with pytest.raises(OperationalError) as info:
            await Note.create(data=document)
        assert_nul_refused(info.value)
        assert await schema_state() == schema
        return
    async with written(data=document) as note:
        assert (await Note.get(id=note.id)).data == document
        if key.startswith("-") and isinstance(connections.client("default").dialect, MariaDBDialect):
            with pytest.raises(UnSupportedError, match="MariaDB cannot reach the JSON key"):
                await ids(data__filter={key: value})
        else:
            assert await ids(data__filter={key: value}) == {note.id}
        assert await ids(data__contains={"nested": {key: [value]}}) == {note.id}
    assert await schema_state() == schema


@examples
@given(blob=st.binary(max_size=2_000))
async def test_bytes_round_trip_exactly(db, schema, blob: bytes) -> None:
    async with written(blob=blob) as note:
        assert (await Note.get(id=note.id)).blob == blob
    assert await schema_state() == schema


# -- names -----------------------------------------------------------------------------------------
#: A known name followed by text no identifier can contain: never a field, lookup or alias.
bad_name = st.builds(
    lambda head, mark, tail: head + mark + tail,
    st.sampled_from(["", "id", "title", "body", "-title", "data__k", "title__icontains"]),
    st.sampled_from([" ", ";", "'", '"', "`", "--", "\x00", "%s", "(", ")", ".", ",", "é-"]),
    hostile,
)


@examples
@given(name=bad_name)
async def test_names_from_strings_are_checked_before_any_sql(db, schema, name: str) -> None:
    uses = [
        lambda: Note.all().order_by(name),
        lambda: Note.filter(**{name: "x"}),
        lambda: Note.exclude(**{name: "x"}),
        lambda: Note.all().values(name),
        lambda: Note.all().values(**{name: "title"}),
        lambda: Note.all().values_list(name),
        lambda: Note.all().only(name),
        lambda: Note.all().group_by(name),
        lambda: Note.annotate(**{name: F("id")}),
        lambda: Note.annotate(n=F(name)),
        lambda: Note.filter(id=1).update(**{name: "x"}),
        lambda: Note.all().prefetch_related(name),
    ]
    with statements_sent() as sent:
        for use in uses:
            with pytest.raises(FieldError):
                await use()
    assert sent == []
    assert await schema_state() == schema


async def test_order_by_with_sql_in_it_is_a_field_error(db) -> None:
    with statements_sent() as sent, pytest.raises(FieldError, match="Note has no field 'name; DROP TABLE x'"):
        await Note.all().order_by("name; DROP TABLE x")
    assert sent == []


async def test_result_names_must_be_identifiers(db) -> None:
    """Annotation names and values() keys become attributes and keys: identifiers only."""
    note = await Note.create(title="a")
    with pytest.raises(FieldError, match=r"annotation name 'x\"; DROP TABLE note; --' is not a Python ident"):
        Note.annotate(**{'x"; DROP TABLE note; --': F("id")})
    with pytest.raises(FieldError, match=r"values\(\) key 'a%sb' is not a Python identifier"):
        Note.all().values(**{"a%sb": "title"})
    # identifiers in any script are fine
    assert await Note.annotate(número=F("id")).values("número", título="title") == [
        {"número": note.id, "título": "a"}
    ]
