"""SQLite's SQL flavour."""

from __future__ import annotations

import decimal
import json
import sqlite3
from typing import TYPE_CHECKING, Any, ClassVar

from orm.backends.base.dialect import Dialect
from orm.exceptions import UnSupportedError
from orm.sql import nodes

if TYPE_CHECKING:
    from orm.fields.base import Field
    from orm.sql.writer import Node

#: Above this many digits SQLite's NUMERIC affinity would round: keep such decimals as text.
EXACT_NUMERIC_DIGITS = 15


def _glob_escape(text: str) -> str:
    return text.replace("[", "[[]").replace("*", "[*]").replace("?", "[?]")


class SQLiteDialect(Dialect):
    name = "sqlite"
    supports_returning = sqlite3.sqlite_version_info >= (3, 35, 0)
    supports_for_update = False
    supports_for_update_options = False
    supports_for_update_of = False
    inline_foreign_keys = True
    tables_sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
    supports_comments = False
    max_params = 32_766 if sqlite3.sqlite_version_info >= (3, 32, 0) else 999
    no_limit = "-1"
    explain_prefix = "EXPLAIN QUERY PLAN"

    data_types: ClassVar[dict[str, str]] = {
        **Dialect.data_types,
        "float": "REAL",
        "bool": "INT",
        "json": "TEXT",
        "uuid": "CHAR(36)",
        "binary": "BLOB",
    }
    generated_pk_types: ClassVar[dict[str, str]] = dict.fromkeys(
        ("int", "bigint", "smallint"), "INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL"
    )
    operators: ClassVar[dict[str, str]] = {
        **Dialect.operators,
        # LIKE ignores ASCII case in SQLite, so the case-sensitive lookups use GLOB
        "contains": "{0} GLOB {1}",
        "startswith": "{0} GLOB {1}",
        "endswith": "{0} GLOB {1}",
        # orm_lower is Python's str.lower, registered per connection (unicode-aware)
        "icontains": "orm_lower({0}) LIKE {1} ESCAPE '\\'",
        "istartswith": "orm_lower({0}) LIKE {1} ESCAPE '\\'",
        "iendswith": "orm_lower({0}) LIKE {1} ESCAPE '\\'",
        "iexact": "orm_lower({0}) = {1}",
        # X REGEXP Y calls regexp(Y, X): Python's re, registered per connection like orm_iregexp
        "posix_regex": "{0} REGEXP {1}",
        "iposix_regex": "orm_iregexp({1}, {0})",
    }
    missing_lookups: ClassVar[dict[str, str]] = {
        "search": "SQLite has no full-text search on ordinary tables (use icontains, or an FTS5 table with raw SQL)"
    }
    # IS NOT TRUE arrived in SQLite 3.23
    negation = "({0}) IS NOT TRUE" if sqlite3.sqlite_version_info >= (3, 23, 0) else "NOT COALESCE({0}, 0)"
    # a whole decimal is stored as an INTEGER (NUMERIC affinity), and % works on integers only:
    # 1.00 / 3 would be 0 and 9.99 % 1 would be 0 (orm_mod is math.fmod, registered per connection)
    fractional_operators: ClassVar[dict[str, str]] = {
        "/": "(CAST({0} AS REAL) / {1})",
        "%": "orm_mod({0}, {1})",
    }
    function_names: ClassVar[dict[str, str]] = {"LOWER": "orm_lower", "UPPER": "orm_upper"}
    native_result_types = frozenset({"int", "bigint", "smallint", "varchar", "text", "float", "binary"})
    param_adapters: ClassVar[dict[str, Any]] = {
        "datetime": lambda value: value.isoformat(" "),
        "date": lambda value: value.isoformat(),
        "time": lambda value: value.isoformat(),
        "decimal": str,
    }
    unstorable_floats: ClassVar[dict[str, str]] = {"nan": "SQLite stores NaN as NULL"}

    def param_adapter(self, field: Field) -> Any:
        if field.db_type == "decimal" and getattr(field, "max_digits", 0) <= EXACT_NUMERIC_DIGITS:
            # a REAL compares as a number even against an expression (a string would not)
            return float
        return super().param_adapter(field)

    def expression_param(self, value: Any) -> Any:
        # sqlite3 cannot bind a Decimal; a REAL computes and compares as a number (as in param_adapter)
        return float(value) if isinstance(value, decimal.Decimal) else value

    def like_param(self, lookup: str, value: str) -> str:
        if "\x00" in value and lookup != "iexact":
            # SQLite's LIKE and GLOB read a pattern only up to a NUL: it would match far too much
            raise UnSupportedError(f"SQLite cannot use {lookup} with text containing NUL (0x00): {value!r:.60}")
        if lookup in ("contains", "startswith", "endswith"):
            text = _glob_escape(value)
            return {"contains": f"*{text}*", "startswith": f"{text}*", "endswith": f"*{text}"}[lookup]
        return super().like_param(lookup, value)

    def column_type(self, field: Field) -> str:
        if field.db_type == "decimal" and getattr(field, "max_digits", 0) > EXACT_NUMERIC_DIGITS:
            return "VARCHAR(40)"
        return super().column_type(field)

    def function_sql(self, name: str, args: list[Node]) -> Node:
        if name == "CONCAT":  # no CONCAT() before SQLite 3.44; NULLs are skipped as CONCAT does
            template = " || ".join(f"COALESCE({{{i}}}, '')" for i in range(len(args)))
            return nodes.Template(f"({template})", args)
        return super().function_sql(name, args)

    def extract(self, part: str, node: Node) -> Node:
        return nodes.Template(f"orm_extract('{part}', {{0}})", [node])

    def json_path(self, parts: list[str]) -> Any:
        # a JSON array of the keys: SQLite's own path syntax cannot name keys holding '"' or NUL
        return json.dumps(parts, ensure_ascii=False)

    def json_value(self, column: Node, path: Node, kind: str) -> Node:
        # as json_extract: numbers compare as numbers, true/false as 1/0, text as text
        return nodes.Template("orm_json_extract({0}, {1})", [column, path])

    def json_contains(self, column: Node, document: Node, contained_by: bool) -> Node:
        args = [document, column] if contained_by else [column, document]
        return nodes.Template("orm_json_contains({0}, {1})", args)

    def column_comment(self, description: str | None) -> str:
        return _sql_comment(description)

    def table_options(self, description: str) -> str:
        return _sql_comment(description)


def _sql_comment(text: str | None) -> str:
    """SQLite keeps no comments, but CREATE TABLE text does: keep descriptions there."""
    if not text:
        return ""
    return " /* " + " ".join(text.split()).replace("*/", "* /") + " */"
