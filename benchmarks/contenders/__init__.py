"""The contenders: one class per library, all with the same methods (see ``Contender``).

Each owns its tables (its ``prefix`` names them: ``raw_small``, ``orm_wide_x``...) and
its own connection; the harness only ever calls these methods, timing the operation ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from benchmarks.backends import Target
    from benchmarks.data import Shape

Row = dict[str, Any]


class Contender:
    #: short name used on the command line and in the report
    name: ClassVar[str]
    #: table-name prefix
    prefix: ClassVar[str]
    #: the operations it takes part in
    ops: ClassVar[str] = "ABCDEFGHIJKL"
    #: whether it has tables of its own (seeded, emptied and checked by the harness)
    owns_tables: ClassVar[bool] = True
    #: one line for the report
    description: ClassVar[str] = ""

    @classmethod
    def make(cls, target: Target) -> Contender:
        """An instance for this backend (the raw contender picks its driver here)."""
        return cls()

    # -- set-up (untimed) -------------------------------------------------------------------------
    async def setup(self, target: Target, shapes: Sequence[Shape]) -> None:
        """Connect and create the working and export tables of every shape."""
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError

    async def execute(self, sql: str) -> None:
        """Run a maintenance statement (emptying a table, ANALYZE) on its own connection."""
        raise NotImplementedError

    async def fetch_one(self, sql: str) -> Sequence[Any]:
        """The single row of a maintenance query (the table statistics of the count check)."""
        raise NotImplementedError

    async def seed(self, shape: Shape, rows: list[Row], export: bool = False) -> None:
        """Insert ``rows`` (with the same code as operation C)."""
        raise NotImplementedError

    async def load(self, shape: Shape, ids: list[int]) -> list[Any]:
        """The objects with these ids, in id order (what I, J and K then change or delete)."""
        raise NotImplementedError

    def key(self, letter: str) -> Callable[[Any], tuple[int, int]]:
        """``(id, level)`` of one item that read operation ``letter`` returned (for the count check)."""
        if letter == "G":
            return lambda d: (d["id"], d["level"])
        if letter == "H":
            return lambda t: (t[0], t[2])
        return lambda obj: (obj.id, obj.level)

    # -- the timed operations (letters as in ops.py) -------------------------------------------------
    async def insert_single(self, shape: Shape, rows: list[Row]) -> Any:  # A
        raise NotImplementedError

    async def insert_batch(self, shape: Shape, rows: list[Row]) -> Any:  # B
        raise NotImplementedError

    async def bulk_insert(self, shape: Shape, rows: list[Row]) -> Any:  # C
        raise NotImplementedError

    async def load_all(self, shape: Shape) -> list[Any]:  # D
        raise NotImplementedError

    async def pages(self, shape: Shape, offsets: list[int]) -> list[Any]:  # E
        raise NotImplementedError

    async def get_by_pk(self, shape: Shape, ids: list[int]) -> list[Any]:  # F
        raise NotImplementedError

    async def dicts(self, shape: Shape) -> list[Any]:  # G
        raise NotImplementedError

    async def tuples(self, shape: Shape) -> list[Any]:  # H
        raise NotImplementedError

    async def update_whole(self, shape: Shape, objects: list[Any], values: list[tuple[int, str]]) -> Any:  # I
        raise NotImplementedError

    async def update_field(self, shape: Shape, objects: list[Any], levels: list[int]) -> Any:  # J
        raise NotImplementedError

    async def delete(self, shape: Shape, objects: list[Any]) -> Any:  # K
        raise NotImplementedError

    async def export_frame(self, shape: Shape) -> Any:  # L
        raise NotImplementedError


def registry() -> dict[str, type[Contender]]:
    """Every contender by name, in report order (imported lazily: peers are optional extras)."""
    from benchmarks.contenders.orm import OrmContender
    from benchmarks.contenders.raw import RawContender, ReadSqlContender
    from benchmarks.contenders.sqlalchemy import SqlAlchemyContender, SqlAlchemyUnitOfWork
    from benchmarks.contenders.tortoise import TortoiseContender

    classes = (RawContender, OrmContender, TortoiseContender, SqlAlchemyContender, SqlAlchemyUnitOfWork,
               ReadSqlContender)
    return {cls.name: cls for cls in classes}
