"""The relation graph widget: ipywidgets controls around the SVG drawn in Python.

Built from core widgets only (no front-end code of its own), so it works
wherever ipywidgets does; its mime bundle also carries the SVG, which static
viewers (GitHub, nbviewer, nbconvert) show instead of the live widget.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from notebook_ext.graph.layout import Layout, compute_layout
from notebook_ext.graph.mermaid import to_mermaid
from notebook_ext.graph.schema import Node, Schema
from notebook_ext.graph.svg import render_svg
from notebook_ext.kernel import run_sync
from notebook_ext.tables import Column, Table, render
from orm.exceptions import BaseORMException, nearest

ALL_APPS = ""
CANVAS_HEIGHT = 640  # px of the scrolling view when zoomed


class RelationGraph(widgets.VBox):
    """The models and their relations: pick a model to highlight its neighbours, filter by app, zoom.

    ``graph.svg`` is the drawing, ``graph.save("schema.svg")`` writes it (``.mmd``: Mermaid),
    ``graph.to_mermaid()`` gives Mermaid ``erDiagram`` text. Static viewers show the SVG.
    """

    def __init__(self, schema: Schema, **kwargs: Any) -> None:
        self.schema = schema
        self._layouts: dict[str, Layout] = {}
        apps = [("all apps", ALL_APPS)] + [(app, app) for app in schema.apps]
        self.app_filter = widgets.Dropdown(options=apps, description="App")
        self.model_select = widgets.Dropdown(description="Model")
        self.fit = widgets.ToggleButton(value=True, description="Fit width", icon="arrows-h",
                                        tooltip="Scale the diagram to the output's width")
        self.zoom = widgets.IntSlider(value=100, min=20, max=200, step=10, description="Zoom %",
                                      continuous_update=False, disabled=True)
        self.canvas = widgets.HTML()
        self.details = widgets.HTML()
        self.neighbour_buttons = widgets.HBox(layout=widgets.Layout(flex_flow="row wrap"))
        controls = widgets.HBox([self.app_filter, self.model_select, self.fit, self.zoom],
                                layout=widgets.Layout(flex_flow="row wrap"))
        super().__init__([controls, self.canvas, self.details, self.neighbour_buttons], **kwargs)
        self.add_class("orm-relation-graph")
        self._fill_models()
        self.app_filter.observe(self._on_app, names="value")
        self.model_select.observe(self._on_model, names="value")
        self.fit.observe(self._on_zoom, names="value")
        self.zoom.observe(self._on_zoom, names="value")
        self._redraw()

    # -- what is shown -------------------------------------------------------------------------------
    @property
    def shown(self) -> Schema:
        """The part of the schema the app filter lets through."""
        app = self.app_filter.value
        return self.schema if app == ALL_APPS else self.schema.only(n.key for n in self.schema.nodes if n.app == app)

    @property
    def diagram(self) -> Layout:
        """The layout of what is shown (computed once per app filter)."""
        app = self.app_filter.value
        if app not in self._layouts:
            self._layouts[app] = compute_layout(self.shown)
        return self._layouts[app]

    @property
    def selected(self) -> str | None:
        """Key (``"app.Model"``) of the selected model, if any."""
        return self.model_select.value

    @property
    def svg(self) -> str:
        """The SVG of what is shown, with the selection highlighted."""
        return render_svg(self.diagram, self.selected)

    def select(self, model: str | None) -> None:
        """Select a shown model by name or ``"app.Model"`` key (None clears the selection)."""
        if model is not None:
            nodes = self.shown.nodes
            found = [n.key for n in nodes if model in (n.key, n.name)]
            if not found:
                raise ValueError(f"no model {model!r} in this graph; {nearest(model, [n.name for n in nodes])}")
            if len(found) > 1:
                raise ValueError(f"{model!r} names {' and '.join(found)}: pass one of these keys")
            model = found[0]
        self.model_select.value = model

    def to_mermaid(self) -> str:
        """Mermaid ``erDiagram`` text of what is shown."""
        return to_mermaid(self.shown)

    def save(self, path: str | Path) -> Path:
        """Write the diagram to ``path``: SVG for ``.svg``, Mermaid text for ``.mmd``/``.mermaid``."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".svg":
            path.write_text(render_svg(self.diagram), encoding="utf-8")
        elif suffix in (".mmd", ".mermaid"):
            path.write_text(self.to_mermaid(), encoding="utf-8")
        else:
            raise ValueError(f"cannot save a relation graph as {suffix or 'a file without suffix'!r}: use .svg or .mmd")
        return path

    # -- display -----------------------------------------------------------------------------------------
    def __repr__(self) -> str:
        shown = self.shown
        names = ", ".join(n.name for n in shown.nodes[:8]) + (", ..." if len(shown.nodes) > 8 else "")
        return f"<RelationGraph: {len(shown.nodes)} models, {len(shown.edges)} relations ({names})>"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        data = super()._repr_mimebundle_(**kwargs) or {}
        data["text/plain"] = repr(self)
        data["image/svg+xml"] = self.svg
        return data

    # -- reacting to the controls ------------------------------------------------------------------------
    def _fill_models(self) -> None:
        options = [("—", None)] + [(self._option(n), n.key) for n in self.shown.nodes]
        self.model_select.options = options

    def _option(self, node: Node) -> str:
        return node.name if len(self.schema.apps) == 1 else f"{node.name} ({node.app})"

    def _on_app(self, change: dict[str, Any]) -> None:
        keep = self.selected if self.selected in {n.key for n in self.shown.nodes} else None
        self.model_select.unobserve(self._on_model, names="value")
        try:  # new options reset the value: redraw once, below
            self._fill_models()
            self.model_select.value = keep
        finally:
            self.model_select.observe(self._on_model, names="value")
        self._redraw()

    def _on_model(self, change: dict[str, Any]) -> None:
        self._redraw()

    def _on_zoom(self, change: dict[str, Any]) -> None:
        self.zoom.disabled = self.fit.value
        self.canvas.value = self._canvas_html()

    def _redraw(self) -> None:
        self.canvas.value = self._canvas_html()
        self.details.value = self._details_html()
        self.neighbour_buttons.children = self._neighbour_buttons()

    def _canvas_html(self) -> str:
        diagram = self.diagram
        if self.fit.value:
            style, frame = "max-width:100%;height:auto", ""
        else:
            width = diagram.width * self.zoom.value / 100
            style, frame = f"width:{width:.0f}px;height:auto;max-width:none", f"max-height:{CANVAS_HEIGHT}px;"
        svg = render_svg(diagram, self.selected).replace("<svg ", f'<svg style="{style}" ', 1)
        return (f'<div class="orm-graph-canvas" style="overflow:auto;{frame}'
                f'border:1px solid rgba(127,127,127,0.3);border-radius:4px;padding:2px">{svg}</div>')

    def _details_html(self) -> str:
        if self.selected is None:
            shown = self.shown
            return (f"<div><em>{len(shown.nodes)} models, {len(shown.edges)} relations. "
                    "Pick a model to highlight its neighbours and see its fields.</em></div>")
        return model_details(self.schema, self.selected)

    def _neighbour_buttons(self) -> tuple[widgets.Button, ...]:
        if self.selected is None:
            return ()
        buttons = []
        for key in sorted(self.shown.neighbours(self.selected)):
            button = widgets.Button(description=key.split(".", 1)[1], tooltip=f"select {key}",
                                    layout=widgets.Layout(width="auto"))
            button.on_click(lambda _, key=key: self.select(key))
            buttons.append(button)
        return tuple(buttons)


