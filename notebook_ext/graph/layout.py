"""Where every model box, edge and label of the relation graph goes (a layered layout).

Ranks alternate: even ranks hold the models of one layer (see :mod:`.layering`),
odd ranks, between two layers, hold edge labels. An edge gets a slot in every
rank it crosses: its label in the odd rank next to the model declaring it, a
thin "dummy" slot elsewhere (as Graphviz's dot does). Slots of a rank are packed
left to right with gaps and ranks take disjoint horizontal bands, so no two
boxes or labels can overlap, whatever the schema. Edges run straight down
through their own slots and curve only in the empty gaps between ranks, so they
cross no box or label either. A self-reference is a loop on the model's right
side, inside its widened slot, with its label beside it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from notebook_ext.graph.layering import assign_layers, break_cycles, order_ranks
from notebook_ext.graph.metrics import label_size, node_size
from notebook_ext.graph.schema import Edge, Schema

Point = tuple[float, float]
Segment = tuple[Point, ...]  # two points: a straight line; four: a cubic Bézier curve

MARGIN = 14  # around the drawing
GAP_Y = 30  # between two ranks, where edges curve
MARGINS = {"node": 16, "label": 6, "dummy": 5}  # half the gap a slot keeps from its neighbours
LABEL_INSET = 7  # from an edge's vertical run to its label
LOOP_STEP = 11  # how far each further loop reaches out
X_PASSES = 6


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def overlaps(self, other: Box) -> bool:
        """Whether the interiors meet (touching edges do not count)."""
        return self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom

    def contains(self, point: Point) -> bool:
        """Whether ``point`` lies strictly inside."""
        return self.x < point[0] < self.right and self.y < point[1] < self.bottom


@dataclass(frozen=True)
class Label:
    box: Box
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Route:
    """How one edge is drawn: its path, its label, and each end (a point on a box, the way out of it)."""

    edge: Edge
    segments: tuple[Segment, ...]
    label: Label
    source_end: tuple[Point, Point]
    target_end: tuple[Point, Point]

    def points(self, per_segment: int = 16) -> Iterator[Point]:
        """Points along the path (for tests and hit checks)."""
        for segment in self.segments:
            for step in range(per_segment + 1):
                yield _along(segment, step / per_segment)


@dataclass(frozen=True)
class Layout:
    """The positioned graph: ``boxes`` maps node keys to their rectangles."""

    schema: Schema
    boxes: Mapping[str, Box]
    routes: tuple[Route, ...]
    width: float
    height: float

    @property
    def labels(self) -> list[Label]:
        return [route.label for route in self.routes]


def _along(segment: Segment, t: float) -> Point:
    if len(segment) == 2:
        (x0, y0), (x1, y1) = segment
        return x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
    weights = ((1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3)
    return (sum(w * p[0] for w, p in zip(weights, segment)), sum(w * p[1] for w, p in zip(weights, segment)))


def _curve(start: Point, end: Point) -> Segment:
    """An S-curve leaving ``start`` and reaching ``end`` vertically (it stays between their heights)."""
    middle = (start[1] + end[1]) / 2
    return start, (start[0], middle), (end[0], middle), end


# -- slots and chains --------------------------------------------------------------------------------
@dataclass
class _Slot:
    rank: int
    width: float
    height: float
    kind: str  # "node", "label" or "dummy"
    key: str = ""  # the node's key, for a node slot
    box: tuple[float, float] = (0.0, 0.0)  # the node's own box (the slot also holds its loops)
    label: tuple[str, ...] = ()


@dataclass
class _Grid:
    slots: list[_Slot] = field(default_factory=list)
    ranks: list[list[int]] = field(default_factory=list)
    up: dict[int, list[int]] = field(default_factory=dict)
    down: dict[int, list[int]] = field(default_factory=dict)
    node_slot: dict[str, int] = field(default_factory=dict)
    #: (edge, slots from the upper model to the lower one, index of the label slot in it)
    chains: list[tuple[Edge, list[int], int]] = field(default_factory=list)

    def add(self, slot: _Slot) -> int:
        while len(self.ranks) <= slot.rank:
            self.ranks.append([])
        self.slots.append(slot)
        self.ranks[slot.rank].append(len(self.slots) - 1)
        return len(self.slots) - 1

    def link(self, upper: int, lower: int) -> None:
        self.down.setdefault(upper, []).append(lower)
        self.up.setdefault(lower, []).append(upper)


def max_layer_width(count: int) -> int:
    """Most models side by side in one layer: about 1.2 √n (3 for 5 models, 8 for 40)."""
    return max(2, round(1.2 * math.sqrt(count)))


def _loops(schema: Schema, key: str) -> list[Edge]:
    return [e for e in schema.edges if e.is_loop and e.source == key]


def _loop_area(schema: Schema, key: str) -> tuple[float, float]:
    """Extra width and the height the self-reference loops of ``key`` and their labels need."""
    loops = _loops(schema, key)
    if not loops:
        return 0.0, 0.0
    sizes = [label_size(e.label_lines) for e in loops]
    width = LOOP_STEP * len(loops) + LABEL_INSET + max(w for w, _ in sizes)
    return width, sum(h for _, h in sizes) + 4 * (len(loops) - 1)


def _add_chain(grid: _Grid, edge: Edge, layers: Mapping[str, int]) -> None:
    upper, lower = sorted((edge.source, edge.target), key=lambda k: layers[k])
    first, last = 2 * layers[upper], 2 * layers[lower]
    label_rank = last - 1 if lower == edge.source else first + 1
    chain = [grid.node_slot[upper]]
    for rank in range(first + 1, last):
        if rank == label_rank:
            width, height = label_size(edge.label_lines)
            slot = _Slot(rank, LABEL_INSET + width, height, "label", label=tuple(edge.label_lines))
        else:
            slot = _Slot(rank, 2, 0, "dummy")
        chain.append(grid.add(slot))
    chain.append(grid.node_slot[lower])
    for a, b in pairwise(chain):
        grid.link(a, b)
    grid.chains.append((edge, chain, label_rank - first))


def _layers(schema: Schema) -> dict[str, int]:
    """Layer of each model; models related to no other one go in the last layers, out of the way."""
    links = [(e.source, e.target) for e in schema.edges if not e.is_loop]
    linked = {key for link in links for key in link}
    keys = [n.key for n in schema.nodes if n.key in linked]
    width = max_layer_width(len(schema.nodes))
    layers = assign_layers(keys, break_cycles(keys, links), width)
    first_free = max(layers.values(), default=-1) + 1
    lone = [n.key for n in schema.nodes if n.key not in linked]
    return layers | {key: first_free + i // width for i, key in enumerate(lone)}


def _build_grid(schema: Schema) -> _Grid:
    layers = _layers(schema)
    grid = _Grid()
    for node in schema.nodes:
        (w, h), (loop_w, loop_h) = node_size(node), _loop_area(schema, node.key)
        slot = _Slot(2 * layers[node.key], w + loop_w, max(h, loop_h), "node", node.key, (w, h))
        grid.node_slot[node.key] = grid.add(slot)
    for edge in schema.edges:
        if not edge.is_loop:
            _add_chain(grid, edge, layers)
    return grid


# -- coordinates -------------------------------------------------------------------------------------
def _pack(
    desired: Sequence[float], widths: Sequence[float], gaps: Sequence[float], weights: Sequence[float]
) -> list[float]:
    """Centers closest (weighted least squares) to ``desired`` that keep the order and the gaps.

    ``gaps[i]`` is the space between slot i-1 and slot i. Subtracting each slot's least
    offset from the first turns this into isotonic regression, solved by pooling adjacent violators.
    """
    offsets, total = [], 0.0
    for i, width in enumerate(widths):
        total += (widths[i - 1] + width) / 2 + gaps[i] if i else 0.0
        offsets.append(total)
    blocks: list[list[float]] = []  # [value, weight, size]
    for target, weight in zip((d - o for d, o in zip(desired, offsets)), weights):
        blocks.append([target, weight, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            v2, w2, n2 = blocks.pop()
            v1, w1, n1 = blocks.pop()
            blocks.append([(v1 * w1 + v2 * w2) / (w1 + w2), w1 + w2, n1 + n2])
    fitted = [value for value, _, size in blocks for _ in range(int(size))]
    return [y + o for y, o in zip(fitted, offsets)]


def _align(
    grid: _Grid, rank: list[int], neighbours: Sequence[Mapping[int, list[int]]], center: dict[int, float]
) -> None:
    """Move the slots of ``rank`` towards the mean of their neighbours' centers."""
    desired, weights = [], []
    for slot in rank:
        linked = [n for side in neighbours for n in side.get(slot, ())]
        desired.append(sum(center[n] for n in linked) / len(linked) if linked else center[slot])
        weights.append(1.0 if linked else 0.05)
    widths = [grid.slots[s].width for s in rank]
    gaps = [0.0] + [MARGINS[grid.slots[a].kind] + MARGINS[grid.slots[b].kind] for a, b in pairwise(rank)]
    for slot, x in zip(rank, _pack(desired, widths, gaps, weights)):
        center[slot] = x


