"""The relation graph as a standalone SVG document.

Colours are presentation attributes, not CSS, so the drawing looks the same
inline, in an ``<img>``, on GitHub and in nbconvert exports; boxes and labels
have their own light fills so they stay readable on dark themes. Ends follow
ER notation: a crow's foot for "many", a bar for "one", a small circle when
the relation is optional.
"""

from __future__ import annotations

from html import escape

from notebook_ext.graph.layout import Box, Layout, Point, Route, Segment
from notebook_ext.graph.metrics import (
    EM,
    FONT_FAMILY,
    HEADER,
    LINE,
    MARKER_CELLS,
    PAD,
    SMALL_SIZE,
    TEXT_SIZE,
    TITLE_SIZE,
    TYPE_GAP_CELLS,
    name_cells,
)
from notebook_ext.graph.schema import Edge, Node

INK = "#1f2937"
MUTED = "#5b6472"
NODE_FILL, NODE_STROKE, HEADER_FILL = "#ffffff", "#64748b", "#e2e8f0"
SELECTED_STROKE, SELECTED_FILL = "#2563eb", "#dbeafe"
EDGE_COLOURS = {"fk": "#64748b", "o2o": "#7c3aed", "m2m": "#0f766e"}
ACTIVE_EDGE = "#2563eb"
MARK_COLOURS = {"PK": "#b45309", "FK": "#2563eb"}
DIM = "0.22"


def _attrs(**values: object) -> str:
    """``data_key="x"`` -> ``data-key="x"``, values escaped."""
    return " ".join(f'{name.replace("_", "-")}="{escape(str(v), quote=True)}"' for name, v in values.items())


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, text: str, size: float, fill: str = INK, bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return f'<text x="{_num(x)}" y="{_num(y)}" font-size="{size}" fill="{fill}"{weight}>{escape(text)}</text>'


# -- nodes -------------------------------------------------------------------------------------------
def _header_path(box: Box, radius: float = 6) -> str:
    x, y, r, right, bottom = box.x, box.y, radius, box.right, box.y + HEADER - 4
    return (f"M{_num(x)},{_num(bottom)} V{_num(y + r)} Q{_num(x)},{_num(y)} {_num(x + r)},{_num(y)} "
            f"H{_num(right - r)} Q{_num(right)},{_num(y)} {_num(right)},{_num(y + r)} V{_num(bottom)} Z")


def _rows(node: Node, box: Box) -> list[str]:
    cell = TEXT_SIZE * EM
    x_mark, x_name = box.x + PAD, box.x + PAD + MARKER_CELLS * cell
    x_type = x_name + (name_cells(node) + TYPE_GAP_CELLS) * cell
    parts = []
    for i, column in enumerate(node.columns):
        y = box.y + HEADER + i * LINE + 12
        if column.marker:
            parts.append(_text(x_mark, y, column.marker, TEXT_SIZE, MARK_COLOURS[column.marker], bold=True))
        parts.append(_text(x_name, y, column.name, TEXT_SIZE, INK, bold=column.primary_key))
        parts.append(_text(x_type, y, column.type_text, TEXT_SIZE, MUTED))
    return parts


def _node_svg(node: Node, box: Box, state: str) -> str:
    """One model box; ``state`` is "", "selected", "neighbour" or "dim"."""
    selected = state == "selected"
    stroke = SELECTED_STROKE if state in ("selected", "neighbour") else NODE_STROKE
    opacity = f' opacity="{DIM}"' if state == "dim" else ""
    title = f"{node.key} (table {node.table}, {len(node.columns)} columns)"
    parts = [
        f'<g class="node{" " + state if state else ""}" {_attrs(data_key=node.key)}{opacity}>',
        f"<title>{escape(title)}</title>",
        f'<rect {_attrs(x=_num(box.x), y=_num(box.y), width=_num(box.w), height=_num(box.h))} rx="6" '
        f'fill="{NODE_FILL}" stroke="{stroke}" stroke-width="{2.5 if selected else 1.2}"/>',
        f'<path d="{_header_path(box)}" fill="{SELECTED_FILL if selected else HEADER_FILL}"/>',
        _text(box.x + PAD, box.y + 17, node.name, TITLE_SIZE, INK, bold=True),
        _text(box.x + PAD, box.y + 30, node.subtitle, SMALL_SIZE, MUTED),
        *_rows(node, box),
        "</g>",
    ]
    return "".join(parts)


# -- edges -------------------------------------------------------------------------------------------
def _path_d(segments: tuple[Segment, ...]) -> str:
    parts, cursor = [], None
    for segment in segments:
        if segment[0] != cursor:
            parts.append(f"M{_num(segment[0][0])},{_num(segment[0][1])}")
        command = "L" if len(segment) == 2 else "C"
        parts.append(command + " ".join(f"{_num(x)},{_num(y)}" for x, y in segment[1:]))
        cursor = segment[-1]
    return " ".join(parts)


