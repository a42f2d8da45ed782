"""The schema as Mermaid ``erDiagram`` text (GitHub, GitLab and many doc sites draw it)."""

from __future__ import annotations

import re

from notebook_ext.graph.schema import ColumnInfo, Edge, Schema

#: Crow's-foot ends, (the declaring model's side, the target's side), per relation kind.
ENDS = {"fk": ("}o", "||"), "o2o": ("|o", "||"), "m2m": ("}o", "o{")}


def entity_names(schema: Schema) -> dict[str, str]:
    """Node key -> entity name: the model name, or ``app_Model`` where two apps share a name."""
    names = [n.name for n in schema.nodes]
    return {n.key: n.name if names.count(n.name) == 1 else f"{n.app}_{n.name}" for n in schema.nodes}


def _attribute(column: ColumnInfo) -> str:
    kind = re.sub(r"[^A-Za-z0-9_()\[\]-]", "-", column.type)
    keys = ", ".join(k for k, on in (("PK", column.primary_key), ("FK", column.references)) if on)
    line = f"{kind} {column.name}" + (f" {keys}" if keys else "")
    return line + (' "nullable"' if column.null else "")


def _relationship(edge: Edge, names: dict[str, str]) -> str:
    own, other = ENDS[edge.kind]
    if edge.null and edge.kind != "m2m":
        other = "o|"
    words = [edge.field] + ([f"/ {edge.related_name}"] if edge.related_name else [])
    words += [f"via {edge.through}"] if edge.through else []
    label = " ".join(words).replace('"', "'")
    return f'    {names[edge.source]} {own}--{other} {names[edge.target]} : "{label}"'


def to_mermaid(schema: Schema) -> str:
    """``erDiagram`` text: an entity per model with its columns, a relationship per relation."""
    names = entity_names(schema)
    lines = ["erDiagram"]
    for node in schema.nodes:
        lines.append(f"    {names[node.key]} {{")
        lines.extend(f"        {_attribute(column)}" for column in node.columns)
        lines.append("    }")
    lines.extend(_relationship(edge, names) for edge in schema.edges)
    return "\n".join(lines) + "\n"
