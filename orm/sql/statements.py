"""INSERT / UPDATE / DELETE of instances by primary key, cached per model and columns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from orm.sql.writer import SQLWriter

if TYPE_CHECKING:
    from orm.backends.base.dialect import Dialect
    from orm.fields.base import Field
    from orm.models import Model


def _placeholders(dialect: Dialect, start: int, count: int) -> str:
    return ", ".join(dialect.placeholder(start + i) for i in range(count))


def insert_sql(
    model: type[Model],
    fields: Sequence[Field],
    dialect: Dialect,
    rows: int = 1,
    returning: Sequence[str] = (),
    ignore_conflicts: bool = False,
    on_conflict: Sequence[str] = (),
    update_fields: Sequence[Field] = (),
) -> str:
    """``INSERT INTO table (cols) VALUES (...), ...`` with optional conflict handling."""
    key = (
        "insert",
        model,
        tuple(fields),
        rows,
        tuple(returning),
        ignore_conflicts,
        tuple(on_conflict),
        tuple(update_fields),
    )
    cached = dialect.cache.get(key)
    if cached is not None:
        return cached
    table = dialect.quote(model._meta.db_table)
    if not fields:
        sql = dialect.insert_default_values_sql(model._meta.db_table)
    else:
        columns = ", ".join(dialect.quote(f.column) for f in fields)
        width = len(fields)
        values = ", ".join(f"({_placeholders(dialect, row * width + 1, width)})" for row in range(rows))
        verb = dialect.insert_verb(ignore_conflicts)
        sql = f"{verb} {table} ({columns}) VALUES {values}"
        sql += dialect.conflict_clause(
            ignore_conflicts, [dialect.quote(c) for c in on_conflict], [f.column for f in update_fields]
        )
    sql += dialect.returning_sql(list(returning))
    dialect.cache.put(key, sql)
    return sql


def array_insert_sql(model: type[Model], fields: Sequence[Field], dialect: Dialect, returning: Sequence[str]) -> str:
    """``INSERT INTO table (cols) SELECT cols FROM unnest($1::type[], ...)``: each parameter is one
    column's values. Rows are inserted, and their RETURNING values come back, in the arrays' order."""
    key = ("insert_array", model, tuple(fields), tuple(returning))
    cached = dialect.cache.get(key)
    if cached is not None:
        return cached
    columns = ", ".join(dialect.quote(f.column) for f in fields)
    arrays = ", ".join(f"{dialect.placeholder(i + 1)}::{dialect.column_type(f)}[]" for i, f in enumerate(fields))
    position = dialect.quote("orm_position")
    sql = (
        f"INSERT INTO {dialect.quote(model._meta.db_table)} ({columns}) "
        f"SELECT {columns} FROM unnest({arrays}) WITH ORDINALITY AS {dialect.quote('orm_rows')}({columns}, {position}) "
        f"ORDER BY {position}"
    )
    sql += dialect.returning_sql(list(returning))
    dialect.cache.put(key, sql)
    return sql


def update_sql(model: type[Model], fields: Sequence[Field], dialect: Dialect) -> str:
    """``UPDATE table SET a=?, b=? WHERE pk=?``."""
    key = ("update_pk", model, tuple(fields))
    cached = dialect.cache.get(key)
    if cached is not None:
        return cached
    meta = model._meta
    sets = ", ".join(f"{dialect.quote(f.column)}={dialect.placeholder(i + 1)}" for i, f in enumerate(fields))
    where = f"{dialect.quote(meta.db_pk_column)}={dialect.placeholder(len(fields) + 1)}"
    sql = f"UPDATE {dialect.quote(meta.db_table)} SET {sets} WHERE {where}"
    dialect.cache.put(key, sql)
    return sql


def delete_sql(model: type[Model], dialect: Dialect) -> str:
    """``DELETE FROM table WHERE pk=?``."""
    key = ("delete_pk", model)
    cached = dialect.cache.get(key)
    if cached is None:
        meta = model._meta
        cached = (
            f"DELETE FROM {dialect.quote(meta.db_table)} "
            f"WHERE {dialect.quote(meta.db_pk_column)}={dialect.placeholder(1)}"
        )
        dialect.cache.put(key, cached)
    return cached


def bulk_update_sql(
    model: type[Model],
    fields: Sequence[Field],
    dialect: Dialect,
    pks: Sequence[object],
    values: Sequence[Sequence[object]],
) -> tuple[str, list[object]]:
    """``UPDATE ... SET f = CASE pk WHEN ? THEN ? ... END ... WHERE pk IN (...)`` for one batch."""
    meta = model._meta
    w = SQLWriter(dialect)
    w.write("UPDATE ").ident(meta.db_table).write(" SET ")
    for index, field in enumerate(fields):
        if index:
            w.write(", ")
        w.ident(field.column).write(" = CASE ").ident(meta.db_pk_column)
        cast = dialect.case_value_cast(field)
        for pk, row in zip(pks, values):
            w.write(" WHEN ").param(pk).write(" THEN ")
            if cast:
                w.write("CAST(").param(row[index]).write(f" AS {cast})")
            else:
                w.param(row[index])
        w.write(" END")
    w.write(" WHERE ").ident(meta.db_pk_column).write(" IN (").params_joined(pks).write(")")
    return w.result()


# -- many-to-many link tables ---------------------------------------------------------------
def through_select_sql(
    field: Any, dialect: Dialect, owner_pk: object, keys: Sequence[object]
) -> tuple[str, list[object]]:
    """Which of ``keys`` are already linked to ``owner_pk``."""
    w = SQLWriter(dialect)
    w.write("SELECT ").ident(field.forward_key).write(" FROM ").ident(field.through)
    _write_link_condition(w, field, owner_pk, keys)
    return w.result()


def through_insert_sql(
    field: Any, dialect: Dialect, owner_pk: object, keys: Sequence[object]
) -> tuple[str, list[object]]:
    """Link ``keys`` to ``owner_pk``."""
    owner = field.model._meta.pk.db_converter(dialect)(owner_pk)
    to_key = field.related_model._meta.pk.db_converter(dialect)
    w = SQLWriter(dialect)
    w.write("INSERT INTO ").ident(field.through).write(" (").ident(field.backward_key).write(", ")
    w.ident(field.forward_key).write(") VALUES ")
    for index, key in enumerate(keys):
        w.write(", (" if index else "(").param(owner).write(", ").param(to_key(key)).write(")")
    return w.result()


def through_delete_sql(
    field: Any, dialect: Dialect, owner_pk: object, keys: Sequence[object] | None
) -> tuple[str, list[object]]:
    """Unlink ``keys`` (all when None) from ``owner_pk``."""
    w = SQLWriter(dialect)
    w.write("DELETE FROM ").ident(field.through)
    _write_link_condition(w, field, owner_pk, keys)
    return w.result()


def _write_link_condition(w: SQLWriter, field: Any, owner_pk: object, keys: Sequence[object] | None) -> None:
    dialect = w.dialect
    w.write(" WHERE ").ident(field.backward_key).write("=").param(
        field.model._meta.pk.db_converter(dialect)(owner_pk)
    )
    if keys is not None:
        to_key = field.related_model._meta.pk.db_converter(dialect)
        w.write(" AND ").ident(field.forward_key).write(" IN (").params_joined(to_key(k) for k in keys).write(
            ")"
        )
