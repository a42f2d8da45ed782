"""MySQL's SQL flavour, and MariaDB's additions to it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from orm import timezone
from orm.backends.base.dialect import Dialect
from orm.exceptions import UnSupportedError
from orm.sql import nodes

if TYPE_CHECKING:
    from orm.fields.base import Field
    from orm.sql.writer import Node

_EXTRACT = {"week": "WEEK({0}, 3)", "quarter": "QUARTER({0})"}
_JSON_KINDS = {
    "number": (
        "IN ('INTEGER', 'UNSIGNED INTEGER', 'DOUBLE', 'DECIMAL')",
        "CAST(JSON_VALUE({0}, {1}) AS DECIMAL(65,30))",
    ),
    "bool": ("= 'BOOLEAN'", "JSON_EXTRACT({0}, {1}) = 'true'"),
    "text": ("= 'STRING'", "JSON_VALUE({0}, {1})"),
    "raw": ("<> 'NULL'", "JSON_EXTRACT({0}, {1})"),
}


def _utc_naive(value: datetime) -> datetime:
    # DATETIME keeps no zone: store UTC (use_tz) or the wall clock (use_tz=False)
    if value.tzinfo is not None:
        return value.astimezone(timezone.UTC).replace(tzinfo=None)
    return value


def _as_utc(value: Any) -> Any:
    if timezone.get_use_tz() and isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=timezone.UTC)
    return value


class MySQLDialect(Dialect):
    name = "mysql"
    quote_char = "`"
    supports_transactional_ddl = False
    string_backslash_escapes = True
    hash_comments = True
    supports_on_delete_set_default = False  # InnoDB refuses it (MySQL) or ignores it (MariaDB)
    tables_sql = "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()"
    wrap_target_subquery = True
    max_params = 65_535
    no_limit = "18446744073709551615"

    data_types: ClassVar[dict[str, str]] = {
        **Dialect.data_types,
        "float": "DOUBLE",
        "text": "LONGTEXT",
        "datetime": "DATETIME(6)",
        "time": "TIME(6)",
        "binary": "LONGBLOB",
    }
    generated_pk_types: ClassVar[dict[str, str]] = {
        "int": "INT NOT NULL PRIMARY KEY AUTO_INCREMENT",
        "bigint": "BIGINT NOT NULL PRIMARY KEY AUTO_INCREMENT",
        "smallint": "SMALLINT NOT NULL PRIMARY KEY AUTO_INCREMENT",
    }
    operators: ClassVar[dict[str, str]] = {
        **Dialect.operators,
        # the default collations ignore case: BINARY makes the plain text lookups exact;
        # LIKE's default escape character is already the backslash
        "contains": "{0} LIKE BINARY {1}",
        "startswith": "{0} LIKE BINARY {1}",
        "endswith": "{0} LIKE BINARY {1}",
        # the default collations also equate accented letters: compare lower-cased bytes instead
        "icontains": "LOWER({0}) LIKE BINARY {1}",
        "istartswith": "LOWER({0}) LIKE BINARY {1}",
        "iendswith": "LOWER({0}) LIKE BINARY {1}",
        "iexact": "LOWER({0}) = BINARY {1}",
        # REGEXP follows the column's collation (case-insensitive by default): an inline flag
        # says which is meant, in both MariaDB's PCRE and MySQL 8's ICU syntax
        "posix_regex": "{0} REGEXP CONCAT('(?-i)', {1})",
        "iposix_regex": "{0} REGEXP CONCAT('(?i)', {1})",
        "search": "MATCH ({0}) AGAINST ({1} IN NATURAL LANGUAGE MODE)",
    }
    arithmetic_operators: ClassVar[dict[str, str]] = {
        **Dialect.arithmetic_operators,
        "%": "MOD({0}, {1})",
    }
    function_names: ClassVar[dict[str, str]] = {"LENGTH": "CHAR_LENGTH"}
    native_result_types = frozenset({"int", "bigint", "smallint", "varchar", "text", "float", "date", "decimal"})
    param_adapters: ClassVar[dict[str, Any]] = {"datetime": _utc_naive}
    unstorable_floats: ClassVar[dict[str, str]] = {
        "nan": "MySQL and MariaDB have no NaN", "inf": "MySQL and MariaDB have no infinity"
    }
    explain_prefix = "EXPLAIN"

    def create_database_sql(self, name: str) -> str:
        return f"CREATE DATABASE IF NOT EXISTS {self.quote(name)}"

    def placeholder(self, index: int) -> str:
        return "%s"

    def string_literal(self, text: str) -> str:
        return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"

    def result_converter(self, field: Field) -> Any:
        convert = super().result_converter(field)
        if field.db_type != "datetime" or convert is None:
            return convert
        return lambda value: convert(_as_utc(value))

    def function_sql(self, name: str, args: list[Node]) -> Node:
        if name == "CONCAT":  # CONCAT gives NULL if any piece is NULL; CONCAT_WS skips them
            return nodes.Func("CONCAT_WS", [nodes.Raw("''"), *args])
        return super().function_sql(name, args)

    def json_value(self, column: Node, path: Node, kind: str) -> Node:
        # only values of the asked JSON type compare (the string "30" is not the number 30);
        # raw is NULL when the key is missing or holds JSON null
        condition, value = _JSON_KINDS[kind]
        return nodes.Template(
            f"CASE WHEN JSON_TYPE(JSON_EXTRACT({{0}}, {{1}})) {condition} THEN {value} END", [column, path]
        )

    def json_contains(self, column: Node, document: Node, contained_by: bool) -> Node:
        args = [document, column] if contained_by else [column, document]
        return nodes.Template("JSON_CONTAINS({0}, {1})", args)

    def extract(self, part: str, node: Node) -> Node:
        template = _EXTRACT.get(part, f"EXTRACT({part.upper()} FROM {{0}})")
        return nodes.Template(template, [node])

    def insert_verb(self, ignore_conflicts: bool) -> str:
        return "INSERT IGNORE INTO" if ignore_conflicts else "INSERT INTO"

    def conflict_clause(self, ignore: bool, conflict_columns: list[str], update_columns: list[str]) -> str:
        if not update_columns:
            return ""
        sets = ", ".join(f"{self.quote(c)}=VALUES({self.quote(c)})" for c in update_columns)
        return f" ON DUPLICATE KEY UPDATE {sets}"

    def index_hints(self, force: tuple[str, ...], use: tuple[str, ...]) -> str:
        hints = ""
        if force:
            hints += f" FORCE INDEX ({', '.join(self.quote(i) for i in force)})"
        if use:
            hints += f" USE INDEX ({', '.join(self.quote(i) for i in use)})"
        return hints

    def column_comment(self, description: str | None) -> str:
        return f" COMMENT {self.string_literal(description)}" if description else ""

    def table_options(self, description: str) -> str:
        comment = f" COMMENT={self.string_literal(description)}" if description else ""
        return f" CHARACTER SET utf8mb4{comment}"

    def comment_statements(self, table: str, description: str, columns: dict[str, str]) -> list[str]:
        return []

    def create_index_sql(
        self, table: str, name: str, columns: list[str], unique: bool, safe: bool, method: str = ""
    ) -> str:
        return super().create_index_sql(table, name, columns, unique, False, method)


class MariaDBDialect(MySQLDialect):
    """MariaDB: like MySQL, plus INSERT ... RETURNING and CREATE INDEX IF NOT EXISTS."""

    name = "mariadb"
    supports_returning = True
    supports_for_update_of = False  # MariaDB locks every table the SELECT reads

    def create_index_sql(
        self, table: str, name: str, columns: list[str], unique: bool, safe: bool, method: str = ""
    ) -> str:
        return Dialect.create_index_sql(self, table, name, columns, unique, safe, method)

    def json_path(self, parts: list[str]) -> Any:
        for part in parts:
            if part.startswith("-"):  # JSON_EXTRACT finds no such key, however it is quoted
                raise UnSupportedError(f"MariaDB cannot reach the JSON key {part!r:.60} (it starts with '-')")
        return super().json_path(parts)
