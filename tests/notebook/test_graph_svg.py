"""The relation graph's SVG and Mermaid exports: valid documents holding every model and relation."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from types import ModuleType

import pytest

from notebook_ext.graph import build_schema, compute_layout, registered_models, render_svg, to_mermaid
from notebook_ext.graph.schema import Schema
from tests.notebook.graph_models import archive_module
from tests.notebook.schemas import initialised, make_module

NS = "{http://www.w3.org/2000/svg}"
EXPECTED_EDGES = {
    ("models.Club", "league", "models.League", "fk"),
    ("models.Club", "rival", "models.Club", "fk"),
    ("models.Player", "club", "models.Club", "fk"),
    ("models.Player", "clubs_played", "models.Club", "m2m"),
    ("models.Contract", "player", "models.Player", "o2o"),
}


@pytest.fixture
async def schema() -> AsyncIterator[Schema]:
    async with initialised("tests.notebook.graph_models"):
        yield build_schema(registered_models())


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    return root


def _groups(root: ET.Element, kind: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{NS}g") if kind in g.get("class", "").split()]


def _texts(element: ET.Element) -> list[str]:
    return [t.text or "" for t in element.iter(f"{NS}text")]


# -- the schema of the hand-written models ---------------------------------------------------------------------
async def test_forward_relations_are_edges_and_reverse_accessors_are_their_related_names(schema: Schema) -> None:
    assert {(e.source, e.field, e.target, e.kind) for e in schema.edges} == EXPECTED_EDGES
    related = {e.field: (e.related_name, e.through, e.null) for e in schema.edges}
    assert related == {
        "league": ("clubs", None, False), "rival": ("rivals_of", None, True), "club": ("players", None, True),
        "clubs_played": ("former_players", "player_history", False), "player": ("contract", None, False),
    }
    cardinality = {e.field: e.cardinality for e in schema.edges}
    assert (cardinality["league"], cardinality["clubs_played"], cardinality["player"]) == ("N—1", "N—N", "1—1")


async def test_columns_show_types_with_sizes_and_nullability(schema: Schema) -> None:
    contract = schema.node("models.Contract")
    assert [(c.marker, c.name, c.type_text) for c in contract.columns] == [
        ("PK", "id", "Int"), ("", "salary", "Decimal(12,2)"), ("", "signed", "Datetime?"), ("FK", "player_id", "Int"),
    ]
    assert schema.node("models.Club").columns[1].type_text == "Char(50)"


# -- SVG ---------------------------------------------------------------------------------------------------------
async def test_svg_is_valid_xml_with_every_model_and_its_columns(schema: Schema) -> None:
    layout = compute_layout(schema)
    root = _parse(render_svg(layout))
    assert (root.get("width"), root.get("viewBox")) == (str(layout.width), f"0 0 {layout.width} {layout.height}")
    nodes = {g.get("data-key"): g for g in _groups(root, "node")}
    assert set(nodes) == {n.key for n in schema.nodes}
    for node in schema.nodes:
        texts = _texts(nodes[node.key])
        assert texts[:2] == [node.name, node.table]
        for column in node.columns:
            assert column.name in texts and column.type_text in texts
        assert texts.count("PK") == 1 and texts.count("FK") == sum(1 for c in node.columns if c.references)


async def test_svg_has_every_relation_with_its_label(schema: Schema) -> None:
    root = _parse(render_svg(compute_layout(schema)))
    edges = {(g.get("data-source"), g.get("data-field"), g.get("data-target"), g.get("data-kind"))
             for g in _groups(root, "edge")}
    assert edges == EXPECTED_EDGES
    labels = {g.get("data-field"): _texts(g) for g in _groups(root, "label")}
    assert labels["league"] == ["league N—1", "↩ clubs"]
    assert labels["clubs_played"] == ["clubs_played N—N", "↩ former_players", "via player_history"]
    assert labels["player"] == ["player 1—1", "↩ contract"]


def _end_strokes(root: ET.Element, field: str) -> int:
    (edge,) = [g for g in _groups(root, "edge") if g.get("data-field") == field]
    line, ends = edge.iter(f"{NS}path")
    assert (line.get("stroke-dasharray") is not None) == (edge.get("data-kind") == "m2m")
    return ends.get("d", "").count("M")


async def test_cardinality_is_drawn_at_both_ends(schema: Schema) -> None:
    root = _parse(render_svg(compute_layout(schema)))
    # a crow's foot (many) is three strokes, a bar (one) one, an optional end adds a circle
    assert _end_strokes(root, "league") == 3 + 1
    assert _end_strokes(root, "club") == 3 + 1 + 1
    assert _end_strokes(root, "clubs_played") == 3 + 3
    assert _end_strokes(root, "player") == 1 + 1


async def test_selecting_a_model_highlights_it_and_its_neighbours_and_dims_the_rest(schema: Schema) -> None:
    root = _parse(render_svg(compute_layout(schema), selected="models.Player"))
    states = {g.get("data-key"): g.get("class") for g in _groups(root, "node")}
    assert states == {"models.Player": "node selected", "models.Club": "node neighbour",
                      "models.Contract": "node neighbour", "models.League": "node dim"}
    active = {g.get("data-field") for g in _groups(root, "edge") if "active" in g.get("class", "")}
    assert active == {"club", "clubs_played", "player"}
    assert {g.get("data-field") for g in _groups(root, "edge") if g.get("opacity")} == {"league", "rival"}


async def test_row_counts_show_under_the_table_name(schema: Schema) -> None:
    counted = schema.with_counts({"models.League": 1, "models.Club": 1234})
    root = _parse(render_svg(compute_layout(counted)))
    texts = {g.get("data-key"): _texts(g)[1] for g in _groups(root, "node")}
    assert texts["models.League"] == "league · 1 row" and texts["models.Club"] == "club · 1,234 rows"
    assert texts["models.Player"] == "player"


def _odd_names_module() -> ModuleType:
    from orm import fields
    from orm.models import Model

    module = ModuleType("graph_odd")
    meta = type("Meta", (), {"table": 'orders <&> "items"'})
    module.Order = type("Order", (Model,), {"__module__": module.__name__, "Meta": meta,
                                            "tags": fields.ManyToManyField("models.Order", through="a<b>&c")})
    return module


async def test_svg_escapes_table_names() -> None:
    async with initialised(_odd_names_module(), tables=False):
        schema = build_schema(registered_models())
    root = _parse(render_svg(compute_layout(schema)))
    assert 'orders <&> "items"' in _texts(root)
    assert "via a<b>&c" in _texts(root)


async def test_generated_schema_of_40_models_renders_every_model_and_relation() -> None:
    module = make_module(40, 140)
    async with initialised(module):
        schema = build_schema(registered_models())
    root = _parse(render_svg(compute_layout(schema)))
    assert {g.get("data-key") for g in _groups(root, "node")} == {n.key for n in schema.nodes}
    found = sorted((g.get("data-source"), g.get("data-field")) for g in _groups(root, "edge"))
    assert found == sorted((f"models.{source}", name) for _, source, name, _ in module.RELATIONS)


# -- Mermaid -----------------------------------------------------------------------------------------------------
ATTRIBUTE = re.compile(r'^ {8}[A-Za-z_][A-Za-z0-9_()\[\]-]* [A-Za-z_][A-Za-z0-9_]*( PK| FK| PK, FK)?( "[^"]*")?$')


async def test_mermaid_has_an_entity_per_model_and_a_relationship_per_relation(schema: Schema) -> None:
    text = to_mermaid(schema)
    lines = text.splitlines()
    assert lines[0] == "erDiagram"
    entities = [m.group(1) for line in lines if (m := re.fullmatch(r" {4}(\w+) \{", line))]
    assert sorted(entities) == ["Club", "Contract", "League", "Player"]
    attributes = [line for line in lines if line.startswith(" " * 8)]
    assert all(ATTRIBUTE.match(line) for line in attributes), attributes
    assert "        Decimal(12-2) salary" in lines and '        Datetime signed "nullable"' in lines
    relationships = [line.strip() for line in lines if "--" in line]
    assert sorted(relationships) == sorted([
        'Club }o--|| League : "league / clubs"',
        'Club }o--o| Club : "rival / rivals_of"',
        'Player }o--o| Club : "club / players"',
        'Player }o--o{ Club : "clubs_played / former_players via player_history"',
        'Contract |o--|| Player : "player / contract"',
    ])


async def test_mermaid_names_entities_by_app_when_two_apps_share_a_model_name() -> None:
    async with initialised("tests.notebook.graph_models", archive_module(), apps=("models", "archive")):
        schema = build_schema(registered_models())
    text = to_mermaid(schema)
    assert "    archive_Club {" in text and "    models_Club {" in text and "    Season {" in text
    assert 'Season }o--|| archive_Club : "club / seasons"' in text
