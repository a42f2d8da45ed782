"""``%%orm_sql`` parameters: any notebook value bound through ``{name}`` or ``:name`` is data, never
SQL, on every backend (the magic's own code path, ``notebook_ext.sql_magic.run_sql``)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from notebook_ext.sql_magic import run_sql
from orm.exceptions import OperationalError
from tests.models_reliability import Note
from tests.reliability.support import examples, schema_state
from tests.reliability.test_injection import CONTROL, NASTY, assert_nul_refused, holds_nul, hostile_or_long

pytestmark = pytest.mark.reliability


@pytest.fixture
async def schema(db) -> dict[str, int]:
    await Note.create(title=CONTROL, body=CONTROL)
    return await schema_state()


async def bodies() -> list[Any]:
    return sorted(await Note.exclude(title=CONTROL).values_list("body", flat=True))


@examples
@given(value=hostile_or_long)
@example(value="'); DROP TABLE note; --")
@example(value="%s %(x)s $1 ? :x {x}")
async def test_values_bound_by_orm_sql_round_trip_exactly(db, schema, value: str) -> None:
    values = {"value": value, "title": value[:255]}
    insert = "INSERT INTO note (title, body) VALUES ({title}, :value)"
    if holds_nul(db, value):
        with pytest.raises(OperationalError) as info:
            await run_sql(insert, values)
        assert_nul_refused(info.value)
        assert await schema_state() == schema
        return
    inserted = await run_sql(insert, values)
    assert inserted.rowcount == 1 and inserted.params == [value[:255], value]
    assert value not in inserted.sql or value in insert  # the value went beside the SQL, not into it
    found = await run_sql("SELECT title, body FROM note WHERE body = :value AND title = {title}", values)
    assert found.rows == [{"title": value[:255], "body": value}]
    updated = await run_sql("UPDATE note SET body = {title} WHERE body = :value", values)
    assert updated.rowcount == 1
    assert await bodies() == [value[:255]]
    await run_sql("DELETE FROM note WHERE body = :title", values)
    assert await schema_state() == schema


@examples
@given(pieces=st.lists(st.sampled_from(NASTY), min_size=1, max_size=6))
async def test_text_around_the_parameters_stays_as_written(db, schema, pieces: list[str]) -> None:
    """Literals, comments and ``%`` signs in the cell are neither parameters nor formatting."""
    value = "".join(pieces)
    if holds_nul(db, value):
        return  # PostgreSQL cannot take NUL (see above)
    sql = (
        "SELECT '{value}' AS braces, ':value' AS colon, '100%' AS percent, {value} AS bound\n"
        "-- {value} and :value in a comment\n"
        "/* :value */"
    )
    result = await run_sql(sql, {"value": value})
    assert result.params == [value]
    assert result.rows == [{"braces": "{value}", "colon": ":value", "percent": "100%", "bound": value}]
    assert await schema_state() == schema


async def test_a_name_that_is_not_defined_is_refused_before_any_sql(db, schema) -> None:
    from IPython.core.error import UsageError

    with pytest.raises(UsageError, match="'missing' is not defined in the notebook"):
        await run_sql("DELETE FROM note WHERE body = {missing}", {})
    assert await schema_state() == schema


async def test_braces_around_anything_but_a_name_are_not_parameters(db, schema) -> None:
    """``{1}``, ``{a b}``, ``{x; DROP TABLE note}`` are left in the SQL (the database then refuses
    them as syntax), never looked up as variables."""
    for text in ("{1}", "{a b}", "{x; DROP TABLE note}"):
        with pytest.raises(OperationalError):
            await run_sql(f"SELECT {text}", {"x": 1, "a": 1})
    assert await schema_state() == schema
