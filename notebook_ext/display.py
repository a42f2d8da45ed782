"""Rich display of querysets and results, registered with IPython's formatters.

- an unawaited ``QuerySet``/``values()`` query shows a bounded preview: it
  fetches ``max_rows + 1`` rows and counts at most ``count_limit`` rows;
- ``await qs`` (a list of one model's instances), an instance and a
  ``values()``/``values_list()`` result show as tables of what is in memory.

Settings: ``%config ORMDisplay.max_rows = 20`` (also ``max_text``,
``count_limit``, ``show_sql``).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from traitlets import Bool, Int
from traitlets.config import Configurable

from notebook_ext.kernel import run_sync
from notebook_ext.tables import Column, Table, plain, render
from orm.exceptions import BaseORMException
from orm.models import Model
from orm.queryset import QuerySet, ValuesQuery
from orm.queryset.queryset import QuerySetSingle
from orm.queryset.values import RowList


class ORMDisplay(Configurable):
    """How query results are shown in the notebook."""

    max_rows = Int(10, help="Rows shown of a query or a result.").tag(config=True)
    max_text = Int(60, help="Characters shown of a text value before it is cut.").tag(config=True)
    count_limit = Int(10_000, help="Most rows counted when previewing a query.").tag(config=True)
    show_sql = Bool(True, help="Offer the SQL of a previewed query.").tag(config=True)


settings = ORMDisplay()


# -- building tables ---------------------------------------------------------------------------
def model_columns(model: type[Model], names: Sequence[str] | None = None) -> list[Column]:
    """Column headings of a model's fields (or of ``names``): primary key and foreign keys marked."""
    meta = model._meta
    columns = []
    for field in meta.db_fields:
        if names is not None and field.model_field_name not in names:
            continue
        reference = field.reference
        columns.append(Column(
            field.model_field_name,
            primary_key=field.pk,
            references=reference.related_model.__name__ if reference is not None else None,
        ))
    return columns


def _loaded_names(objects: Sequence[Model]) -> list[str] | None:
    if objects and getattr(objects[0], "_partial", False):
        return [name for name in objects[0].__dict__ if not name.startswith("_")]
    return None


def instances_table(objects: Sequence[Model], notes: list[str] | None = None, sql: str | None = None) -> Table:
    model = type(objects[0]) if objects else None
    names = _loaded_names(objects)
    columns = model_columns(model, names) if model is not None else []
    extra = _annotations(objects, columns)
    columns += [Column(name) for name in extra]
    shown = objects[: settings.max_rows]
    rows = [[obj.__dict__.get(c.name) for c in columns] for obj in shown]
    title = f"{model.__name__}" if model is not None else None
    return Table(columns, rows, title, notes or [], sql)


def _annotations(objects: Sequence[Model], columns: list[Column]) -> list[str]:
    if not objects:
        return []
    known = {c.name for c in columns}
    meta = type(objects[0])._meta
    return [name for name in objects[0].__dict__
            if not name.startswith("_") and name not in known and name not in meta.fields_map]


def rows_table(result: RowList, notes: list[str] | None = None, sql: str | None = None) -> Table:
    columns = [Column(name) for name in result.columns]
    shown = list(result[: settings.max_rows])
    if result.kind == "dict":
        rows = [[row.get(name) for name in result.columns] for row in shown]
    elif result.kind == "flat":
        rows = [[value] for value in shown]
    else:
        rows = [list(row) for row in shown]
    return Table(columns, rows, result.model.__name__ if result.model else None, notes or [], sql)


def _count_note(shown: int, total: int | None, capped: bool) -> str:
    if total is None:
        return f"{shown} rows"
    if capped:
        return f"showing the first {shown} of more than {total - 1:,} rows"
    if shown < total:
        return f"showing the first {shown} of {total:,} rows"
    return f"{total:,} row{'s' if total != 1 else ''}"


def _fetch_hint(shown: int, total: int) -> list[str]:
    if shown >= total:
        return []
    return ["<code>await qs</code> fetches them all; <code>await qs.to_dataframe()</code> gives a DataFrame;"
            " <code>%config ORMDisplay.max_rows = 50</code> shows more here"]


