"""Relation graph of the initialised models: ``relation_graph()`` or ``%orm_graph [APP]``.

- :mod:`.schema` reads nodes (models) and edges (relations) from model metadata;
- :mod:`.layering` and :mod:`.layout` place them (a layered layout, in Python);
- :mod:`.svg` draws the SVG, :mod:`.mermaid` writes Mermaid ``erDiagram`` text;
- :mod:`.widget` wraps it in ipywidgets controls, with the SVG as static fallback.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from notebook_ext.graph.layout import Layout, compute_layout
from notebook_ext.graph.mermaid import to_mermaid
from notebook_ext.graph.schema import Schema, build_schema, count_rows, registered_models
from notebook_ext.graph.svg import render_svg

if TYPE_CHECKING:
    from notebook_ext.graph.widget import RelationGraph
    from orm.models import Model

__all__ = [
    "Layout",
    "Schema",
    "build_schema",
    "compute_layout",
    "relation_graph",
    "render_svg",
    "to_mermaid",
]


def relation_graph(
    app: str | None = None, models: Iterable[type[Model] | str] | None = None, *, counts: bool = False
) -> RelationGraph:
    """The initialised models and their relations, as an interactive widget (an SVG where static).

    app: only this app's models (default: every app).
    models: only these models (classes, names or "app.Model" keys); relations to others are left out.
    counts: show every table's row count (one COUNT query per model).

    ``.save("schema.svg")`` writes the SVG, ``.to_mermaid()`` gives Mermaid ``erDiagram`` text.
    """
    from notebook_ext.graph.widget import RelationGraph
    from notebook_ext.kernel import run_sync

    schema = build_schema(registered_models(app, models))
    if counts:
        schema = schema.with_counts(run_sync(count_rows(schema)))
    return RelationGraph(schema)
