"""``%%orm_sql``: SQL on an ORM connection, with notebook variables bound as parameters.

``{name}`` and ``:name`` in the cell become the connection's placeholders (``?``, ``$1``, ``%s``)
and the notebook variables of those names are sent beside the SQL, never written into it. What
sits inside string literals, quoted names, comments and PostgreSQL's ``$$`` strings is left as it
is, as are ``::type`` casts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from notebook_ext.kernel import run_sync
from notebook_ext.tables import Column, Table, plain, render
from orm.backends.base.dialect import Dialect
from orm.connection import connections

_NAME = re.compile(r"[^\W\d]\w*")
_DOLLAR_TAG = re.compile(r"\$(?:[^\W\d]\w*)?\$")


# -- binding --------------------------------------------------------------------------------------
def _skip_quoted(sql: str, start: int, quote: str, backslashes: bool) -> int:
    """The index just past the literal or quoted name opening at ``start`` (doubled quotes, and
    backslash escapes where the database reads them, stay inside)."""
    i = start + 1
    while i < len(sql):
        char = sql[i]
        if backslashes and char == "\\":
            i += 2
            continue
        if char == quote:
            if sql.startswith(quote, i + 1):
                i += 2
                continue
            return i + 1
        i += 1
    return len(sql)


def _skip_inert(sql: str, i: int, dialect: Dialect) -> int:
    """The end of the literal, quoted name or comment starting at ``i``, or ``i`` if none does."""
    char = sql[i]
    if char in "'\"`":
        return _skip_quoted(sql, i, char, backslashes=dialect.string_backslash_escapes and char != "`")
    if char in "eE" and sql.startswith("'", i + 1) and not (i and (sql[i - 1].isalnum() or sql[i - 1] == "_")):
        return _skip_quoted(sql, i + 1, "'", backslashes=True)  # PostgreSQL's E'...' strings
    if sql.startswith("--", i) or (char == "#" and dialect.hash_comments):
        end = sql.find("\n", i)
        return len(sql) if end < 0 else end
    if sql.startswith("/*", i):
        end = sql.find("*/", i + 2)
        return len(sql) if end < 0 else end + 2
    if char == "$" and dialect.dollar_quoted_strings:
        tag = _DOLLAR_TAG.match(sql, i)
        if tag is not None:
            end = sql.find(tag.group(), tag.end())
            return len(sql) if end < 0 else end + len(tag.group())
    return i


def _parameter(sql: str, i: int) -> tuple[str, int] | None:
    """``(name, end)`` of a ``{name}`` or ``:name`` parameter at ``i``, else None."""
    if sql[i] == "{":
        name = _NAME.match(sql, i + 1)
        if name is not None and sql.startswith("}", name.end()):
            return name.group(), name.end() + 1
    elif sql[i] == ":" and not sql.startswith("::", i) and not (i and sql[i - 1] == ":"):
        name = _NAME.match(sql, i + 1)
        if name is not None:
            return name.group(), name.end()
    return None


def bind(sql: str, values: Mapping[str, Any], dialect: Dialect) -> tuple[str, list[Any]]:
    """``sql`` with its ``{name}``/``:name`` parameters as ``dialect``'s placeholders, and their
    values from ``values`` in order. A name missing from ``values`` is a UsageError."""
    pieces: list[tuple[str, bool]] = []  # (text, is a placeholder)
    params: list[Any] = []
    i = start = 0
    while i < len(sql):
        end = _skip_inert(sql, i, dialect)
        if end > i:
            i = end
            continue
        found = _parameter(sql, i)
        if found is None:
            i += 1
            continue
        name, end = found
        if name not in values:
            raise UsageError(f"%%orm_sql: {name!r} is not defined in the notebook")
        params.append(values[name])
        pieces += [(sql[start:i], False), (dialect.placeholder(len(params)), True)]
        i = start = end
    pieces.append((sql[start:], False))
    # drivers with %s placeholders read every % of the statement when parameters come with it
    double = bool(params) and dialect.placeholder(1) == "%s"
    return "".join(text.replace("%", "%%") if double and not mark else text for text, mark in pieces), params


# -- running ----------------------------------------------------------------------------------------
#: Comments, then the first keyword of a statement that answers with rows.
_READS = re.compile(
    r"\s*(?:(?:--[^\n]*(?:\n|$)|/\*.*?\*/)\s*)*\(*\s*"
    r"(?:select|with|values|table|show|pragma|explain|describe)\b",
    re.IGNORECASE | re.DOTALL,
)


def reads_rows(sql: str) -> bool:
    """Whether a statement answers with rows (a query, or a write with RETURNING), even when it finds none."""
    return _READS.match(sql) is not None or re.search(r"\breturning\b", sql, re.IGNORECASE) is not None


@dataclass
class SQLResult:
    """What a ``%%orm_sql`` cell returned: its rows (as dicts), shown as a table."""

    sql: str
    params: list[Any]
    rows: list[dict[str, Any]]
    rowcount: int
    columns: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.columns and self.rows:
            self.columns = list(self.rows[0])

    def _table(self, max_rows: int) -> Table:
        shown = self.rows[:max_rows]
        if not self.columns and reads_rows(self.sql):
            note = "no rows"
        elif not self.columns:
            note = f"{self.rowcount} row{'s' if self.rowcount != 1 else ''} affected"
        elif len(shown) < len(self.rows):
            note = f"showing the first {len(shown)} of {len(self.rows):,} rows (-o NAME stores them all)"
        else:
            note = f"{len(self.rows):,} row{'s' if len(self.rows) != 1 else ''}"
        rows = [[row.get(name) for name in self.columns] for row in shown]
        return Table([Column(name) for name in self.columns], rows, None, [note], self.sql)

    def _repr_html_(self) -> str:
        from notebook_ext.display import settings

        return render(self._table(settings.max_rows), settings.max_text)

    def __repr__(self) -> str:
        from notebook_ext.display import settings

        return plain(self._table(settings.max_rows))

    def to_dataframe(self) -> Any:
        """The rows as a pandas DataFrame."""
        try:
            import pandas as pd
        except ImportError:
            raise UsageError("-o needs pandas: pip install 'shellback[notebook]'") from None
        return pd.DataFrame.from_records(self.rows, columns=self.columns or None)


async def run_sql(sql: str, values: Mapping[str, Any], alias: str | None = None) -> SQLResult:
    """Run a ``%%orm_sql`` cell's SQL on the connection ``alias`` (default: the only one, or
    ``"default"``), its parameters taken from ``values``."""
    client = connections.get(alias or _default_alias())
    await client.ensure_connected()  # the dialect is known once connected (MariaDB is detected then)
    statement, params = bind(sql.strip(), values, client.dialect)
    rowcount, rows = await client.execute_query(statement, params)
    return SQLResult(statement, params, rows, rowcount)


def _default_alias() -> str:
    aliases = list(connections.db_config)
    if not aliases:
        raise UsageError("%%orm_sql needs an initialised ORM: run %orm_init first")
    return aliases[0] if len(aliases) == 1 else "default"


@magics_class
class SQLMagics(Magics):
    """``%%orm_sql``."""

    @magic_arguments()
    @argument("-o", "--output", metavar="NAME", help="Also store all the rows as a DataFrame in this variable.")
    @argument("-c", "--connection", metavar="ALIAS", default=None,
              help="The connection to use (default: the only one, or 'default').")
    @cell_magic
    def orm_sql(self, line: str, cell: str) -> SQLResult:
        """Run the cell's SQL on an ORM connection and show the rows as a table.

        ``{name}`` and ``:name`` are notebook variables, bound as parameters (never pasted into
        the SQL)::

            %%orm_sql -o df
            SELECT name, prize FROM event WHERE prize > {low} AND name LIKE :pattern
        """
        args = parse_argstring(self.orm_sql, line)
        result = run_sync(run_sql(cell, self.shell.user_ns, args.connection))
        if args.output:
            self.shell.user_ns[args.output] = result.to_dataframe()
        return result