def _place_x(grid: _Grid) -> dict[int, float]:
    """Center of every slot: packed, then pulled towards its neighbours in sweeps down and up."""
    center = {slot: 0.0 for rank in grid.ranks for slot in rank}
    for rank in grid.ranks:
        _align(grid, rank, (), center)
    last = len(grid.ranks) - 1
    for _ in range(X_PASSES):
        for r in range(1, last + 1):
            _align(grid, grid.ranks[r], (grid.up,), center)
        for r in range(last - 1, -1, -1):
            _align(grid, grid.ranks[r], (grid.down,), center)
    for r in range(last + 1):
        _align(grid, grid.ranks[r], (grid.up, grid.down), center)
    left = min((center[s] - grid.slots[s].width / 2 for s in center), default=0.0)
    return {s: x - left + MARGIN for s, x in center.items()}


def _place_y(grid: _Grid) -> tuple[list[float], list[float]]:
    """Top and height of every rank; empty ranks take no room."""
    tops, heights, cursor = [], [], float(MARGIN)
    for rank in grid.ranks:
        height = max((grid.slots[s].height for s in rank), default=0.0)
        tops.append(cursor)
        heights.append(height)
        if rank:
            cursor += height + GAP_Y
    return tops, heights


# -- edges -------------------------------------------------------------------------------------------
def _ports(grid: _Grid, center: Mapping[int, float], boxes: Mapping[str, Box]) -> dict[tuple[int, int], float]:
    """x of each chain's end on a box: ends on one side are spread evenly, in the order they leave."""
    sides: dict[tuple[int, int], list[tuple[float, int]]] = {}
    for index, (_, chain, _) in enumerate(grid.chains):
        sides.setdefault((chain[0], 1), []).append((center[chain[1]], index))
        sides.setdefault((chain[-1], -1), []).append((center[chain[-2]], index))
    ports = {}
    for (slot, direction), ends in sides.items():
        box = boxes[grid.slots[slot].key]
        for i, (_, index) in enumerate(sorted(ends)):
            ports[(index, direction)] = round(box.x + box.w * (i + 1) / (len(ends) + 1), 1)
    return ports


