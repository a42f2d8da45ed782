"""Shared by the golden SQL tests: per-dialect fragments, and the two checks every case gets.

A case is (name, queryset builder, {backend name: (sql, params)}). It is checked

- without a server, against every dialect a client may speak (MariaDB's is the
  MySQL one plus RETURNING, so it shares the "mysql" entry), compiling twice
  (the second time from the statement cache, which must give the same text and
  rebuild the same parameters);
- on each configured database, where the client's own dialect must give the same
  text and the statement is then run, so the text is also valid SQL there.

A backend with no entry for a case fails that case, so nothing goes unchecked.
psycopg speaks asyncpg's dialect with ``%s`` for ``$n``: ``pg()`` derives its
entry from asyncpg's, which is written out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from orm import Tortoise
from orm.backends.base.dialect import Dialect
from orm.backends.base_postgres.dialect import PostgresDialect
from orm.backends.mysql.dialect import MariaDBDialect, MySQLDialect
from orm.backends.psycopg.client import PsycopgDialect
from orm.backends.sqlite.dialect import SQLiteDialect
from orm.connection import connections

Expected = dict[str, tuple[str, list[Any]]]
Case = tuple[str, Callable[[], Any], Expected]

#: Every dialect a client may speak, with the backend whose golden entry it must match.
DIALECTS: dict[str, tuple[str, type[Dialect]]] = {
    "sqlite": ("sqlite", SQLiteDialect),
    "asyncpg": ("asyncpg", PostgresDialect),
    "psycopg": ("psycopg", PsycopgDialect),
    "mysql": ("mysql", MySQLDialect),
    "mariadb": ("mysql", MariaDBDialect),
}


def pg(sql: str, params: list[Any]) -> Expected:
    """asyncpg's entry, and psycopg's: the same dialect with ``%s`` for each ``$n``."""
    return {"asyncpg": (sql, params), "psycopg": (re.sub(r"\$\d+", "%s", sql), params)}


# -- fragments: SQLite and PostgreSQL quote identifiers alike, so they share these --------------
EVENT = 'SELECT "event"."id", "event"."name", "event"."modified", "event"."prize", "event"."tournament_id" FROM "event"'
TOURNAMENT = (
    'SELECT "tournament"."id", "tournament"."name", "tournament"."description", "tournament"."created" '
    'FROM "tournament"'
)
JOIN_TOURNAMENT = ' LEFT OUTER JOIN "tournament" ON "tournament"."id"="event"."tournament_id"'
JOIN_EVENTS = ' LEFT OUTER JOIN "event" "events" ON "events"."tournament_id"="tournament"."id"'
ALLFIELD_COLUMNS = [
    "id", "int_field", "bigint_field", "smallint_field", "char_field", "text_field", "bool_field", "decimal_field",
    "wide_decimal", "float_field", "datetime_field", "date_field", "time_field", "timedelta_field", "json_field",
    "uuid_field", "binary_field", "int_enum", "char_enum",
]  # fmt: skip
ALLFIELDS = "SELECT " + ", ".join(f'"allfields"."{c}"' for c in ALLFIELD_COLUMNS) + ' FROM "allfields"'
LIKE = "LIKE ? ESCAPE '\\'"  # SQLite's LIKE, for the case-insensitive lookups
ESCAPE = " ESCAPE '\\'"  # PostgreSQL's LIKE and ILIKE name their escape character

# -- MySQL/MariaDB fragments --------------------------------------------------------------------
MY_EVENT = (
    "SELECT `event`.`id`, `event`.`name`, `event`.`modified`, `event`.`prize`, `event`.`tournament_id` FROM `event`"
)
MY_TOURNAMENT = (
    "SELECT `tournament`.`id`, `tournament`.`name`, `tournament`.`description`, `tournament`.`created` "
    "FROM `tournament`"
)
MY_JOIN_TOURNAMENT = " LEFT OUTER JOIN `tournament` ON `tournament`.`id`=`event`.`tournament_id`"
MY_JOIN_EVENTS = " LEFT OUTER JOIN `event` `events` ON `events`.`tournament_id`=`tournament`.`id`"
MY_ALLFIELDS = "SELECT " + ", ".join(f"`allfields`.`{c}`" for c in ALLFIELD_COLUMNS) + " FROM `allfields`"


# -- helpers (tests/conftest.py has pytest rewrite this module's asserts, to explain a mismatch) ---
def case_params(cases: list[Case]) -> list[Any]:
    """``cases`` as pytest params (build, expected), named after the case; names must be unique."""
    names = [name for name, _, _ in cases]
    if len(names) != len(set(names)):
        raise ValueError(f"case names repeat: {sorted(n for n in set(names) if names.count(n) > 1)}")
    return [pytest.param(build, expected, id=name) for name, build, expected in cases]


class DialectOnly:
    """Stands in for a client: compiling a query only asks it for its dialect."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect


def golden(expected: dict[str, Any], backend: str) -> Any:
    """The entry for ``backend``; a case without one fails, naming the dialect."""
    if backend not in expected:
        pytest.fail(f"this case has no golden SQL for the {backend} dialect yet: add it")
    return expected[backend]


def sql_and_params(query: Any) -> tuple[str, list[Any]]:
    return query.sql_params()


async def render_offline(
    dialect_id: str, build: Callable[[], Any], expected: dict[str, Any], render: Callable[[Any], Any] = sql_and_params
) -> tuple[Any, Any, Any]:
    """(golden entry, ``render(build())`` compiled fresh, and again from the statement cache) in one dialect.

    The models are initialised without connecting to anything: compiling needs no server.
    """
    backend, dialect_class = DIALECTS[dialect_id]
    want = golden(expected, backend)
    runner = DialectOnly(dialect_class())
    await Tortoise.init(db_url="sqlite://:memory:", modules={"models": ["tests.models"]}, connect=False)
    try:
        return want, render(build().using_db(runner)), render(build().using_db(runner))
    finally:
        await connections.close_all(discard=True)
        Tortoise._reset()


def client_dialect_is_checked_offline(backend: str) -> bool:
    """The connected client speaks one of the dialects the offline tests check for ``backend``."""
    dialect = connections.get("default").dialect
    return type(dialect) in {cls for name, cls in DIALECTS.values() if name == backend}


def golden_sql_tests(cases: list[Case]) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """The two tests every case gets, for a module's ``cases``: bind them to module names for pytest to
    collect, ``test_golden_sql, test_golden_sql_runs_on_the_database = golden_sql_tests(CASES)``."""

    @pytest.mark.parametrize("dialect_id", DIALECTS)
    @pytest.mark.parametrize(("build", "expected"), case_params(cases))
    async def test_golden_sql(dialect_id: str, build: Callable[[], Any], expected: Expected) -> None:
        want, fresh, cached = await render_offline(dialect_id, build, expected)
        assert fresh == want
        assert cached == want  # the statement cache gives the same text and rebuilds the same parameters

    @pytest.mark.parametrize(("build", "expected"), case_params(cases))
    async def test_golden_sql_runs_on_the_database(db: Any, build: Callable[[], Any], expected: Expected) -> None:
        assert client_dialect_is_checked_offline(db.name)
        want_sql, want_params = golden(expected, db.name)
        query = build()
        assert query.sql_params() == (want_sql, want_params)
        assert query.sql() == want_sql
        await query  # and the database accepts it

    return test_golden_sql, test_golden_sql_runs_on_the_database
