"""Runs the passes on one backend: same plan for every contender, timed operations, count checks.

Per shape: the export tables are seeded once (the distinct rows written by each library,
copied in SQL up to the size); then each pass empties every working table (ids restart
at 1), seeds it, and runs the operations in order, each one for every contender in turn
(the turn order rotates from pass to pass). Only the operation itself is timed: loading
the objects that I, J and K change, checking the results and ``gc.collect()`` happen off
the clock.

The count check: after every operation all contenders must have returned the same
rows (count, sum of ids, sum of levels) and, after a write, their tables must hold the
same rows (the same three numbers). Any difference stops the run with a message.
"""

from __future__ import annotations

import cProfile
import gc
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from benchmarks.backends import Target
from benchmarks.contenders import Contender
from benchmarks.data import Shape
from benchmarks.ops import OPS, Plan, make_plan


class CountMismatch(AssertionError):
    """Two contenders touched different rows: the timings would compare different work."""


@dataclass
class Measurement:
    #: rows each pass handled (the same for every contender, checked)
    rows: int = 0
    #: seconds per pass, by contender
    seconds: dict[str, list[float]] = field(default_factory=dict)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _summary(result: Any, key: Any) -> tuple[int, int, int]:
    if type(result).__name__ == "DataFrame":  # operation L
        return len(result), int(result["id"].sum()), int(result["level"].sum())
    pairs = [key(item) for item in result]
    return len(pairs), sum(p[0] for p in pairs), sum(p[1] for p in pairs)


def _stats_sql(table: str) -> str:
    return f'SELECT COUNT(*) AS n, COALESCE(SUM("id"), 0) AS ids, COALESCE(SUM("level"), 0) AS levels FROM "{table}"'


def _copy_sql(shape: Shape, table: str, distinct: int, total: int) -> str:
    """Append copies of rows 1..distinct until ``table`` has ``total`` rows (ids go on counting)."""
    columns = ", ".join(f'"{c.name}"' for c in shape.columns)
    copied = ", ".join(f't."{c.name}"' for c in shape.columns)
    return (f"WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < {total - distinct}) "
            f'INSERT INTO "{table}" ({columns}) SELECT {copied} FROM n JOIN "{table}" t '
            f"ON t.id = (n.x - 1) % {distinct} + 1 ORDER BY n.x")


def _check(what: str, found: dict[str, tuple[int, int, int]]) -> None:
    if len(set(found.values())) > 1:
        detail = ", ".join(f"{name}: {value}" for name, value in found.items())
        raise CountMismatch(f"{what}: contenders differ in (rows, sum of ids, sum of levels): {detail}")


