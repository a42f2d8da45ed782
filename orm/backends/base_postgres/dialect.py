"""PostgreSQL's SQL flavour (shared by the asyncpg and psycopg backends)."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from orm import timezone
from orm.backends.base.dialect import Dialect
from orm.sql import nodes

if TYPE_CHECKING:
    from orm.fields.base import Field
    from orm.sql.writer import Node

_EXTRACT = {
    "second": "FLOOR(EXTRACT(SECOND FROM {0}))",
    "microsecond": "MOD(EXTRACT(MICROSECONDS FROM {0}), 1000000)",
}


#: Types of values in expressions (Value(7), Case branches, Concat pieces): PostgreSQL
#: cannot infer a parameter's type there. Checked in order (bool before int).
_PARAM_TYPES: tuple[tuple[type, str], ...] = (
    (bool, "BOOLEAN"),
    (int, "INTEGER"),
    (float, "DOUBLE PRECISION"),
    (decimal.Decimal, "NUMERIC"),
    (str, "TEXT"),
    (bytes, "BYTEA"),
    (datetime, "TIMESTAMPTZ"),
    (dt.date, "DATE"),
    (dt.time, "TIME"),
    (uuid.UUID, "UUID"),
)


_JSON_KINDS = {"number": ("number", "NUMERIC"), "bool": ("boolean", "BOOLEAN"), "text": ("string", "TEXT")}


def _integer_type(value: int) -> str:
    if -(2**31) <= value < 2**31:
        return "INTEGER"
    return "BIGINT" if -(2**63) <= value < 2**63 else "NUMERIC"


def _naive_as_utc(value: datetime) -> datetime:
    # use_tz=False: naive values are stored as they are; TIMESTAMPTZ would read them in the session zone
    return value.replace(tzinfo=timezone.UTC) if value.tzinfo is None else value


def _utc_wall_clock(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(timezone.UTC).replace(tzinfo=None)
    return value


class PostgresDialect(Dialect):
    name = "postgres"
    supports_returning = True
    supports_transactional_ddl = True
    max_params = 32_767
    supports_array_insert = True
    dollar_quoted_strings = True

    data_types: ClassVar[dict[str, str]] = {
        **Dialect.data_types,
        "datetime": "TIMESTAMPTZ",
        "json": "JSONB",
        "uuid": "UUID",
        "binary": "BYTEA",
    }
    generated_pk_types: ClassVar[dict[str, str]] = {
        "int": "SERIAL NOT NULL PRIMARY KEY",
        "bigint": "BIGSERIAL NOT NULL PRIMARY KEY",
        "smallint": "SMALLSERIAL NOT NULL PRIMARY KEY",
    }
    operators: ClassVar[dict[str, str]] = {
        **Dialect.operators,
        "icontains": "{0} ILIKE {1} ESCAPE '\\'",
        "istartswith": "{0} ILIKE {1} ESCAPE '\\'",
        "iendswith": "{0} ILIKE {1} ESCAPE '\\'",
        "posix_regex": "{0} ~ {1}",
        "iposix_regex": "{0} ~* {1}",
        "search": "to_tsvector({0}) @@ plainto_tsquery({1})",
    }
    arithmetic_operators: ClassVar[dict[str, str]] = {
        **Dialect.arithmetic_operators,
        "%": "MOD({0}, {1})",
    }
    # MOD takes no double precision: compute it in NUMERIC (the float field converts back)
    fractional_operators: ClassVar[dict[str, str]] = {"%": "MOD(CAST({0} AS NUMERIC), CAST({1} AS NUMERIC))"}
    native_result_types = frozenset(
        {"int", "bigint", "smallint", "varchar", "text", "float", "bool", "date", "time", "binary", "decimal"}
    )

    def drop_database_sql(self, name: str) -> str:
        return f"{super().drop_database_sql(name)} WITH (FORCE)"  # ends the sessions still in it

    def placeholder(self, index: int) -> str:
        return f"${index}"

    def literal(self, value: Any) -> str:
        # booleans are not integers here, and X'..' would be a bit string, not bytea
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, (bytes, bytearray)):
            return "'\\x" + bytes(value).hex() + "'::bytea"
        return super().literal(value)

    def param_adapter(self, field: Field) -> Any:
        if field.db_type == "datetime":
            return _naive_as_utc
        return super().param_adapter(field)

    def result_converter(self, field: Field) -> Any:
        convert = super().result_converter(field)
        if field.db_type != "datetime" or convert is None:
            return convert

        def to_python(value: Any) -> Any:
            return convert(value if timezone.get_use_tz() else _utc_wall_clock(value))

        return to_python

    def extract(self, part: str, node: Node) -> Node:
        template = _EXTRACT.get(part, f"EXTRACT({part.upper()} FROM {{0}})")
        return nodes.Cast(nodes.Template(template, [node]), "INTEGER")

    def json_path(self, parts: list[str]) -> Any:
        return list(parts)  # a text[] for the #>> operator

    def json_value(self, column: Node, path: Node, kind: str) -> Node:
        if kind == "raw":  # NULL when the key is missing or holds JSON null
            return nodes.Template("({0} #>> CAST({1} AS TEXT[]))", [column, path])
        json_type, sql_type = _JSON_KINDS[kind]
        # only values of the asked JSON type compare (the string "30" is not the number 30)
        return nodes.Template(
            f"CASE WHEN jsonb_typeof({{0}} #> CAST({{1}} AS TEXT[])) = '{json_type}' "
            f"THEN CAST({{0}} #>> CAST({{1}} AS TEXT[]) AS {sql_type}) END",
            [column, path],
        )

    def json_contains(self, column: Node, document: Node, contained_by: bool) -> Node:
        operator = "<@" if contained_by else "@>"
        return nodes.Template(f"({{0}} {operator} CAST({{1}} AS JSONB))", [column, document])

    def case_value_cast(self, field: Field) -> str | None:
        return self.column_type(field)

    def param_cast(self, value: Any) -> str | None:
        for kind, sql_type in _PARAM_TYPES:
            if isinstance(value, kind):
                if kind is int:  # INTEGER where it fits: functions such as ROUND(x, n) take int4
                    return _integer_type(value)
                if kind is datetime and value.tzinfo is None:
                    return "TIMESTAMP"
                return sql_type
        return None
