"""CREATE TABLE / INDEX statements for the initialised models.

DDL is the one place where literals (comments) enter SQL text: the dialect
quotes them as string literals. Everything else is identifiers from model
metadata.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from orm.fields.base import OnDelete

if TYPE_CHECKING:
    from orm.backends.base.client import BaseDBAsyncClient
    from orm.fields.base import Field
    from orm.models import Model


def constraint_name(prefix: str, table: str, columns: Iterable[str], limit: int = 60) -> str:
    """A deterministic name no longer than ``limit`` (databases cap identifier length)."""
    name = f"{prefix}_{table}_{'_'.join(columns)}"
    if len(name) <= limit:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:8]
    return f"{name[: limit - 9]}_{digest}"


class SchemaGenerator:
    """Builds the DDL of every model bound to one client."""

    def __init__(self, client: BaseDBAsyncClient) -> None:
        self.client = client
        self.dialect = client.dialect

    # -- public API -----------------------------------------------------------------
    def get_create_schema_sql(self, safe: bool = True) -> str:
        """The whole schema as one SQL script."""
        return "\n".join(f"{statement};" for statement in self.statements(safe))

    async def generate_from_string(self, creation_string: str) -> None:
        await self.client.execute_script(creation_string)

    async def generate_schema(self, safe: bool = True) -> None:
        """Create every table (``safe`` adds IF NOT EXISTS, and skips the foreign keys
        added after CREATE TABLE to tables that already exist)."""
        existing: set[str] = set()
        if safe:
            existing = {row[0] for row in await self.client.fetch_all(self.dialect.tables_sql)}
        for statement in self.statements(safe, existing):
            await self.client.execute(statement)

    # -- building ---------------------------------------------------------------------
    def models(self) -> list[type[Model]]:
        from orm.apps import registry

        bound = [m for m in registry.models() if m._meta.default_connection == self.client.connection_name]
        return _dependency_order(bound)

    def statements(self, safe: bool, existing: Iterable[str] = ()) -> list[str]:
        """Tables in dependency order, then link tables, then foreign keys that close a cycle
        (except on the ``existing`` tables, which have them)."""
        existing = set(existing)
        tables: list[str] = []
        links: list[str] = []
        deferred: list[str] = []
        created: set[type[Model]] = set()
        through_done: set[str] = set()
        for model in self.models():
            closing: list[str] = []
            tables.extend(self.table_statements(model, safe, created, closing))
            if model._meta.db_table not in existing:
                deferred.extend(closing)
            created.add(model)
            for m2m in _m2m_fields(model):
                if m2m.through not in through_done:
                    through_done.add(m2m.through)
                    links.extend(self.through_statements(m2m, safe))
        return tables + links + deferred

    def table_statements(
        self, model: type[Model], safe: bool, created: set[type[Model]], deferred: list[str]
    ) -> list[str]:
        meta, d = model._meta, self.dialect
        table = meta.db_table
        lines = [self.column_sql(field) for field in meta.db_fields]
        for group in meta.unique_together:
            columns = [self.column_of(model, name) for name in group]
            lines.append(
                f"CONSTRAINT {d.quote(constraint_name('uid', table, columns))} UNIQUE "
                f"({', '.join(d.quote(c) for c in columns)})"
            )
        for field in meta.db_fields:
            fk = _reference(field)
            if fk is None:
                continue
            target = fk.related_model
            if d.inline_foreign_keys or target is model or target in created:
                lines.append(self.foreign_key_sql(field))
            else:
                deferred.append(f"ALTER TABLE {d.quote(table)} ADD {self.foreign_key_sql(field)}")
        exists = "IF NOT EXISTS " if safe else ""
        body = ",\n    ".join(lines)
        create = f"CREATE TABLE {exists}{d.quote(table)} (\n    {body}\n){d.table_options(meta.table_description)}"
        statements = [create]
        statements.extend(d.comment_statements(table, meta.table_description, self.column_comments(model)))
        statements.extend(self.index_statements(model, safe))
        return statements

    def column_sql(self, field: Field) -> str:
        d = self.dialect
        name = d.quote(field.column)
        if field.pk and field.generated:
            generated = d.generated_pk_type(field)
            if generated:
                return f"{name} {generated}{d.column_comment(field.description)}"
        parts = [name, field.column_type(d)]
        fk = _reference(field)
        if fk is not None and fk.on_delete == OnDelete.SET_DEFAULT:
            # the database applies ON DELETE SET DEFAULT, so the column needs the default
            parts.append(f"DEFAULT {d.literal(field.db_converter(d)(field.default))}")
        if not field.null:
            parts.append("NOT NULL")
        if field.pk:
            parts.append("PRIMARY KEY")
        elif field.unique:
            parts.append("UNIQUE")
        return " ".join(parts) + d.column_comment(field.description)

    def foreign_key_sql(self, field: Field) -> str:
        d = self.dialect
        fk = _reference(field)
        target = fk.related_model._meta
        to_column = target.fields_map[fk.to_field].column
        name = constraint_name("fk", field.model._meta.db_table, [field.column, target.db_table])
        on_delete = fk.on_delete
        if on_delete == OnDelete.SET_DEFAULT and not d.supports_on_delete_set_default:
            on_delete = OnDelete.RESTRICT  # the ORM sets the default before deleting (persistence)
        return (
            f"CONSTRAINT {d.quote(name)} FOREIGN KEY ({d.quote(field.column)}) "
            f"REFERENCES {d.quote(target.db_table)} ({d.quote(to_column)}) ON DELETE {on_delete}"
        )

    def column_comments(self, model: type[Model]) -> dict[str, str]:
        return {f.column: f.description for f in model._meta.db_fields if f.description}

    def index_statements(self, model: type[Model], safe: bool) -> list[str]:
        meta, d = model._meta, self.dialect
        table = meta.db_table
        statements = []
        for field in meta.db_fields:
            if field.index and not field.unique:
                statements.append(
                    d.create_index_sql(
                        table, constraint_name("idx", table, [field.column]), [field.column], False, safe
                    )
                )
        for index in meta.indexes:
            statements.append(self.meta_index_sql(model, index, safe))
        return statements

    def meta_index_sql(self, model: type[Model], index: Any, safe: bool) -> str:
        meta = model._meta
        if hasattr(index, "get_sql"):
            return index.get_sql(self, model, safe)
        columns = [self.column_of(model, name) for name in index]
        name = constraint_name("idx", meta.db_table, columns)
        return self.dialect.create_index_sql(meta.db_table, name, columns, False, safe)

    def column_of(self, model: type[Model], name: str) -> str:
        field = model._meta.field(name)
        if not field.has_db_field:
            field = model._meta.fields_map[field.source_field]
        return field.column

    def through_statements(self, m2m: Any, safe: bool) -> list[str]:
        d = self.dialect
        owner, target = m2m.model._meta, m2m.related_model._meta
        table = m2m.through
        columns = []
        constraints = []
        for column, meta in ((m2m.backward_key, owner), (m2m.forward_key, target)):
            columns.append(f"{d.quote(column)} {meta.pk.column_type(d)} NOT NULL")
            if not m2m.db_constraint:
                continue
            fk_name = constraint_name("fk", table, [column, meta.db_table])
            constraints.append(
                f"CONSTRAINT {d.quote(fk_name)} FOREIGN KEY ({d.quote(column)}) REFERENCES "
                f"{d.quote(meta.db_table)} ({d.quote(meta.db_pk_column)}) ON DELETE {m2m.on_delete}"
            )
        keys = [m2m.backward_key, m2m.forward_key]
        if m2m.create_unique_index:
            constraints.append(
                f"CONSTRAINT {d.quote(constraint_name('uid', table, keys))} UNIQUE "
                f"({', '.join(d.quote(k) for k in keys)})"
            )
        exists = "IF NOT EXISTS " if safe else ""
        body = ",\n    ".join(columns + constraints)
        statements = [
            f"CREATE TABLE {exists}{d.quote(table)} (\n    {body}\n){d.table_options(m2m.description or '')}"
        ]
        statements.extend(d.comment_statements(table, m2m.description or "", {}))
        return statements


def _reference(field: Field) -> Any:
    fk = getattr(field, "reference", None)
    return fk if fk is not None and fk.db_constraint else None


def _m2m_fields(model: type[Model]) -> list[Any]:
    return [
        model._meta.fields_map[name]
        for name in sorted(model._meta.m2m_fields)
        if not getattr(model._meta.fields_map[name], "is_backward", False)
    ]


def _dependency_order(models: list[type[Model]]) -> list[type[Model]]:
    """Models ordered so that a table comes after the tables its foreign keys reference."""
    ordered: list[type[Model]] = []
    state: dict[type[Model], int] = {}

    def visit(model: type[Model]) -> None:
        if state.get(model) == 2:
            return
        if state.get(model) == 1:  # a cycle: leave the rest of it in declaration order
            return
        state[model] = 1
        for field in model._meta.db_fields:
            fk = _reference(field)
            if fk is not None and fk.related_model is not model and fk.related_model in models:
                visit(fk.related_model)
        state[model] = 2
        ordered.append(model)

    for model in models:
        visit(model)
    return ordered