@dataclass(frozen=True)
class _Placement:
    """Where the slots ended up: centers, rank bands and model boxes."""

    grid: _Grid
    center: Mapping[int, float]
    tops: Sequence[float]
    heights: Sequence[float]
    boxes: Mapping[str, Box]

    def left(self, slot_id: int) -> float:
        return self.center[slot_id] - self.grid.slots[slot_id].width / 2

    def rank_bottom(self, rank: int) -> float:
        return self.tops[rank] + self.heights[rank]


def _chain_route(index: int, place: _Placement, ports: Mapping[tuple[int, int], float]) -> Route:
    """Down from the upper model's bottom, straight through each rank's slot, curving between ranks."""
    grid = place.grid
    edge, chain, label_at = grid.chains[index]
    upper, lower = (place.boxes[grid.slots[chain[i]].key] for i in (0, -1))
    start: Point = (ports[(index, 1)], upper.bottom)
    cursor: Point = (start[0], place.rank_bottom(grid.slots[chain[0]].rank))
    segments: list[Segment] = [(start, cursor)] if cursor != start else []
    for slot_id in chain[1:-1]:
        slot = grid.slots[slot_id]
        x = place.left(slot_id) if slot.kind == "label" else place.center[slot_id]
        top, bottom = place.tops[slot.rank], place.rank_bottom(slot.rank)
        segments.append(_curve(cursor, (x, top)))
        if bottom > top:
            segments.append(((x, top), (x, bottom)))
        cursor = (x, bottom)
    end = (ports[(index, -1)], lower.y)
    segments.append(_curve(cursor, end))
    slot = grid.slots[chain[label_at]]
    left = place.left(chain[label_at]) + LABEL_INSET
    label_box = Box(left, place.tops[slot.rank], slot.width - LABEL_INSET, slot.height)
    ends = ((start, (0.0, 1.0)), (end, (0.0, -1.0)))
    source_end, target_end = ends if edge.source == grid.slots[chain[0]].key else ends[::-1]
    return Route(edge, tuple(segments), Label(label_box, slot.label), source_end, target_end)


