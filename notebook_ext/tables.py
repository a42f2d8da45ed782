"""HTML tables of query results: plain ``<table>`` markup, styles scoped to the output.

Pure functions of data (no database, no IPython), so that rendered output can be
compared with golden files. Long text, bytes and JSON become short placeholders,
the primary key is marked, foreign keys show as their ids.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import html
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

_ids = itertools.count(1)

STYLE = """<style>
.orm-table.{cls} {{ font-size: 0.9em; overflow-x: auto; }}
.orm-table.{cls} table {{ border-collapse: collapse; margin: 0; }}
.orm-table.{cls} th, .orm-table.{cls} td {{ padding: 0.2em 0.7em; text-align: left; vertical-align: top;
  border: none; border-bottom: 1px solid rgba(127, 127, 127, 0.3); color: inherit; background: transparent;
  white-space: nowrap; }}
.orm-table.{cls} thead th {{ border-bottom: 2px solid rgba(127, 127, 127, 0.6); }}
.orm-table.{cls} .num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.orm-table.{cls} td.long {{ white-space: normal; min-width: 16em; }}
.orm-table.{cls} .null, .orm-table.{cls} .note, .orm-table.{cls} .kind {{ opacity: 0.65; }}
.orm-table.{cls} .null, .orm-table.{cls} .placeholder {{ font-style: italic; }}
.orm-table.{cls} .kind {{ font-size: 0.8em; font-weight: normal; }}
.orm-table.{cls} .note {{ margin: 0.3em 0; }}
.orm-table.{cls} summary {{ cursor: pointer; opacity: 0.8; }}
.orm-table.{cls} pre {{ white-space: pre-wrap; margin: 0.2em 0; }}
</style>"""
#: Cells with more characters than this may wrap; shorter ones stay on one line.
WRAP_AFTER = 40


@dataclass(frozen=True)
class Column:
    """A column heading: its name and what kind of column it is."""

    name: str
    primary_key: bool = False
    #: ``"Tournament"`` when the column holds a foreign key to that model.
    references: str | None = None
    numeric: bool = False

    def label(self) -> str:
        """The name with its marker, as plain text."""
        if self.primary_key:
            return f"{self.name} (PK)"
        if self.references:
            return f"{self.name} → {self.references}"
        return self.name

    def heading(self, numeric: bool = False) -> str:
        """The ``<th>`` of the column (right-aligned over a numeric column)."""
        name = html.escape(self.name)
        klass = ' class="num"' if numeric else ""
        if self.primary_key:
            return f'<th{klass} title="primary key">{name} <span class="kind">PK</span></th>'
        if self.references:
            target = html.escape(self.references)
            return f'<th{klass} title="foreign key to {target}">{name} <span class="kind">→ {target}</span></th>'
        return f"<th{klass}>{name}</th>"


@dataclass
class Table:
    """What a rendered table shows: title, columns, rows, and notes below it."""

    columns: list[Column]
    rows: Sequence[Sequence[Any]]
    title: str | None = None
    notes: list[str] = field(default_factory=list)
    sql: str | None = None


def cell(value: Any, max_text: int = 60) -> tuple[str, bool]:
    """The HTML of one value, and whether it is numeric (right-aligned)."""
    if value is None:
        return '<span class="null">null</span>', False
    if isinstance(value, bool):
        return ("true" if value else "false"), False
    if isinstance(value, (int, float, decimal.Decimal)):
        return html.escape(str(value)), True
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f'<span class="placeholder">{len(bytes(value)):,} bytes</span>', False
    if isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":"))
        return _shortened(text, max_text, "JSON"), False
    if isinstance(value, enum.Enum):
        return html.escape(f"{type(value).__name__}.{value.name}"), False
    if isinstance(value, datetime.datetime):
        return html.escape(value.isoformat(sep=" ")), False
    if isinstance(value, (datetime.date, datetime.time)):
        return html.escape(value.isoformat()), False
    return _shortened(str(value), max_text, "text"), False


def _shortened(text: str, max_text: int, kind: str) -> str:
    if len(text) <= max_text:
        return html.escape(text)
    shown = html.escape(text[: max_text - 1])
    return f'{shown}<span class="placeholder" title="{kind} of {len(text):,} characters">…</span>'


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool)


def numeric_columns(rows: Sequence[Sequence[Any]], width: int) -> list[bool]:
    """Per column, whether every value that is not None is a number (and one at least is)."""
    found = [False] * width
    mixed = [False] * width
    for row in rows:
        for i, value in enumerate(row[:width]):
            if value is None:
                continue
            if _is_number(value):
                found[i] = True
            else:
                mixed[i] = True
    return [f and not m for f, m in zip(found, mixed)]


def _td(text: str, numeric: bool) -> str:
    if numeric:
        return f'<td class="num">{text}</td>'
    if len(_strip_tags(text)) > WRAP_AFTER:
        return f'<td class="long">{text}</td>'
    return f"<td>{text}</td>"


def render(table: Table, max_text: int = 60) -> str:
    """The table as an HTML fragment: a ``<div>`` with scoped styles and a plain ``<table>``."""
    cls = f"orm-out-{next(_ids)}"
    numeric = numeric_columns(table.rows, len(table.columns))
    parts = [f'<div class="orm-table {cls}">', STYLE.format(cls=cls)]
    if table.title:
        parts.append(f"<div><strong>{html.escape(table.title)}</strong></div>")
    parts.append("<table>")
    heads = "".join(c.heading(n) for c, n in zip(table.columns, numeric))
    parts.append(f"<thead><tr>{heads}</tr></thead>")
    parts.append("<tbody>")
    for row in table.rows:
        cells = "".join(_td(cell(value, max_text)[0], n) for value, n in zip(row, numeric))
        parts.append(f"<tr>{cells}</tr>")
    parts.append("</tbody></table>")
    for note in table.notes:
        parts.append(f'<div class="note">{note}</div>')
    if table.sql:
        parts.append(f"<details><summary>SQL</summary><pre>{html.escape(table.sql)}</pre></details>")
    parts.append("</div>")
    return "\n".join(parts)


def plain(table: Table, max_text: int = 30) -> str:
    """The table as aligned text (the ``text/plain`` beside the HTML)."""
    heads = [c.name for c in table.columns]
    body = [[_plain_cell(v, max_text) for v in row] for row in table.rows]
    widths = [max([len(h), *(len(r[i]) for r in body)]) for i, h in enumerate(heads)]
    lines = []
    if table.title:
        lines.append(table.title)
    if heads:
        lines.append("  ".join(h.ljust(w) for h, w in zip(heads, widths)).rstrip())
    lines.extend("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in body)
    lines.extend(_strip_tags(n) for n in table.notes)
    return "\n".join(lines)


def _plain_cell(value: Any, max_text: int) -> str:
    if value is None:
        return "null"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"<{len(bytes(value))} bytes>"
    text = str(value)
    return text if len(text) <= max_text else text[: max_text - 1] + "…"


def _strip_tags(text: str) -> str:
    out, inside = [], False
    for char in text:
        if char == "<":
            inside = True
        elif char == ">":
            inside = False
        elif not inside:
            out.append(char)
    return html.unescape("".join(out))
