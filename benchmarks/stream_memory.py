"""Streaming check: ``async for obj in Model.all()`` over 1,000,000 rows keeps memory flat and the loop responsive.

    .venv/bin/python benchmarks/stream_memory.py --backend sqlite,postgres [--rows 1000000] [--json out.json]

For each backend: fills ``orm``'s table with ``--rows`` rows (in the database itself,
copying one row that ``Model.create`` stored, so the values are in ``orm``'s own format),
then iterates over all of them while
- a thread samples the process's resident memory every 2 ms: the report gives the peak
  above the level just before the iteration (limit: < 100 MB);
- a task ticks every 5 ms on the same event loop: the report gives the longest delay of
  a tick beyond its 5 ms (the longest stall of the loop; limit: 50 ms), with the loop
  thread's CPU time during it (low when the stall was the machine's other load, not the loop).
Prints a Markdown table; exits 1 if a limit is exceeded or the rows do not add up.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import sys
import threading
import time
from typing import Any

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    sys.path[0] = REPO
elif REPO not in sys.path:
    sys.path.insert(0, REPO)

from benchmarks.backends import DEFAULT_PG_URL, Target, open_target  # noqa: E402
from benchmarks.data import SHAPES, Shape, make_rows  # noqa: E402

RSS_LIMIT_MB = 100
STALL_LIMIT_MS = 50
TICK = 0.005


def rss_bytes() -> int:
    """The process's resident set size now."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        import psutil

        return psutil.Process().memory_info().rss


class RssSampler(threading.Thread):
    """Samples the RSS every ``interval`` seconds from its own thread (so a stalled loop cannot hide a peak)."""

    def __init__(self, interval: float = 0.002) -> None:
        super().__init__(daemon=True)
        self.interval, self.peak, self.stop = interval, rss_bytes(), threading.Event()

    def run(self) -> None:
        while not self.stop.wait(self.interval):
            self.peak = max(self.peak, rss_bytes())


async def ticker(done: asyncio.Event, stalls: list[tuple[float, float]]) -> None:
    """Wakes every TICK seconds; records how late each wake-up was, and the loop thread's CPU time meanwhile.

    The CPU time tells a stall the loop caused itself (busy the whole time) from one where
    the process was simply not scheduled (other load on the machine).
    """
    while not done.is_set():
        before, before_cpu = time.perf_counter(), time.thread_time()
        await asyncio.sleep(TICK)
        stalls.append((time.perf_counter() - before - TICK, time.thread_time() - before_cpu))


async def fill(contender: Any, target: Target, shape: Shape, model: Any, rows: int) -> None:
    """``rows`` rows: one stored by ``Model.create``, the others copied from it by one INSERT ... SELECT."""
    await model.create(**make_rows(shape, 1, random.Random(1))[0])
    table = shape.table(contender.prefix)
    others = [c.name for c in shape.columns if c.name not in ("level", "text")]
    columns = ", ".join(f'"{name}"' for name in others)
    copied = ", ".join(f't."{name}"' for name in others)
    await contender.execute(
        f"WITH RECURSIVE n(x) AS (SELECT 2 UNION ALL SELECT x + 1 FROM n WHERE x < {rows}) "
        f'INSERT INTO "{table}" ("level", "text", {columns}) '
        f"SELECT x % 10, 'row ' || x, {copied} FROM n, (SELECT * FROM \"{table}\" LIMIT 1) t"
    )
    analyze = target.after_load_sql(table)
    if analyze:
        await contender.execute(analyze)


async def measure(model: Any) -> dict[str, Any]:
    gc.collect()
    sampler = RssSampler()
    baseline = rss_bytes()
    sampler.peak = baseline
    done, stalls = asyncio.Event(), []  # type: ignore[var-annotated]
    sampler.start()
    tick_task = asyncio.create_task(ticker(done, stalls))
    await asyncio.sleep(TICK * 2)  # the ticker is running before the first row is asked for
    started = time.perf_counter()
    count = total = 0
    async for obj in model.all():
        count += 1
        total += obj.id
    seconds = time.perf_counter() - started
    done.set()
    await tick_task
    sampler.stop.set()
    sampler.join()
    return {"rows": count, "id_sum": total, "seconds": seconds, "rows_per_second": count / seconds,
            "baseline_mb": baseline / 2**20, "peak_above_baseline_mb": (sampler.peak - baseline) / 2**20,
            "longest_stall_ms": max((s[0] for s in stalls), default=0.0) * 1000,
            "longest_stall_cpu_ms": max(stalls, default=(0.0, 0.0))[1] * 1000,
            "most_cpu_in_a_tick_ms": max((s[1] for s in stalls), default=0.0) * 1000,
            "ticks": len(stalls), "load_average": os.getloadavg()[0]}


async def run_backend(name: str, rows: int, shape: Shape, pg_url: str) -> dict[str, Any]:
    from benchmarks.contenders.orm import OrmContender

    async with open_target(name, pg_url, ("orm",)) as target:
        contender = OrmContender()
        await contender.setup(target, [shape])
        try:
            model = contender.models[shape.name, False]
            print(f"[{name}] filling {rows:,} rows", file=sys.stderr, flush=True)
            await fill(contender, target, shape, model, rows)
            print(f"[{name}] iterating", file=sys.stderr, flush=True)
            result = await measure(model)
        finally:
            await contender.close()
    result["ok_rows"] = result["rows"] == rows and result["id_sum"] == rows * (rows + 1) // 2
    result["ok_memory"] = result["peak_above_baseline_mb"] < RSS_LIMIT_MB
    result["ok_stall"] = result["longest_stall_ms"] <= STALL_LIMIT_MS
    return result


def markdown(results: dict[str, dict[str, Any]], shape: str) -> str:
    lines = [f"`async for obj in Model.all()` over {shape} rows (orm):", "",
             "| backend | rows | seconds | rows/s | peak RSS above baseline | longest loop stall "
             "| loop thread's CPU time during that tick | most CPU time in one tick | all rows seen | load average |",
             "|---|--:|--:|--:|--:|--:|--:|--:|---|--:|"]
    for name, r in results.items():
        memory = f"{r['peak_above_baseline_mb']:.1f} MB {'✅' if r['ok_memory'] else '❌'} (< {RSS_LIMIT_MB})"
        stall = f"{r['longest_stall_ms']:.1f} ms {'✅' if r['ok_stall'] else '❌'} (≤ {STALL_LIMIT_MS})"
        lines.append(f"| {name} | {r['rows']:,} | {r['seconds']:.1f} | {r['rows_per_second']:,.0f} | {memory} | "
                     f"{stall} | {r['longest_stall_cpu_ms']:.1f} ms | {r['most_cpu_in_a_tick_ms']:.1f} ms | "
                     f"{'yes' if r['ok_rows'] else '**no**'} | {r['load_average']:.1f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--shape", default="small", choices=sorted(SHAPES))
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_PG_URL))
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)
    backends = [b.strip() for b in args.backend.split(",") if b.strip()]
    if args.rows < 2 or not set(backends) <= {"sqlite", "postgres"}:
        parser.error("--rows must be at least 2 and --backend a list of sqlite, postgres")

    async def run_all() -> dict[str, dict[str, Any]]:
        return {name: await run_backend(name, args.rows, SHAPES[args.shape], args.pg_url) for name in backends}

    results = asyncio.run(run_all())
    sys.stdout.write(markdown(results, args.shape))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=1)
    ok = all(r["ok_rows"] and r["ok_memory"] and r["ok_stall"] for r in results.values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