def _loop_routes(schema: Schema, key: str, box: Box) -> list[Route]:
    """Self-references of ``key``: nested loops on the box's right side, labels stacked beyond them."""
    loops = _loops(schema, key)
    spacing = min(5.0, (box.h - 24) / (2 * len(loops))) if loops else 0.0
    routes, label_y = [], box.y
    for i, edge in enumerate(loops):
        top, bottom = box.y + 12 + spacing * i, box.bottom - 10 - spacing * i
        reach = box.right + LOOP_STEP * (i + 1) / 0.75  # a cubic reaches 3/4 of the way to its controls
        segment = ((box.right, top), (reach, top), (reach, bottom), (box.right, bottom))
        width, height = label_size(edge.label_lines)
        label_box = Box(box.right + LOOP_STEP * len(loops) + LABEL_INSET, label_y, width, height)
        label_y += height + 4
        ends = ((box.right, top), (1.0, 0.0)), ((box.right, bottom), (1.0, 0.0))
        routes.append(Route(edge, (segment,), Label(label_box, tuple(edge.label_lines)), *ends))
    return routes


def compute_layout(schema: Schema) -> Layout:
    """Lay ``schema`` out: deterministic, no two boxes or labels overlapping, no edge through a box."""
    grid = _build_grid(schema)
    grid.ranks = order_ranks(grid.ranks, grid.up, grid.down)
    center = _place_x(grid)
    tops, heights = _place_y(grid)
    boxes = {}
    for key, slot_id in grid.node_slot.items():
        slot = grid.slots[slot_id]
        boxes[key] = Box(round(center[slot_id] - slot.width / 2, 1), tops[slot.rank], *slot.box)
    place = _Placement(grid, center, tops, heights, boxes)
    ports = _ports(grid, center, boxes)
    routes = [_chain_route(i, place, ports) for i in range(len(grid.chains))]
    routes += [r for node in schema.nodes for r in _loop_routes(schema, node.key, boxes[node.key])]
    right = max((center[s] + grid.slots[s].width / 2 for s in center), default=0.0)
    bottom = max((tops[r] + heights[r] for r, rank in enumerate(grid.ranks) if rank), default=0.0)
    return Layout(schema, boxes, tuple(routes), math.ceil(right + MARGIN), math.ceil(bottom + MARGIN))
