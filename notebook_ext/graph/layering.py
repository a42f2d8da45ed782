"""The combinatorial half of the layered (Sugiyama) layout: layers and orders, no coordinates.

1. :func:`break_cycles` turns the relations into a DAG (a depth-first search
   reverses its back edges);
2. :func:`assign_layers` puts each model below every model it points to, at
   most ``max_width`` models per layer (models heading long chains first);
3. :func:`order_ranks` orders each rank by the barycenter of its neighbours,
   sweeping down and up, and keeps the order with the fewest crossings.

Everything is deterministic: ties are broken by key or by creation order.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import cache

Link = tuple[str, str]  # (lower, upper): the first is drawn below the second
SWEEPS = 12


def break_cycles(keys: Sequence[str], links: Sequence[Link]) -> list[Link]:
    """``links`` with the back edges of a depth-first search reversed, so that they form a DAG."""
    out: dict[str, list[tuple[str, int]]] = {k: [] for k in keys}
    for i, (lower, upper) in enumerate(links):
        out[lower].append((upper, i))
    state: dict[str, bool] = {}  # False while on the stack, True when done
    backward: set[int] = set()
    for root in keys:
        if root in state:
            continue
        state[root] = False
        stack = [(root, iter(out[root]))]
        while stack:
            node, pending = stack[-1]
            for upper, i in pending:
                if upper not in state:
                    state[upper] = False
                    stack.append((upper, iter(out[upper])))
                    break
                if state[upper] is False:
                    backward.add(i)
            else:
                state[node] = True
                stack.pop()
    return [(u, lo) if i in backward else (lo, u) for i, (lo, u) in enumerate(links)]


def assign_layers(keys: Sequence[str], links: Sequence[Link], max_width: int) -> dict[str, int]:
    """Layer of each key (0 at the top): below all its uppers, at most ``max_width`` keys per layer."""
    uppers: dict[str, set[str]] = {k: set() for k in keys}
    lowers: dict[str, set[str]] = {k: set() for k in keys}
    for lower, upper in links:
        uppers[lower].add(upper)
        lowers[upper].add(lower)

    @cache
    def depth(key: str) -> int:
        return 1 + max((depth(lower) for lower in lowers[key]), default=-1)

    def entry(key: str) -> tuple[int, bool, str]:
        return -depth(key), not (uppers[key] or lowers[key]), key

    waiting = {k: len(uppers[k]) for k in keys}
    ready = [entry(k) for k in keys if not waiting[k]]
    heapq.heapify(ready)
    layer: dict[str, int] = {}
    filled: Counter[int] = Counter()
    while ready:
        key = heapq.heappop(ready)[2]
        chosen = max((layer[u] + 1 for u in uppers[key]), default=0)
        while filled[chosen] >= max_width:
            chosen += 1
        layer[key] = chosen
        filled[chosen] += 1
        for lower in sorted(lowers[key]):
            waiting[lower] -= 1
            if not waiting[lower]:
                heapq.heappush(ready, entry(lower))
    return layer


def crossings(upper: Sequence[int], lower: Sequence[int], down: Mapping[int, Sequence[int]]) -> int:
    """Crossings between two adjacent ranks, whose links go from ``upper`` to ``lower`` through ``down``."""
    where = {slot: i for i, slot in enumerate(lower)}
    pairs = sorted((i, where[b]) for i, a in enumerate(upper) for b in down.get(a, ()))
    return sum(
        1 for n, (a1, b1) in enumerate(pairs) for a2, b2 in pairs[n + 1:] if a1 < a2 and b1 > b2
    )


def total_crossings(ranks: Sequence[Sequence[int]], down: Mapping[int, Sequence[int]]) -> int:
    return sum(crossings(ranks[r], ranks[r + 1], down) for r in range(len(ranks) - 1))


def _reorder(rank: list[int], neighbours: Mapping[int, Sequence[int]], position: Mapping[int, int]) -> list[int]:
    """``rank`` sorted by the mean position of each slot's neighbours (slots without any keep their index)."""

    def barycenter(item: tuple[int, int]) -> tuple[float, int]:
        index, slot = item
        linked = neighbours.get(slot, ())
        return (sum(position[n] for n in linked) / len(linked) if linked else float(index)), index

    return [slot for _, slot in sorted(enumerate(rank), key=barycenter)]


def order_ranks(
    ranks: list[list[int]], up: Mapping[int, Sequence[int]], down: Mapping[int, Sequence[int]]
) -> list[list[int]]:
    """Orders of the slots in each rank with few crossings (barycenter sweeps, best order kept)."""
    ranks = [list(rank) for rank in ranks]
    best, best_count = [list(r) for r in ranks], total_crossings(ranks, down)
    for sweep in range(SWEEPS):
        if best_count == 0:
            break
        downward = sweep % 2 == 0
        indices = range(1, len(ranks)) if downward else range(len(ranks) - 2, -1, -1)
        for r in indices:
            position = {slot: i for i, slot in enumerate(ranks[r - 1 if downward else r + 1])}
            ranks[r] = _reorder(ranks[r], up if downward else down, position)
        count = total_crossings(ranks, down)
        if count < best_count:
            best, best_count = [list(r) for r in ranks], count
    return best
