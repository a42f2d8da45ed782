"""Sizes of text and node boxes, shared by the layout and the SVG renderer.

Text is drawn in a monospace font, so its width is known without a browser:
one cell per character (two for East Asian wide ones), with a little slack
over DejaVu Sans Mono's 0.602 em advance.
"""

from __future__ import annotations

import unicodedata

from notebook_ext.graph.schema import Node

FONT_FAMILY = "'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', ui-monospace, monospace"
EM = 0.62  # advance of one monospace cell, in em (with slack)

TITLE_SIZE = 13  # model name
SMALL_SIZE = 10.5  # table name under it
TEXT_SIZE = 11.5  # field rows and edge labels
LINE = 16  # height of a field row or of a label line

PAD = 9  # inner horizontal padding of a node
HEADER = 38  # title and table lines
FOOT = 6  # space under the last field row
MARKER_CELLS = 3  # "PK " / "FK " column
TYPE_GAP_CELLS = 2  # between field name and type


def cells(text: str) -> int:
    """Width of ``text`` in monospace cells."""
    total = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        total += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return total


def text_width(text: str, size: float = TEXT_SIZE) -> float:
    """Width of ``text`` drawn at ``size`` px."""
    return cells(text) * size * EM


def name_cells(node: Node) -> int:
    """Width of the field-name column of ``node``, in cells."""
    return max((cells(c.name) for c in node.columns), default=0)


def node_size(node: Node) -> tuple[float, float]:
    """Width and height of the box drawn for ``node``."""
    row_cells = MARKER_CELLS + name_cells(node) + TYPE_GAP_CELLS + max(
        (cells(c.type_text) for c in node.columns), default=0
    )
    width = max(
        text_width(node.name, TITLE_SIZE),
        text_width(node.subtitle, SMALL_SIZE),
        row_cells * TEXT_SIZE * EM,
    )
    return round(width + 2 * PAD, 1), HEADER + len(node.columns) * LINE + FOOT


def label_size(lines: list[str] | tuple[str, ...]) -> tuple[float, float]:
    """Width and height of an edge label of ``lines``."""
    return round(max(text_width(line) for line in lines) + 6, 1), len(lines) * LINE + 2