# -- the details of one model ------------------------------------------------------------------------------
def row_count(node: Node) -> str:
    """``"3 rows"``, counted now (one ``COUNT`` query), or why it could not be."""
    if node.model is None:
        return "rows unknown"
    try:
        count = run_sync(node.model.all().count())
    except BaseORMException as exc:
        return f"rows unavailable ({type(exc).__name__}: {exc})"
    return f"{count:,} row{'' if count == 1 else 's'}"


def _relation_lines(schema: Schema, key: str) -> list[str]:
    lines = []
    for edge in schema.edges:
        target = edge.target.split(".", 1)[1]
        source = edge.source.split(".", 1)[1]
        if edge.source == key:
            lines.append(f"{edge.field} → {target} ({edge.cardinality}{', ' + edge.through if edge.through else ''})")
        if edge.target == key and edge.related_name:
            lines.append(f"{edge.related_name} ← {source}.{edge.field} ({edge.cardinality})")
    return lines


def model_details(schema: Schema, key: str) -> str:
    """HTML for the selected model: table, row count, fields and relations."""
    node = schema.node(key)
    rows = [[c.name + (" (PK)" if c.primary_key else ""), c.type_text, c.references or ""] for c in node.columns]
    table = Table([Column("field"), Column("type"), Column("references")], rows,
                  f"{node.name} — table {node.table}, {row_count(node)}")
    relations = "".join(f"<li>{html.escape(line)}</li>" for line in _relation_lines(schema, key))
    extra = f"<div><strong>Relations</strong><ul>{relations}</ul></div>" if relations else ""
    return f'<div class="orm-graph-details">{render(table)}{extra}</div>'
