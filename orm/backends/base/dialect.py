"""What one SQL flavour needs to say differently, in one object per backend.

Differences are data first (type names, lookup templates, capability flags)
and methods only where the SQL really differs (date parts, LIMIT, upsert).
The compiler reads these and never asks which database it talks to.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from orm.sql import nodes
from orm.sql.cache import StatementCache

if TYPE_CHECKING:
    from orm.fields.base import Field
    from orm.sql.writer import Node, SQLWriter

_TEMPLATE_MARK = re.compile(r"\{(\d+)\}")


@functools.lru_cache(maxsize=1024)
def _parse(template: str) -> tuple[tuple[str, int | None], ...]:
    pieces: list[tuple[str, int | None]] = []
    pos = 0
    for match in _TEMPLATE_MARK.finditer(template):
        pieces.append((template[pos : match.start()], int(match.group(1))))
        pos = match.end()
    pieces.append((template[pos:], None))
    return tuple(pieces)


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class FloatGuard:
    """``finite``, refusing the float values the database cannot keep (ValidationError naming them).

    A class rather than a closure so that a writer can tell a finite float needs only ``finite``."""

    __slots__ = ("field", "finite", "refused")

    def __init__(self, field: Field, finite: Callable[[Any], Any] | None, refused: dict[str, str]) -> None:
        self.field = field
        #: What a finite value goes through (None: it is bound as it is).
        self.finite = finite
        self.refused = refused

    def __call__(self, value: Any) -> Any:
        kind = "nan" if value != value else "inf" if value in (math.inf, -math.inf) else None
        if kind in self.refused:
            raise self.field.invalid(value, f"cannot be stored: {self.refused[kind]}")
        return self.finite(value) if self.finite is not None else value


class Dialect:
    """Base dialect: ANSI-ish SQL; each backend's dialect overrides what differs."""

    #: Name shown in ``client.capabilities.dialect`` (never branched on by the compiler).
    name: ClassVar[str] = "sql"

    # -- capabilities -------------------------------------------------------
    #: INSERT/UPDATE/DELETE ... RETURNING is available.
    supports_returning: ClassVar[bool] = False
    #: SELECT ... FOR UPDATE is available.
    supports_for_update: ClassVar[bool] = True
    #: FOR UPDATE accepts NOWAIT and SKIP LOCKED.
    supports_for_update_options: ClassVar[bool] = True
    #: FOR UPDATE OF names the tables to lock (elsewhere every table read is locked).
    supports_for_update_of: ClassVar[bool] = True
    #: DDL statements take part in transactions.
    supports_transactional_ddl: ClassVar[bool] = True
    #: Foreign-key constraints can only be declared inside CREATE TABLE.
    inline_foreign_keys: ClassVar[bool] = False
    #: Foreign keys can say ON DELETE SET DEFAULT (InnoDB cannot: the ORM then applies it itself).
    supports_on_delete_set_default: ClassVar[bool] = True
    #: The names of the tables that exist (in the connection's schema or database).
    tables_sql: ClassVar[str] = (
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    )
    #: Table and column comments are stored by the database.
    supports_comments: ClassVar[bool] = True
    #: Most parameters one statement may carry.
    max_params: ClassVar[int] = 32_000
    #: Multi-row INSERTs bind one array per column (``unnest``) instead of one parameter per value:
    #: one small statement, prepared once, whatever the number of rows.
    supports_array_insert: ClassVar[bool] = False
    #: UPDATE/DELETE may not read their own table in a subquery unless it is wrapped.
    wrap_target_subquery: ClassVar[bool] = False
    #: OFFSET needs a LIMIT before it; this is the "no limit" value to use.
    no_limit: ClassVar[str | None] = None

    # -- text --------------------------------------------------------------
    quote_char: ClassVar[str] = '"'
    #: How the database reads SQL text (for tools that scan it, such as ``%%orm_sql``):
    #: backslashes escape inside '...' and "..." literals,
    string_backslash_escapes: ClassVar[bool] = False
    #: ``#`` starts a comment,
    hash_comments: ClassVar[bool] = False
    #: ``$tag$ ... $tag$`` is a string.
    dollar_quoted_strings: ClassVar[bool] = False

    #: Column types by ``Field.db_type``; ``{attr}`` is filled from the field.
    data_types: ClassVar[dict[str, str]] = {
        "int": "INT",
        "bigint": "BIGINT",
        "smallint": "SMALLINT",
        "float": "DOUBLE PRECISION",
        "decimal": "DECIMAL({max_digits},{decimal_places})",
        "varchar": "VARCHAR({max_length})",
        "text": "TEXT",
        "bool": "BOOL",
        "datetime": "TIMESTAMP",
        "date": "DATE",
        "time": "TIME",
        "timedelta": "BIGINT",
        "json": "JSON",
        "uuid": "CHAR(36)",
        "binary": "BLOB",
    }
    #: Column definition of a database-generated primary key, by db_type.
    generated_pk_types: ClassVar[dict[str, str]] = {}

    #: Lookup templates: ``{0}`` is the column side, ``{1}`` the value side.
    operators: ClassVar[dict[str, str]] = {
        "exact": "{0} = {1}",
        "not": "{0} <> {1}",
        "gt": "{0} > {1}",
        "gte": "{0} >= {1}",
        "lt": "{0} < {1}",
        "lte": "{0} <= {1}",
        "in": "{0} IN ({1})",
        "not_in": "{0} NOT IN ({1})",
        "contains": "{0} LIKE {1} ESCAPE '\\'",
        "startswith": "{0} LIKE {1} ESCAPE '\\'",
        "endswith": "{0} LIKE {1} ESCAPE '\\'",
        "icontains": "LOWER({0}) LIKE {1} ESCAPE '\\'",
        "istartswith": "LOWER({0}) LIKE {1} ESCAPE '\\'",
        "iendswith": "LOWER({0}) LIKE {1} ESCAPE '\\'",
        "iexact": "LOWER({0}) = {1}",
    }
    #: Why a lookup has no entry in ``operators`` on this database (told in the FieldError).
    missing_lookups: ClassVar[dict[str, str]] = {}
    #: A negated condition (``exclude``, ``~Q``) that also holds where the condition is NULL.
    negation: ClassVar[str] = "({0}) IS NOT TRUE"
    #: Arithmetic operators of expressions; a template where there is no operator.
    arithmetic_operators: ClassVar[dict[str, str]] = {
        "+": "({0} + {1})",
        "-": "({0} - {1})",
        "*": "({0} * {1})",
        "/": "({0} / {1})",
        "%": "({0} % {1})",
        "**": "POWER({0}, {1})",
    }
    #: Where they differ, the operators for operands that may hold a fraction (a decimal or a float).
    fractional_operators: ClassVar[dict[str, str]] = {}
    #: SQL function names by the generic name the functions module uses.
    function_names: ClassVar[dict[str, str]] = {}

    #: db_types whose driver values already are the field's Python type.
    native_result_types: ClassVar[frozenset[str]] = frozenset()
    #: Adapters applied after ``Field.to_db_value``, by db_type.
    param_adapters: ClassVar[dict[str, Callable[[Any], Any]]] = {}
    #: Float values the database cannot keep ("nan", "inf"), with the reason: FloatField refuses them
    #: with a ValidationError instead of losing them (SQLite reads NaN back as NULL).
    unstorable_floats: ClassVar[dict[str, str]] = {}

    def __init__(self) -> None:
        #: Compiled statements of this dialect instance, by query shape.
        self.cache = StatementCache()
        #: Single-row write plans of models (``orm.write_plan``), by model class.
        self.write_plans: dict[type, Any] = {}

    # -- identifiers and parameters ----------------------------------------
    def quote(self, name: str) -> str:
        """Quote an identifier (doubling the quote character inside it)."""
        q = self.quote_char
        return f"{q}{name.replace(q, q + q)}{q}"

    def placeholder(self, index: int) -> str:
        """The placeholder of the ``index``-th (1-based) parameter."""
        return "?"

    @staticmethod
    def parse_template(template: str) -> tuple[tuple[str, int | None], ...]:
        """Split a ``{0}``/``{1}`` template into (literal, argument index) pieces."""
        return _parse(template)

    def function_name(self, name: str) -> str:
        """This database's name for a generic SQL function."""
        return self.function_names.get(name, name)

    def function_sql(self, name: str, args: list[Node]) -> Node:
        """A call of the generic function ``name``; override where a database spells it differently."""
        return nodes.Func(self.function_name(name), args)

    # -- values ------------------------------------------------------------
    def param_adapter(self, field: Field) -> Callable[[Any], Any] | None:
        """Extra conversion of a field's value before it is bound, or None."""
        adapt = self.param_adapters.get(field.db_type)
        if field.db_type == "float" and self.unstorable_floats:
            return FloatGuard(field, adapt, self.unstorable_floats)
        return adapt

    def result_converter(self, field: Field) -> Callable[[Any], Any] | None:
        """Conversion of a driver value into the field's Python value, or None."""
        if getattr(field, "plain_read", False) and field.db_type in self.native_result_types:
            return None
        to_python = field.to_python_value

        def convert(value: Any) -> Any:
            return None if value is None else to_python(value)

        return convert

    def like_param(self, lookup: str, value: str) -> str:
        """The LIKE pattern for a text lookup (``contains``, ``istartswith``...)."""
        text = _like_escape(value)
        if lookup.startswith("i"):
            text = text.lower()
            lookup = lookup[1:]
        if lookup == "exact":
            return value.lower()
        if lookup == "contains":
            return f"%{text}%"
        if lookup == "startswith":
            return f"{text}%"
        return f"%{text}"

    def literal(self, value: Any) -> str:
        """A value as SQL text, for displaying a query only (never executed)."""
        if value is None:
            return "NULL"
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, (int, float)):
            return repr(value)
        if isinstance(value, (bytes, bytearray)):
            return "X'" + bytes(value).hex() + "'"
        return self.string_literal(str(value))

    def inline_params(self, sql: str, params: list[Any]) -> str:
        """``sql`` with its placeholders replaced by literals, for display."""
        literals = [self.literal(v) for v in params]
        if self.placeholder(1) == self.placeholder(2):
            pieces = sql.split(self.placeholder(1))
            out = [pieces[0]]
            for literal, piece in zip(literals, pieces[1:]):
                out += [literal, piece]
            return "".join(out)
        if not literals:
            return sql
        # numbered placeholders ($1, $2...): one pass, so text inside a literal is never replaced again;
        # longest first, so $12 is not read as $1 followed by "2"
        marks = {self.placeholder(index): literal for index, literal in enumerate(literals, 1)}
        pattern = "|".join(re.escape(mark) for mark in sorted(marks, key=len, reverse=True))
        return re.sub(pattern, lambda match: marks[match.group()], sql)

    #: Prefix that makes the database describe a query's plan.
    explain_prefix: ClassVar[str] = "EXPLAIN"

    # -- schema ------------------------------------------------------------
    def column_type(self, field: Field) -> str:
        """The SQL type of ``field``'s column."""
        template = self.data_types[field.db_type]
        return template.format_map(vars(field)) if "{" in template else template

    def generated_pk_type(self, field: Field) -> str | None:
        """Definition of an auto-generated primary key column, when special."""
        return self.generated_pk_types.get(field.db_type)

    def string_literal(self, text: str) -> str:
        """A SQL string literal (DDL comments only; values are always parameters)."""
        return "'" + text.replace("'", "''") + "'"

    def column_comment(self, description: str | None) -> str:
        """Inline comment after a column definition (where comments are inline)."""
        return ""

    def table_options(self, description: str) -> str:
        """Text after ``CREATE TABLE (...)``: engine options, inline table comment."""
        return ""

    def comment_statements(self, table: str, description: str, columns: dict[str, str]) -> list[str]:
        """Statements storing the table's and columns' descriptions."""
        if not self.supports_comments:
            return []
        statements = []
        if description:
            statements.append(f"COMMENT ON TABLE {self.quote(table)} IS {self.string_literal(description)}")
        for column, text in columns.items():
            statements.append(
                f"COMMENT ON COLUMN {self.quote(table)}.{self.quote(column)} IS {self.string_literal(text)}"
            )
        return statements

    def create_index_sql(
        self, table: str, name: str, columns: list[str], unique: bool, safe: bool, method: str = ""
    ) -> str:
        """CREATE [UNIQUE] INDEX statement; ``method`` an access method (``USING GIN``) where one is named."""
        kind = "UNIQUE INDEX" if unique else "INDEX"
        exists = "IF NOT EXISTS " if safe else ""
        cols = ", ".join(self.quote(c) for c in columns)
        using = f" USING {method}" if method else ""
        return f"CREATE {kind} {exists}{self.quote(name)} ON {self.quote(table)}{using} ({cols})"

    # -- clauses -----------------------------------------------------------
    def arithmetic(self, op: str, lhs: Node, rhs: Node, fractional: bool = False) -> Node:
        """``lhs <op> rhs`` for an expression's arithmetic operator.

        ``fractional``: an operand is a decimal or a float, so the result keeps its fraction
        even where the stored value happens to be whole.
        """
        template = self.fractional_operators.get(op) if fractional else None
        return nodes.Template(template or self.arithmetic_operators[op], [lhs, rhs])

    def extract(self, part: str, node: Node) -> Node:
        """A node giving the ``part`` (year, month, ...) of a date/time node."""
        return nodes.Cast(nodes.Template(f"EXTRACT({part.upper()} FROM {{0}})", [node]), "INTEGER")

    def json_path(self, parts: list[str]) -> Any:
        """The bound value naming a place in a JSON document: ``$."key"[0]``."""
        path = "$"
        for part in parts:
            if part.isdigit():
                path += f"[{part}]"
            else:  # a JSON string: quotes, backslashes and control characters escaped
                path += "." + json.dumps(part, ensure_ascii=False)
        return path

    def json_value(self, column: Node, path: Node, kind: str) -> Node:
        """The value at ``path`` inside a JSON column, as ``kind``: number, text, bool or raw (NULL if absent)."""
        raise NotImplementedError(f"{self.name} has no JSON path extraction")

    def json_contains(self, column: Node, document: Node, contained_by: bool) -> Node:
        """Whether the column's JSON contains ``document`` (or is contained by it)."""
        raise NotImplementedError(f"{self.name} has no JSON containment")

    def write_limit_offset(
        self, w: SQLWriter, limit: Callable[[], None] | None, offset: Callable[[], None] | None
    ) -> None:
        """Write LIMIT/OFFSET; ``limit``/``offset`` write their value when called."""
        if limit is not None:
            w.write(" LIMIT ")
            limit()
        elif offset is not None and self.no_limit is not None:
            w.write(f" LIMIT {self.no_limit}")
        if offset is not None:
            w.write(" OFFSET ")
            offset()

    def index_hints(self, force: tuple[str, ...], use: tuple[str, ...]) -> str:
        """FORCE/USE INDEX hints after the table name ("" where not supported)."""
        return ""

    def for_update_sql(self, nowait: bool, skip_locked: bool, of: tuple[str, ...]) -> str:
        """The FOR UPDATE clause (empty when not supported)."""
        if not self.supports_for_update:
            return ""
        sql = " FOR UPDATE"
        if of and self.supports_for_update_of:
            sql += " OF " + ", ".join(self.quote(name) for name in of)
        if self.supports_for_update_options:
            if nowait:
                sql += " NOWAIT"
            elif skip_locked:
                sql += " SKIP LOCKED"
        return sql

    def returning_sql(self, columns: list[str]) -> str:
        """``RETURNING`` clause for the given columns ("" when unsupported)."""
        if not self.supports_returning or not columns:
            return ""
        return " RETURNING " + ", ".join(self.quote(c) for c in columns)

    def insert_verb(self, ignore_conflicts: bool) -> str:
        """``INSERT INTO`` (or the dialect's insert-or-ignore form)."""
        return "INSERT INTO"

    def conflict_clause(self, ignore: bool, conflict_columns: list[str], update_columns: list[str]) -> str:
        """What follows VALUES to skip or update rows that conflict (ON CONFLICT ...)."""
        if update_columns:
            target = f" ({', '.join(conflict_columns)})" if conflict_columns else ""
            sets = ", ".join(f"{self.quote(c)}=EXCLUDED.{self.quote(c)}" for c in update_columns)
            return f" ON CONFLICT{target} DO UPDATE SET {sets}"
        if ignore:
            return " ON CONFLICT DO NOTHING"
        return ""

    def param_cast(self, value: Any) -> str | None:
        """SQL type for a value used inside an expression, where the database needs one."""
        return None

    def expression_param(self, value: Any) -> Any:
        """A value used inside an expression, converted where the driver cannot bind its type."""
        return value

    def case_value_cast(self, field: Field) -> str | None:
        """Type to CAST a parameter to inside CASE, where the database cannot infer it."""
        return None

    def insert_default_values_sql(self, table: str) -> str:
        """INSERT of a row where every column takes its default."""
        return f"INSERT INTO {self.quote(table)} DEFAULT VALUES"

    # -- transactions --------------------------------------------------------
    begin_sql: ClassVar[str] = "BEGIN"

    def create_database_sql(self, name: str) -> str:
        return f"CREATE DATABASE {self.quote(name)}"

    def drop_database_sql(self, name: str) -> str:
        return f"DROP DATABASE IF EXISTS {self.quote(name)}"

    def savepoint_sql(self, name: str) -> str:
        return f"SAVEPOINT {name}"

    def release_savepoint_sql(self, name: str) -> str:
        return f"RELEASE SAVEPOINT {name}"

    def rollback_to_savepoint_sql(self, name: str) -> str:
        return f"ROLLBACK TO SAVEPOINT {name}"