def _marker(end: tuple[Point, Point], many: bool, optional: bool) -> str:
    """ER-notation end: crow's foot (many) or bar (one), and a circle when optional."""
    (x, y), (dx, dy) = end
    nx, ny = -dy, dx

    def at(along: float, across: float = 0.0) -> str:
        return f"{_num(x + dx * along + nx * across)},{_num(y + dy * along + ny * across)}"

    crows_foot = f"M{at(0, -6)} L{at(11)} M{at(0, 6)} L{at(11)} M{at(0)} L{at(11)}"
    shape = crows_foot if many else f"M{at(8, -5)} L{at(8, 5)}"
    if optional:
        shape += f" M{at(14)} a3,3 0 1,0 {_num(dx * 6)},{_num(dy * 6)} a3,3 0 1,0 {_num(-dx * 6)},{_num(-dy * 6)}"
    return shape


def _ends_d(edge: Edge, route: Route) -> str:
    source_many = edge.kind in ("fk", "m2m")
    target_many = edge.kind == "m2m"
    return _marker(route.source_end, source_many, False) + " " + _marker(route.target_end, target_many, edge.null)


def _route_svg(route: Route, state: str) -> str:
    """The line and ends of one edge (its label is drawn later, above every line)."""
    edge = route.edge
    colour = ACTIVE_EDGE if state == "active" else EDGE_COLOURS[edge.kind]
    dash = ' stroke-dasharray="5 3"' if edge.kind == "m2m" else ""
    width = 2.2 if state == "active" else 1.3
    opacity = f' opacity="{DIM}"' if state == "dim" else ""
    data = _attrs(data_source=edge.source, data_target=edge.target, data_field=edge.field, data_kind=edge.kind)
    return (
        f'<g class="edge{" " + state if state else ""}" {data}{opacity}><title>{escape(edge.title)}</title>'
        f'<path d="{_path_d(route.segments)}" fill="none" stroke="{colour}" stroke-width="{width}"{dash}/>'
        f'<path d="{_ends_d(edge, route)}" fill="{NODE_FILL}" stroke="{colour}" stroke-width="{width}"/></g>'
    )


def _label_svg(route: Route, state: str) -> str:
    box, edge = route.label.box, route.edge
    colour = ACTIVE_EDGE if state == "active" else EDGE_COLOURS[edge.kind]
    opacity = f' opacity="{DIM}"' if state == "dim" else ""
    parts = [
        f'<g class="label" {_attrs(data_source=edge.source, data_field=edge.field)}{opacity}>',
        f"<title>{escape(edge.title)}</title>",
        f'<rect {_attrs(x=_num(box.x - 2), y=_num(box.y), width=_num(box.w + 2), height=_num(box.h))} rx="3" '
        f'fill="#ffffff" fill-opacity="0.9" stroke="{colour}" stroke-opacity="0.35"/>',
    ]
    for i, line in enumerate(route.label.lines):
        parts.append(_text(box.x + 1, box.y + 13 + i * LINE, line, TEXT_SIZE, colour if i == 0 else MUTED, i == 0))
    parts.append("</g>")
    return "".join(parts)


# -- the document ------------------------------------------------------------------------------------
def _states(layout: Layout, selected: str | None) -> tuple[dict[str, str], list[str]]:
    if selected is None:
        return {}, ["" for _ in layout.routes]
    near = layout.schema.neighbours(selected)
    nodes = {key: "selected" if key == selected else "neighbour" if key in near else "dim" for key in layout.boxes}
    routes = ["active" if selected in (r.edge.source, r.edge.target) else "dim" for r in layout.routes]
    return nodes, routes


def render_svg(layout: Layout, selected: str | None = None) -> str:
    """The SVG document of ``layout``; ``selected`` (a node key) highlights that model and its neighbours."""
    nodes, routes = _states(layout, selected)
    schema = layout.schema
    title = f"Relation graph: {len(schema.nodes)} models, {len(schema.edges)} relations"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="orm-graph" width="{layout.width}" height="{layout.height}" '
        f'viewBox="0 0 {layout.width} {layout.height}" {_attrs(font_family=FONT_FAMILY)} role="img" '
        f'{_attrs(aria_label=title)}><title>{escape(title)}</title>'
    )
    lines = [_route_svg(route, state) for route, state in zip(layout.routes, routes)]
    boxes = [_node_svg(node, layout.boxes[node.key], nodes.get(node.key, "")) for node in schema.nodes]
    labels = [_label_svg(route, state) for route, state in zip(layout.routes, routes)]
    return "\n".join([head, *lines, *boxes, *labels, "</svg>"])
