"""Machine and version facts, medians and ratios, and the Markdown / JSON reports."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from importlib import metadata
from statistics import median
from typing import Any

from benchmarks.harness import Measurement
from benchmarks.ops import OPS, targets

#: contenders in column order, with their column titles
COLUMNS = {"raw": "raw driver", "orm": "orm", "tortoise": "Tortoise", "sqlalchemy": "SQLAlchemy",
           "sa_uow": "SQLAlchemy, one flush", "read_sql": "pandas.read_sql"}
PACKAGES = ("shellback", "aiosqlite", "asyncpg", "tortoise-orm", "pypika-tortoise", "sqlalchemy", "greenlet",
            "pandas", "numpy", "psycopg")


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory() -> str:
    try:
        with open("/proc/meminfo") as info:
            kib = int(info.readline().split()[1])
        return f"{kib / 2**20:.1f} GiB"
    except (OSError, ValueError, IndexError):
        return "?"


def _commit() -> str:
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=here, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "orm"], cwd=os.path.dirname(here),
                               capture_output=True, text=True).stdout.strip()
        return head + (" + uncommitted changes to orm/" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "?"


def load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def machine(server_versions: dict[str, str], load_before: float | None = None) -> dict[str, Any]:
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return {
        "cpu": _cpu_model(), "cores": os.cpu_count(), "memory": _memory(), "os": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "commit": _commit(), "sqlite": sqlite3.sqlite_version, **server_versions, "packages": versions,
        "load_average": [load_before, load_average()],
    }


# -- numbers ---------------------------------------------------------------------------------------------
def summarise(measured: dict[str, Measurement]) -> dict[str, Any]:
    """Per operation: rows, median seconds and rows/s per contender, and the targets with their outcome."""
    summary = {}
    for letter, m in measured.items():
        medians = {name: median(seconds) for name, seconds in m.seconds.items()}
        entry: dict[str, Any] = {
            "title": OPS[letter].title, "rows": m.rows, "seconds": m.seconds, "median_seconds": medians,
            "rows_per_second": {name: m.rows / t for name, t in medians.items()},
            "targets": [],
        }
        orm = medians.get("orm")
        for target in targets(letter):
            peer = medians.get(target.peer)
            if orm is None or peer is None:
                continue
            speedup = peer / orm
            entry["targets"].append({"target": target.text, "peer": target.peer, "speedup": speedup,
                                     "met": speedup >= target.min_speedup})
        summary[letter] = entry
    return summary


def _load(values: list[float | None]) -> str:
    return " and ".join("?" if v is None else f"{v:.1f}" for v in values)


def _rate(value: float | None) -> str:
    if value is None:
        return "—"
    for limit, suffix in ((1e6, "M"), (1e3, "k")):
        if value >= limit:
            return f"{value / limit:.3g}{suffix}"
    return f"{value:.3g}"


def _speedup(entry: dict[str, Any], peer: str, invert: bool = False) -> str:
    medians = entry["median_seconds"]
    if "orm" not in medians or peer not in medians:
        return "—"
    ratio = medians["orm"] / medians[peer] if invert else medians[peer] / medians["orm"]
    return f"{ratio:.2f}x"


def _shown(target: dict[str, Any]) -> str:
    """The measured value of a target that no ratio column shows."""
    return f" ({target['speedup']:.2f}x)" if target["peer"] == "read_sql" else ""


def table(summary: dict[str, Any], names: list[str]) -> str:
    """The Markdown table of one backend and shape."""
    shown = [name for name in COLUMNS if name in names]
    header = ["op", "rows", *(f"{COLUMNS[n]} rows/s" for n in shown),
              "orm time ÷ raw", "orm vs Tortoise", "orm vs SQLAlchemy", "targets (orm)", "met"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * 2 + ["--:"] * (len(shown) + 3) + ["---"] * 2)
             + "|"]
    for letter, entry in summary.items():
        rates = entry["rows_per_second"]
        marks = [f"{t['target']}{_shown(t)} {'✅' if t['met'] else '❌'}" for t in entry["targets"]]
        met = "yes" if all(t["met"] for t in entry["targets"]) else "**no**"
        cells = [f"{letter} {entry['title']}", f"{entry['rows']:,}", *(_rate(rates.get(n)) for n in shown),
                 _speedup(entry, "raw", invert=True), _speedup(entry, "tortoise"), _speedup(entry, "sqlalchemy"),
                 "<br>".join(marks) or "—", met if marks else "—"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def markdown(report: dict[str, Any]) -> str:
    """The whole report: settings, machine, one table per backend and shape, the count of targets met."""
    facts = report["machine"]
    config = report["config"]
    packages = ", ".join(f"{name} {version}" for name, version in facts["packages"].items())
    servers = "; ".join(v for k, v in facts.items() if k.endswith("server"))
    parts = [
        f"Median of {config['passes']} pass{'es' if config['passes'] != 1 else ''}, "
        f"scale {config['scale']:g}, seed {config['seed']}, "
        f"event loop {config['loop']}. `{config['command']}`",
        "",
        f"Machine: {facts['cpu']} ({facts['cores']} cores, {facts['memory']}), {facts['os']}; "
        f"{facts['python']}; SQLite {facts['sqlite']}" + (f"; {servers}" if servers else "") + ".",
        f"Versions: {packages}. Commit {facts['commit']}.",
        f"Load average (1 min) at the start and the end: {_load(facts['load_average'])} "
        "(other work on the machine slows every contender, and adds noise).",
        "",
        "Contenders: " + "; ".join(f"**{COLUMNS[name]}**: {text}" for name, text in report["descriptions"].items())
        + ".",
        "",
        "Rows/s per contender (higher is better); `orm time ÷ raw` is orm's time over the raw driver's (lower is "
        "better); `orm vs X` is orm's throughput over X's (higher is better).",
    ]
    met = total = 0
    for backend, shapes in report["results"].items():
        for shape, summary in shapes.items():
            parts += ["", f"### {backend}, {shape} rows", "", table(summary, report["contenders"])]
            for entry in summary.values():
                total += len(entry["targets"])
                met += sum(t["met"] for t in entry["targets"])
    parts += ["", f"Targets met: {met} of {total}."]
    return "\n".join(parts) + "\n"