# -- previews of unevaluated queries (bounded, read-only) ----------------------------------------
async def _preview(query: QuerySet[Any] | ValuesQuery[Any]) -> tuple[Any, int, bool]:
    limit = settings.max_rows
    existing = query._query.limit
    head = query._chain(limit=min(limit + 1, existing) if existing is not None else limit + 1)
    rows = await head
    if len(rows) <= limit:
        return rows, len(rows), False
    cap = settings.count_limit + 1
    counted = query._chain(limit=min(cap, existing) if existing is not None else cap)
    total = await counted.count() if isinstance(query, QuerySet) else await QuerySet(
        query.model, counted._query.replace(values=None), query._db).count()
    return rows, total, total >= cap


def queryset_html(query: QuerySet[Any] | ValuesQuery[Any]) -> str:
    """HTML preview of an unevaluated query."""
    try:
        if isinstance(query, QuerySetSingle):
            obj = run_sync(query)
            return instance_html(obj) if obj is not None else _message(f"no {query.model.__name__} matches")
        rows, total, capped = run_sync(_preview(query))
        sql = query.sql(params_inline=True) if settings.show_sql else None
    except BaseORMException as exc:
        return _message(f"{type(exc).__name__}: {exc}")
    shown = min(len(rows), settings.max_rows)
    notes = [_count_note(shown, total, capped), *_fetch_hint(shown, total)]
    table = rows_table(rows, notes, sql) if isinstance(rows, RowList) else instances_table(rows, notes, sql)
    if table.title is None:
        table.title = query.model.__name__
    return render(table, settings.max_text)


def _message(text: str) -> str:
    return f'<div class="orm-table"><em>{html.escape(text)}</em></div>'


# -- results already in memory ---------------------------------------------------------------------
def list_html(value: list[Any]) -> str | None:
    """HTML for ``await qs`` results (a list of one model's instances); None for other lists."""
    if not value or not isinstance(value[0], Model):
        return None
    model = type(value[0])
    if not all(type(item) is model for item in value):
        return None
    shown = min(len(value), settings.max_rows)
    return render(instances_table(value, [_count_note(shown, len(value), False)]), settings.max_text)


def rowlist_html(value: RowList) -> str:
    shown = min(len(value), settings.max_rows)
    return render(rows_table(value, [_count_note(shown, len(value), False)]), settings.max_text)


def instance_html(obj: Model) -> str:
    """One instance as a two-column (field, value) table."""
    columns = model_columns(type(obj), _loaded_names([obj]))
    rows = [[c.label(), obj.__dict__.get(c.name)] for c in columns]
    extra = _annotations([obj], columns)
    rows += [[name, obj.__dict__.get(name)] for name in extra]
    table = Table([Column("field"), Column("value")], rows, repr(obj))
    return render(table, settings.max_text)


# -- registration ----------------------------------------------------------------------------------
FORMATTERS = (
    (QuerySet, queryset_html),
    (ValuesQuery, queryset_html),
    (RowList, rowlist_html),
    (Model, instance_html),
    (list, list_html),
)


def rowlist_text(value: RowList, printer: Any, cycle: bool) -> None:
    """``values()`` results as an aligned text table (terminals, text exports)."""
    shown = min(len(value), settings.max_rows)
    printer.text(plain(rows_table(value, [_count_note(shown, len(value), False)])))


def register(ip: Any) -> None:
    """Add the HTML formatters and the ``ORMDisplay`` settings to an IPython shell."""
    html_formatter = ip.display_formatter.formatters["text/html"]
    for kind, function in FORMATTERS:
        html_formatter.for_type(kind, function)
    ip.display_formatter.formatters["text/plain"].for_type(RowList, rowlist_text)
    if settings not in ip.configurables:
        ip.configurables.append(settings)
    settings.config = ip.config


def unregister(ip: Any) -> None:
    html_formatter = ip.display_formatter.formatters["text/html"]
    for kind, _ in FORMATTERS:
        html_formatter.type_printers.pop(kind, None)
    ip.display_formatter.formatters["text/plain"].type_printers.pop(RowList, None)
    if settings in ip.configurables:
        ip.configurables.remove(settings)
