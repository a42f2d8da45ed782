"""The operations A-L, their sizes, the per-shape plan every contender follows, and the targets.

A pass runs, on a freshly emptied working table seeded with ``SEED_ROWS`` rows:
A, B, C insert rows; D-H read them; I, J update and K deletes 1,000 of them. L reads
the separate export table (50,000 rows, seeded once: ``EXPORT_DISTINCT`` rows written by
the library itself, then copied in SQL up to the size). Sizes scale with ``--scale``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from benchmarks.data import LEVELS, Shape, make_rows

SEED_ROWS = 3_500
PAGE = 20
#: distinct rows of the export table (each contender writes them; the rest are copies made in SQL)
EXPORT_DISTINCT = 1_000


@dataclass(frozen=True)
class Op:
    letter: str
    title: str
    #: how many rows (queries for E) at scale 1
    size: int
    #: the contender method that runs it
    method: str
    #: ``write`` ops are checked through the table's statistics afterwards, ``read`` ops through their result
    kind: str


OPS = {
    op.letter: op
    for op in (
        Op("A", "insert single (autocommit)", 500, "insert_single", "write"),
        Op("B", "insert batch, one transaction", 1_000, "insert_batch", "write"),
        Op("C", "bulk insert, one call", 2_000, "bulk_insert", "write"),
        Op("D", "filter large -> objects", 0, "load_all", "read"),
        Op("E", f"limit {PAGE}, random offset", 200, "pages", "read"),
        Op("F", "get by pk", 1_000, "get_by_pk", "read"),
        Op("G", "filter large -> dicts", 0, "dicts", "read"),
        Op("H", "filter large -> tuples", 0, "tuples", "read"),
        Op("I", "update whole objects, one transaction", 1_000, "update_whole", "write"),
        Op("J", "update one field, one transaction", 1_000, "update_field", "write"),
        Op("K", "delete objects, one transaction", 1_000, "delete", "write"),
        Op("L", "export to DataFrame", 50_000, "export_frame", "read"),
    )
}


def scaled(size: int, scale: float) -> int:
    return max(1, round(size * scale))


@dataclass
class Plan:
    """Everything random about one shape, drawn once from a seeded RNG and shared by all contenders."""

    shape: Shape
    seed_rows: list[dict[str, Any]]
    rows: dict[str, list[dict[str, Any]]]  # A, B, C
    export_rows: list[dict[str, Any]]  # the distinct rows of the export table
    export_total: int  # its size
    offsets: list[int]  # E
    get_ids: list[int]  # F
    update_ids: list[int]  # I (sorted)
    update_values: list[tuple[int, str]]  # I: (level, text) per id
    field_ids: list[int]  # J (sorted)
    field_values: list[int]  # J: level per id
    delete_ids: list[int]  # K (sorted)

    @property
    def total_rows(self) -> int:
        """Rows in the working table once A, B and C have run."""
        return len(self.seed_rows) + sum(len(r) for r in self.rows.values())

    def args(self, letter: str) -> tuple[Any, ...]:
        """The arguments of operation ``letter`` (I, J and K also get the loaded objects first)."""
        return {
            "A": (self.rows.get("A"),), "B": (self.rows.get("B"),), "C": (self.rows.get("C"),),
            "D": (), "E": (self.offsets,), "F": (self.get_ids,), "G": (), "H": (),
            "I": (self.update_values,), "J": (self.field_values,), "K": (), "L": (),
        }[letter]

    def loaded_ids(self, letter: str) -> list[int] | None:
        """The ids whose objects I, J and K work on (loaded, untimed, before the clock starts)."""
        return {"I": self.update_ids, "J": self.field_ids, "K": self.delete_ids}.get(letter)


def make_plan(shape: Shape, scale: float, seed: int) -> Plan:
    rng = random.Random(f"{seed}:{shape.name}")
    seed_rows = make_rows(shape, scaled(SEED_ROWS, scale), rng)
    rows = {letter: make_rows(shape, scaled(OPS[letter].size, scale), rng) for letter in "ABC"}
    total = len(seed_rows) + sum(len(r) for r in rows.values())
    ids = range(1, total + 1)  # a fresh table numbers its rows from 1, in insertion order

    def sample(letter: str) -> list[int]:
        return sorted(rng.sample(ids, min(total, scaled(OPS[letter].size, scale))))

    offsets = [rng.randrange(max(1, total - PAGE)) for _ in range(scaled(OPS["E"].size, scale))]
    get_ids = rng.sample(ids, min(total, scaled(OPS["F"].size, scale)))
    update_ids = sample("I")
    update_values = [(rng.randrange(LEVELS), f"updated {rng.randrange(10**6)}") for _ in update_ids]
    field_ids = sample("J")
    field_values = [rng.randrange(LEVELS) for _ in field_ids]
    delete_ids = sample("K")
    export_total = scaled(OPS["L"].size, scale)
    export_rows = make_rows(shape, min(export_total, EXPORT_DISTINCT), random.Random(f"{seed}:{shape.name}:export"))
    return Plan(shape, seed_rows, rows, export_rows, export_total, offsets, get_ids, update_ids, update_values,
                field_ids, field_values, delete_ids)


# -- targets (for `orm`) ---------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    peer: str
    #: orm's throughput divided by the peer's must be at least this
    min_speedup: float
    text: str


def _faster(peer: str, factor: float) -> Target:
    label = {"tortoise": "Tortoise", "sqlalchemy": "SQLAlchemy", "read_sql": "pandas.read_sql"}[peer]
    return Target(peer, factor, f"≥{factor:g}x {label}" if factor != 1 else f"≥ {label}")


def _within(factor: float) -> Target:
    return Target("raw", 1 / factor, f"≤{factor:g}x raw time")


def targets(letter: str) -> list[Target]:
    """What `orm` must reach on operation ``letter``."""
    tortoise = {"D": 3.0, "G": 2.0, "H": 2.0}.get(letter, 1.3)
    result = [_faster("tortoise", tortoise), _faster("sqlalchemy", 1.0)]
    if letter in "ABIJK":
        result.append(_within(1.15))
    elif letter in "CF":
        result.append(_within(1.5))
    elif letter == "L":
        result += [_within(1.3), _faster("read_sql", 1.0)]
    return result
