"""Table shapes and their seeded rows: every contender stores exactly these values.

A row is a dict of Python values (aware UTC datetimes, ``Decimal``, dicts for JSON)
keyed by column name. It never carries the primary key (the database assigns it)
nor the columns that have a default (the library or the column DEFAULT fills those in).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

#: ``level`` takes the values 0 .. LEVELS-1.
LEVELS = 10
_EPOCH = datetime(2020, 1, 1, tzinfo=timezone.utc)
_WORDS = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda",
          "omicron", "sigma", "omega")


@dataclass(frozen=True)
class Column:
    name: str
    #: datetime, smallint, varchar, float, int, bigint, text, decimal (12 digits, 4 places) or json
    kind: str
    null: bool = False
    #: filled in by the library (or the column's DEFAULT), never given in the rows
    default: Any = None
    index: bool = False
    #: varchar only
    length: int = 0


@dataclass(frozen=True)
class Shape:
    name: str
    #: every column but the primary key ``id`` (which comes first in the table)
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        """All column names in table order, ``id`` first."""
        return ["id", *(c.name for c in self.columns)]

    @property
    def given(self) -> list[Column]:
        """The columns a generated row carries (those without a default)."""
        return [c for c in self.columns if c.default is None]

    def table(self, prefix: str, export: bool = False) -> str:
        """A contender's table of this shape: the working table, or the one operation L reads."""
        return f"{prefix}_{self.name}_x" if export else f"{prefix}_{self.name}"


_SMALL = (
    Column("created", "datetime"),
    Column("level", "smallint", index=True),
    Column("text", "varchar", index=True, length=255),
)


def _wide_extras() -> tuple[Column, ...]:
    """32 more columns: some nullable (the last numbered of each kind), one default per kind."""
    plan = [("f", "float", 6, 0.0), ("i", "int", 6, 0), ("b", "bigint", 4, 0), ("c", "varchar", 6, "n/a"),
            ("t", "text", 3, None), ("d", "decimal", 4, None), ("j", "json", 3, None)]
    extras = []
    for prefix, kind, count, default in plan:
        for n in range(1, count + 1):
            last_given = count - 1 if default is not None else count
            extras.append(Column(
                f"{prefix}{n}", kind,
                null=n == last_given,
                default=default if default is not None and n == count else None,
                length=50 if kind == "varchar" else 0,
            ))
    return tuple(extras)


SHAPES = {"small": Shape("small", _SMALL), "wide": Shape("wide", _SMALL + _wide_extras())}


def _value(column: Column, rng: random.Random) -> Any:
    kind = column.kind
    if column.null and rng.random() < 0.3:
        return None
    if kind == "datetime":
        return _EPOCH + timedelta(seconds=rng.randrange(10**8), microseconds=rng.randrange(10**6))
    if kind == "smallint":
        return rng.randrange(LEVELS)
    if kind == "varchar":
        limit = min(column.length, 40)
        return f"{rng.choice(_WORDS)} {rng.randrange(10**6)} {rng.choice(_WORDS)}"[:limit]
    if kind == "float":
        return rng.random() * 1000.0
    if kind == "int":
        return rng.randrange(-(2**31), 2**31)
    if kind == "bigint":
        return rng.randrange(-(2**62), 2**62)
    if kind == "text":
        return " ".join(rng.choice(_WORDS) for _ in range(rng.randrange(5, 25)))
    if kind == "decimal":
        return Decimal(rng.randrange(-(10**11), 10**11)).scaleb(-4)
    if kind == "json":
        return {"n": rng.randrange(1000), "tags": [rng.choice(_WORDS) for _ in range(3)], "ok": rng.random() < 0.5}
    raise ValueError(f"unknown column kind {kind!r}")


def make_rows(shape: Shape, count: int, rng: random.Random) -> list[dict[str, Any]]:
    """``count`` rows of ``shape`` drawn from ``rng`` (the same seed gives the same rows)."""
    given = shape.given
    return [{c.name: _value(c, rng) for c in given} for _ in range(count)]
