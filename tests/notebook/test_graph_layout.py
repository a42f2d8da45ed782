"""The relation graph's schema and layout on generated schemas of 5, 20 and 40 models.

Models are declared at run time with seeded random foreign keys, one-to-ones,
many-to-manys and self-references (tests/notebook/schemas.py), initialised with
``Tortoise.init`` on ``sqlite://:memory:``; the layout must never overlap two
boxes or labels, nor route an edge through one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from types import ModuleType

import pytest

from notebook_ext.graph import build_schema, compute_layout, registered_models, render_svg
from notebook_ext.graph.layout import Box, Layout, max_layer_width
from notebook_ext.graph.metrics import LINE, label_size, node_size, text_width
from notebook_ext.graph.schema import Schema
from tests.notebook.schemas import initialised, make_module

SIZES = [(5, 105), (20, 120), (40, 140)]  # (models, seed)


@pytest.fixture(params=SIZES, ids=[f"{n}-models" for n, _ in SIZES])
async def generated(request: pytest.FixtureRequest) -> AsyncIterator[tuple[ModuleType, Schema, Layout]]:
    n, seed = request.param
    module = make_module(n, seed)
    async with initialised(module):
        schema = build_schema(registered_models())
        yield module, schema, compute_layout(schema)


def _all_boxes(layout: Layout) -> list[tuple[str, Box]]:
    nodes = [(f"node {key}", box) for key, box in layout.boxes.items()]
    labels = [(f"label {r.edge.source}.{r.edge.field}", r.label.box) for r in layout.routes]
    return nodes + labels


# -- schema ------------------------------------------------------------------------------------------------
async def test_schema_has_a_node_per_model_and_an_edge_per_declared_relation(generated) -> None:
    module, schema, _ = generated
    declared = {(f"models.{source}", name, f"models.{target}", kind) for kind, source, name, target in module.RELATIONS}
    assert {(e.source, e.field, e.target, e.kind) for e in schema.edges} == declared
    names = {name for name, value in vars(module).items() if isinstance(value, type)}
    assert {n.name for n in schema.nodes} == names
    assert all(n.key == f"models.{n.name}" and n.table == n.name.lower() for n in schema.nodes)


async def test_nodes_list_columns_with_types_primary_key_first_and_foreign_keys_marked(generated) -> None:
    module, schema, _ = generated
    for node in schema.nodes:
        assert node.columns[0].name == "id" and node.columns[0].primary_key and node.columns[0].type == "Int"
        fk_columns = {c.name: c.references for c in node.columns if c.references}
        expected = {f"{name}_id": f"models.{target}" for kind, source, name, target in module.RELATIONS
                    if source == node.name and kind in ("fk", "o2o")}
        assert fk_columns == expected
        assert {c.name for c in node.columns} == set(node.model._meta.fields_db_projection)


async def test_layout_has_no_overlapping_boxes_or_labels(generated) -> None:
    _, schema, layout = generated
    boxes = _all_boxes(layout)
    assert len(boxes) == len(schema.nodes) + len(schema.edges)
    overlapping = [(a, b) for i, (a, box_a) in enumerate(boxes) for b, box_b in boxes[i + 1:] if box_a.overlaps(box_b)]
    assert overlapping == []


async def test_edges_pass_through_no_box_and_no_label(generated) -> None:
    _, _, layout = generated
    boxes = _all_boxes(layout)
    crossings = {
        (f"{route.edge.source}.{route.edge.field}", name)
        for route in layout.routes for point in route.points() for name, box in boxes if box.contains(point)
    }
    assert crossings == set()


async def test_everything_lies_inside_the_drawing(generated) -> None:
    _, _, layout = generated
    for _, box in _all_boxes(layout):
        assert box.x >= 0 and box.right <= layout.width
        assert box.y >= 0 and box.bottom <= layout.height
    for route in layout.routes:
        assert all(0 <= x <= layout.width and 0 <= y <= layout.height for x, y in route.points())


def _on_border(point: tuple[float, float], box: Box) -> bool:
    x, y = point
    inside_x, inside_y = box.x - 0.1 <= x <= box.right + 0.1, box.y - 0.1 <= y <= box.bottom + 0.1
    return (inside_x and min(abs(y - box.y), abs(y - box.bottom)) < 0.1) or (
        inside_y and min(abs(x - box.x), abs(x - box.right)) < 0.1)


async def test_each_edge_starts_on_its_source_box_and_ends_on_its_target_box(generated) -> None:
    _, _, layout = generated
    for route in layout.routes:
        assert _on_border(route.source_end[0], layout.boxes[route.edge.source])
        assert _on_border(route.target_end[0], layout.boxes[route.edge.target])
        assert route.segments[0][0] in (route.source_end[0], route.target_end[0])
        assert route.segments[-1][-1] in (route.source_end[0], route.target_end[0])


async def test_self_references_are_loops_on_the_right_of_their_model(generated) -> None:
    module, _, layout = generated
    loops = [r for r in layout.routes if r.edge.is_loop]
    assert len(loops) == sum(1 for _, source, _, target in module.RELATIONS if source == target)
    for route in loops:
        box = layout.boxes[route.edge.source]
        assert all(x >= box.right - 0.1 and box.y <= y <= box.bottom for x, y in route.points())
        assert route.label.box.x > box.right


async def test_boxes_are_big_enough_for_their_text(generated) -> None:
    _, schema, layout = generated
    for node in schema.nodes:
        box = layout.boxes[node.key]
        assert box.w >= max(text_width(f"PK {c.name}  {c.type_text}") for c in node.columns)
        assert box.h >= (len(node.columns) + 2) * LINE
    for route in layout.routes:
        assert route.label.box.w >= max(text_width(line) for line in route.label.lines)
        assert route.label.box.h >= len(route.label.lines) * LINE


async def test_layers_hold_a_bounded_number_of_models(generated) -> None:
    _, schema, layout = generated
    per_layer = Counter(box.y for box in layout.boxes.values())
    assert max(per_layer.values()) <= max_layer_width(len(schema.nodes))


async def test_layout_is_deterministic(generated) -> None:
    _, schema, layout = generated
    assert render_svg(compute_layout(schema)) == render_svg(layout)


# -- hand-made schemas ---------------------------------------------------------------------------------------
def _chain_module() -> ModuleType:
    """Country <- City <- Street <- House, plus House -> Country: a DAG."""
    from orm import fields
    from orm.models import Model

    module = ModuleType("graph_chain")
    targets = {"City": ["Country"], "Street": ["City"], "House": ["Street", "Country"], "Country": []}
    for name, pointing in targets.items():
        attrs = {"__module__": module.__name__, "name": fields.CharField(max_length=20)}
        attrs |= {t.lower(): fields.ForeignKeyField(f"models.{t}", related_name=f"{name.lower()}s") for t in pointing}
        setattr(module, name, type(name, (Model,), attrs))
    return module


async def test_models_are_drawn_below_the_models_they_point_to() -> None:
    async with initialised(_chain_module()):
        layout = compute_layout(build_schema(registered_models()))
    y = {key.split(".")[1]: box.y for key, box in layout.boxes.items()}
    assert y["Country"] < y["City"] < y["Street"] < y["House"]
    for route in layout.routes:
        assert route.source_end[1] == (0.0, -1.0) and route.target_end[1] == (0.0, 1.0)  # leaves up, arrives below


async def test_a_model_without_relations_is_a_lone_box() -> None:
    from orm import fields
    from orm.models import Model

    module = ModuleType("graph_lone")
    module.Lone = type("Lone", (Model,), {"__module__": module.__name__, "note": fields.TextField()})
    async with initialised(module):
        schema = build_schema(registered_models())
    layout = compute_layout(schema)
    (box,) = layout.boxes.values()
    assert (box.w, box.h) == node_size(schema.nodes[0]) and layout.routes == ()
    assert layout.width == pytest.approx(box.right + 14, abs=1)
    assert layout.height == pytest.approx(box.bottom + 14, abs=1)


def test_label_size_counts_wide_characters_twice() -> None:
    assert label_size(["漢字"])[0] == label_size(["abcd"])[0]
    assert label_size(["a", "b", "c"])[1] == 3 * LINE + 2
