"""Benchmark ``orm`` against the raw drivers, Tortoise ORM and SQLAlchemy, in one process and one event loop.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/run.py --backend sqlite,postgres --scale 1 --passes 3 \\
        --json out.json --markdown results.md

Operations A-L (see benchmarks/ops.py) on two table shapes, identical seeded data for
every contender; prints a Markdown report (rows/s, ratios, targets) on stdout, progress
on stderr. ``--scale 0.1`` is a quick smoke run. Exits non-zero if two contenders
touched different rows. PostgreSQL: ``--pg-url`` (default postgres://postgres@127.0.0.1:5432/test
or $BENCH_POSTGRES_URL); the run works in a schema of its own and drops it afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import pstats
import shlex
import sys
from typing import Any

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    sys.path[0] = REPO  # run as a script: import the benchmarks package (and orm) from the repository
elif REPO not in sys.path:
    sys.path.insert(0, REPO)

from benchmarks.backends import DEFAULT_PG_URL, open_target  # noqa: E402
from benchmarks.data import SHAPES  # noqa: E402
from benchmarks.harness import CountMismatch, Runner, log  # noqa: E402
from benchmarks.ops import OPS  # noqa: E402

ALL_CONTENDERS = ("raw", "orm", "tortoise", "sqlalchemy", "sa_uow", "read_sql")


def _names(value: str, known: tuple[str, ...] | list[str], what: str) -> list[str]:
    names = [n.strip() for n in value.split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown {what} {unknown}; choose from {', '.join(known)}")
    return names


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", default="sqlite,postgres",
                        type=lambda v: _names(v, ("sqlite", "postgres"), "backends"),
                        help="comma-separated: sqlite, postgres (default both)")
    parser.add_argument("--shapes", default="small,wide", type=lambda v: _names(v, list(SHAPES), "shapes"),
                        help="comma-separated: small, wide (default both)")
    parser.add_argument("--ops", default="".join(OPS), type=lambda v: "".join(_names(",".join(v.upper()), list(OPS),
                                                                                       "operations")),
                        help="operation letters, e.g. ADF (default all of A-L)")
    parser.add_argument("--contenders", default=",".join(ALL_CONTENDERS),
                        type=lambda v: _names(v, ALL_CONTENDERS, "contenders"),
                        help=f"comma-separated, from {', '.join(ALL_CONTENDERS)} (default all)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every size (0.1 for a smoke run)")
    parser.add_argument("--passes", type=int, default=3, help="passes per backend; the report shows the median")
    parser.add_argument("--seed", type=int, default=1, help="seed of the data and of the random ids and offsets")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_PG_URL))
    parser.add_argument("--uvloop", action="store_true", help="run on uvloop instead of asyncio's default loop")
    parser.add_argument("--json", metavar="FILE", help="write every timing and the summary as JSON")
    parser.add_argument("--profile", metavar="CONTENDER",
                        help="profile that contender's timed calls (cProfile) and print the top frames of "
                             "each operation on stderr; its times are then slower and not comparable")
    parser.add_argument("--markdown", metavar="FILE", nargs="?", const="-",
                        help="also write the Markdown report to FILE (it always goes to stdout)")
    args = parser.parse_args(argv)
    if "read_sql" in args.contenders and "raw" not in args.contenders:
        parser.error("read_sql reads the raw contender's export table: add raw to --contenders")
    if args.scale <= 0 or args.passes < 1:
        parser.error("--scale must be positive and --passes at least 1")
    return args


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from benchmarks.contenders import registry
    from benchmarks.reporting import load_average, machine, summarise

    load_before = load_average()
    classes = registry()
    if "L" in args.ops:
        import pandas  # noqa: F401 - imported before any clock starts, not by the first export
    shapes = [SHAPES[name] for name in args.shapes]
    results: dict[str, Any] = {}
    servers: dict[str, str] = {}
    for backend in args.backend:
        async with open_target(backend, args.pg_url, tuple(args.contenders)) as target:
            if target.version:
                servers[f"{backend} server"] = target.version
            runner = Runner(target, [classes[name].make(target) for name in args.contenders], args.ops,
                            args.passes, args.scale, args.seed, args.profile)
            try:
                measured = await runner.run(shapes)
            finally:
                await runner.close()
            for (shape, letter), profiler in runner.profiles.items():
                log(f"--- profile of {args.profile}, {backend} {shape} {letter} ({OPS[letter].title}) ---")
                stream = io.StringIO()
                pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(15)
                log(stream.getvalue())
        results[backend] = {shape: summarise(m) for shape, m in measured.items()}
    config = {"backends": args.backend, "shapes": args.shapes, "ops": args.ops, "scale": args.scale,
              "passes": args.passes, "seed": args.seed, "loop": "uvloop" if args.uvloop else "asyncio",
              "command": " ".join(["python benchmarks/run.py", *map(shlex.quote, sys.argv[1:])])}
    facts = machine(servers, load_before)
    descriptions = {name: classes[name].description for name in args.contenders}
    return {"config": config, "contenders": args.contenders, "descriptions": descriptions, "machine": facts,
            "results": results}


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    from benchmarks.reporting import markdown

    try:
        if args.uvloop:
            import uvloop

            report = uvloop.run(run(args))
        else:
            report = asyncio.run(run(args))
    except CountMismatch as exc:
        log(f"COUNT CHECK FAILED: {exc}")
        return 2
    text = markdown(report)
    sys.stdout.write(text)
    if args.markdown and args.markdown != "-":
        with open(args.markdown, "w") as out:
            out.write(text)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(report, out, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
