"""``%%orm_sql``: how a cell's parameters become placeholders (per dialect, no database), and the
magic in a real kernel: a table of the rows, ``-o`` storing a DataFrame, errors that say why."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from IPython.core.error import UsageError

from notebook_ext.sql_magic import bind, reads_rows
from orm.backends.base_postgres.dialect import PostgresDialect
from orm.backends.mysql.dialect import MariaDBDialect, MySQLDialect
from orm.backends.psycopg.client import PsycopgDialect
from orm.backends.sqlite.dialect import SQLiteDialect
from tests.notebook.kernel_session import Kernel, kernel

VALUES = {"low": 10, "pattern": "F%", "name": "x"}
CELL = "SELECT * FROM event WHERE prize > {low} AND name LIKE :pattern AND note = '50%'"


@pytest.mark.parametrize(
    ("dialect", "expected"),
    [
        (SQLiteDialect(), "SELECT * FROM event WHERE prize > ? AND name LIKE ? AND note = '50%'"),
        (PostgresDialect(), "SELECT * FROM event WHERE prize > $1 AND name LIKE $2 AND note = '50%'"),
        (PsycopgDialect(), "SELECT * FROM event WHERE prize > %s AND name LIKE %s AND note = '50%%'"),
        (MySQLDialect(), "SELECT * FROM event WHERE prize > %s AND name LIKE %s AND note = '50%%'"),
        (MariaDBDialect(), "SELECT * FROM event WHERE prize > %s AND name LIKE %s AND note = '50%%'"),
    ],
    ids=["sqlite", "asyncpg", "psycopg", "mysql", "mariadb"],
)
def test_parameters_become_the_dialects_placeholders(dialect, expected: str) -> None:
    assert bind(CELL, VALUES, dialect) == (expected, [10, "F%"])


def test_without_parameters_the_sql_is_sent_as_written() -> None:
    assert bind("SELECT '100%' AS p", {}, PsycopgDialect()) == ("SELECT '100%' AS p", [])


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT ':name', '{name}', \"{name}\" FROM t",
        "SELECT 1 -- :name {name}\n",
        "SELECT 1 /* :name\n{name} */",
        "SELECT x::text, y :: int FROM t",
        "SELECT $$ :name {name} $$, $tag$ it's :name $tag$",
        "SELECT E'it\\'s :name'",
        "SELECT {1}, {a b}, {name.attr}, :1",
    ],
)
def test_what_is_not_a_parameter_on_postgresql(sql: str) -> None:
    assert bind(sql, VALUES, PostgresDialect()) == (sql, [])


def test_mysql_strings_take_backslash_escapes_and_hash_comments() -> None:
    sql = "SELECT 'it\\'s :name', \"{name}\", `:name` # {name}\nFROM t WHERE a = :name"
    assert bind(sql, VALUES, MariaDBDialect()) == (sql.replace("= :name", "= %s"), ["x"])


def test_a_name_used_twice_is_bound_twice() -> None:
    assert bind("SELECT :name, {name}", VALUES, PostgresDialect()) == ("SELECT $1, $2", ["x", "x"])


def test_an_undefined_name_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="'nope' is not defined in the notebook"):
        bind("SELECT {nope}", VALUES, SQLiteDialect())


@pytest.mark.parametrize(
    ("sql", "reads"),
    [
        ("SELECT 1", True), ("  -- note\n/* x */ WITH a AS (SELECT 1) SELECT * FROM a", True),
        ("(SELECT 1) UNION (SELECT 2)", True), ("PRAGMA table_info(event)", True),
        ("INSERT INTO t (a) VALUES (1) RETURNING id", True), ("UPDATE t SET a = 1", False),
        ("DELETE FROM t -- select", False), ("insert into t values (1)", False),
    ],
)
def test_statements_that_answer_with_rows_are_told_from_writes(sql: str, reads: bool) -> None:
    assert reads_rows(sql) is reads


# -- in a kernel ----------------------------------------------------------------------------------------
MODELS = '''from orm import fields
from orm.models import Model

class Event(Model):
    id = fields.IntField(pk=True)
    name = fields.CharField(max_length=100)
    prize = fields.IntField(null=True)'''


@pytest.fixture(scope="module")
def nb() -> Iterator[Kernel]:
    with kernel() as session:
        assert session.run("%load_ext notebook_ext").error is None
        assert session.run(MODELS).error is None
        assert session.run("%orm_init sqlite://:memory: --generate-schemas").error is None
        seeded = session.run('for i in range(15):\n    await Event.create(name=f"Final {i:02}", prize=i * 10)')
        assert seeded.error is None
        yield session


def test_orm_sql_shows_the_rows_as_a_table_and_stores_a_dataframe(nb: Kernel) -> None:
    assert nb.run('low = 100\npattern = "Final 1%"').error is None
    cell = nb.run("%%orm_sql -o df\nSELECT name, prize FROM event WHERE prize > {low} AND name LIKE :pattern\n"
                  "ORDER BY prize")
    assert cell.error is None, cell.error
    assert "<table>" in cell.html and ">name</th>" in cell.html and ">prize</th>" in cell.html
    body = cell.html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert body.count("<tr>") == 4 and "Final 11" in body and "Final 14" in body and "Final 10" not in body
    assert "4 rows" in cell.html
    frame = nb.run("list(df.columns), df['prize'].tolist()")
    assert frame.text == "(['name', 'prize'], [110, 120, 130, 140])"


def test_orm_sql_bounds_the_table_but_not_the_dataframe(nb: Kernel) -> None:
    cell = nb.run("%%orm_sql -o everything\nSELECT id, name FROM event ORDER BY id")
    assert cell.html.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>") == 10
    assert "showing the first 10 of 15 rows" in cell.html
    assert nb.run("len(everything)").text == "15"


def test_orm_sql_writes_report_the_rows_affected(nb: Kernel) -> None:
    assert nb.run('who = "Final 00"').error is None
    cell = nb.run("%%orm_sql\nUPDATE event SET prize = NULL WHERE name = {who}")
    assert cell.error is None and "1 row affected" in cell.html
    assert nb.run('list(await Event.filter(prize=None).values_list("name", flat=True))').text == "['Final 00']"


def test_a_query_that_finds_nothing_says_no_rows_not_rows_affected(nb: Kernel) -> None:
    cell = nb.run("%%orm_sql\nSELECT id, name FROM event WHERE prize > 100000")
    assert cell.error is None and "no rows" in cell.html and "affected" not in cell.html
    assert cell.text == "no rows"


def test_orm_sql_errors_say_why(nb: Kernel) -> None:
    missing = nb.run("%%orm_sql\nSELECT * FROM event WHERE name = {nobody}")  # IPython prints a UsageError
    assert "UsageError: %%orm_sql: 'nobody' is not defined in the notebook" in missing.stderr
    wrong = nb.run("%%orm_sql\nSELECT * FROM no_such_table")
    assert wrong.error is not None and wrong.error[0] == "OperationalError" and "no_such_table" in wrong.error[1]
