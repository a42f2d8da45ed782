"""Rendered tables compared with golden HTML files (no kernel, no database).

After an intended change to the markup, regenerate with
``ORM_UPDATE_GOLDEN=1 python3 dev.py test tests/notebook/test_tables_golden.py`` and review the diff.
"""

from __future__ import annotations

import datetime
import enum
import os
import re
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

from notebook_ext.tables import Column, Table, cell, plain, render

GOLDEN = Path(__file__).parent / "golden"


class Color(enum.Enum):
    RED = "red"


def sample() -> Table:
    columns = [
        Column("id", primary_key=True),
        Column("name"),
        Column("tournament_id", references="Tournament"),
        Column("prize"),
        Column("payload"),
        Column("when"),
    ]
    rows = [
        [1, "Final <b>&</b> 'quoted'", 7, Decimal("12.50"), {"tags": ["a", "b"], "n": 1}, datetime.date(2024, 2, 29)],
        [2, "x" * 80, None, None, b"\x00\x01\x02", datetime.datetime(2024, 1, 1, 9, 30, tzinfo=datetime.timezone.utc)],
        [3, Color.RED, 8, 3.5, [1, 2, 3], uuid.UUID(int=1)],
    ]
    return Table(columns, rows, "Event", ["showing the first 3 of 12 rows"], 'SELECT "event"."id" FROM "event"')


def stable(html: str) -> str:
    return re.sub(r"orm-out-\d+", "orm-out-N", html)


def check(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("ORM_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run with ORM_UPDATE_GOLDEN=1 to create it"
    assert text == path.read_text(encoding="utf-8")


def test_table_html_matches_golden() -> None:
    check("event_table.html", stable(render(sample())) + "\n")


def test_table_text_matches_golden() -> None:
    check("event_table.txt", plain(sample()) + "\n")


def test_values_are_escaped_never_markup() -> None:
    html = render(sample())
    assert "<b>&</b>" not in html and "Final &lt;b&gt;&amp;&lt;/b&gt; &#x27;quoted&#x27;" in html


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, '<span class="null">null</span>'),
        (True, "true"),
        (b"abc", '<span class="placeholder">3 bytes</span>'),
        ("é" * 70, "é" * 59 + '<span class="placeholder" title="text of 70 characters">…</span>'),
        (Color.RED, "Color.RED"),
    ],
)
def test_cells(value: object, shown: str) -> None:
    assert cell(value)[0] == shown


def test_styles_are_scoped_to_the_output() -> None:
    html = render(sample())
    klass = re.search(r'class="orm-table (orm-out-\d+)"', html).group(1)
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    for rule in filter(None, (line.strip() for line in style.splitlines())):
        if rule.startswith(".") or rule.startswith("orm"):
            assert rule.startswith(f".orm-table.{klass}"), rule


def test_numeric_columns_align_right_with_their_headings_and_nulls() -> None:
    html = render(sample())
    heads = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert '<th class="num" title="primary key">id' in heads and '<th class="num">prize</th>' in heads
    assert "<th>name</th>" in heads and "<th>payload</th>" in heads  # text and JSON stay left
    assert '<td class="num"><span class="null">null</span></td>' in html  # a NULL prize sits with the numbers


def test_short_values_stay_on_one_line_and_long_ones_may_wrap() -> None:
    html = render(sample())
    assert "white-space: nowrap" in html and "td.long { white-space: normal" in html
    assert '<td class="long">xxxxxxxx' in html
    assert "<td>00000000-0000-0000-0000-000000000001</td>" in html  # a UUID is not cut in two