class Runner:
    def __init__(self, target: Target, contenders: Sequence[Contender], letters: str, passes: int,
                 scale: float, seed: int, profile: str | None = None) -> None:
        self.target, self.contenders, self.letters = target, list(contenders), letters
        self.passes, self.scale, self.seed = passes, scale, seed
        self.owners = [c for c in self.contenders if c.owns_tables]
        #: cProfile of the named contender's timed calls, per (shape, op): the clock is off for it.
        self.profile = profile
        self.profiles: dict[tuple[str, str], cProfile.Profile] = {}

    # -- table maintenance (untimed) ------------------------------------------------------------------
    async def _maintain(self, shape: Shape, export: bool, sql_of: Any) -> None:
        for contender in self.owners:
            statements = sql_of(shape.table(contender.prefix, export))
            for statement in [statements] if isinstance(statements, str) else statements or ():
                await contender.execute(statement)

    async def _check_tables(self, what: str, shape: Shape, export: bool = False) -> tuple[int, int, int]:
        found = {c.name: tuple(await c.fetch_one(_stats_sql(shape.table(c.prefix, export)))) for c in self.owners}
        _check(what, found)  # type: ignore[arg-type]
        return next(iter(found.values()))  # type: ignore[return-value]

    async def _seed(self, shape: Shape, rows: list[dict[str, Any]], export: bool, total: int = 0) -> None:
        """Empty the tables and write ``rows`` with each library; then copy them in SQL up to ``total`` rows."""
        await self._maintain(shape, export, self.target.reset_sql)
        for contender in self.owners:
            await contender.seed(shape, rows, export)
        total = max(total, len(rows))
        if total > len(rows):
            await self._maintain(shape, export, lambda table: _copy_sql(shape, table, len(rows), total))
        await self._maintain(shape, export, self.target.after_load_sql)
        count, ids, _ = await self._check_tables(f"{shape.name}: seeding {'export' if export else 'working'}", shape,
                                                 export)
        if (count, ids) != (total, total * (total + 1) // 2):
            raise CountMismatch(f"{shape.name}: after seeding {total} rows the ids are not 1..{total}")

    # -- one operation ----------------------------------------------------------------------------------
    async def _run_op(self, letter: str, shape: Shape, plan: Plan, order: list[Contender],
                      result: Measurement) -> None:
        op = OPS[letter]
        summaries = {}
        for contender in order:
            if letter not in contender.ops:
                if letter in "ABC" and contender in self.owners:  # keep its table in step, off the clock
                    await contender.seed(shape, plan.rows[letter])
                continue
            args = plan.args(letter)
            ids = plan.loaded_ids(letter)
            if ids is not None:
                args = (await contender.load(shape, ids), *args)
            gc.collect()
            profiler = None
            if contender.name == self.profile:
                profiler = self.profiles.setdefault((shape.name, letter), cProfile.Profile())
                profiler.enable()
            started = time.perf_counter()
            value = await getattr(contender, op.method)(shape, *args)
            elapsed = time.perf_counter() - started
            if profiler is not None:
                profiler.disable()
            if op.kind == "read":
                summaries[contender.name] = _summary(value, contender.key(letter))
            del value, args
            result.seconds.setdefault(contender.name, []).append(elapsed)
        if op.kind == "read":
            _check(f"{shape.name} {letter} ({op.title})", summaries)
            result.rows = next(iter(summaries.values()), (0,))[0]
        else:
            await self._check_tables(f"{shape.name} {letter} ({op.title})", shape)
            result.rows = len(plan.rows[letter]) if letter in "ABC" else len(plan.loaded_ids(letter) or ())

    async def _after_inserts(self, shape: Shape, plan: Plan) -> None:
        await self._maintain(shape, False, self.target.after_load_sql)
        count, ids, _ = await self._check_tables(f"{shape.name} after A, B and C", shape)
        if (count, ids) != (plan.total_rows, plan.total_rows * (plan.total_rows + 1) // 2):
            raise CountMismatch(f"{shape.name}: after A, B and C the ids are not 1..{plan.total_rows}")

    # -- everything -------------------------------------------------------------------------------------
    async def run(self, shapes: Sequence[Shape]) -> dict[str, dict[str, Measurement]]:
        """``{shape: {letter: Measurement}}``."""
        results: dict[str, dict[str, Measurement]] = {}
        for contender in self.contenders:
            await contender.setup(self.target, shapes)
        for shape in shapes:
            for export in (False, True):
                await self._maintain(shape, export, self.target.quiet_sql)
        for shape in shapes:
            log(f"[{self.target.name}] {shape.name}: planning and seeding")
            plan = make_plan(shape, self.scale, self.seed)
            if "L" in self.letters:
                await self._seed(shape, plan.export_rows, export=True, total=plan.export_total)
            plan.export_rows = []
            gc.collect()
            gc.freeze()  # the plan's rows live all along: keep them out of every collection (for every contender)
            measured = results[shape.name] = {letter: Measurement() for letter in self.letters}
            for number in range(self.passes):
                shift = number % len(self.contenders)
                order = self.contenders[shift:] + self.contenders[:shift]
                await self._seed(shape, plan.seed_rows, export=False)
                for letter in "ABCDEFGHIJKL":
                    if letter in self.letters:
                        await self._run_op(letter, shape, plan, order, measured[letter])
                    elif letter in "ABC":  # skipped inserts still happen (untimed) so later ops see the same rows
                        for contender in self.owners:
                            await contender.seed(shape, plan.rows[letter])
                    if letter == "C":
                        await self._after_inserts(shape, plan)
                log(f"[{self.target.name}] {shape.name}: pass {number + 1}/{self.passes} done")
            gc.unfreeze()
        return results

    async def close(self) -> None:
        for contender in self.contenders:
            try:
                await contender.close()
            except Exception as exc:  # one that never connected; keep closing the others
                log(f"closing {contender.name}: {type(exc).__name__}: {exc}")
