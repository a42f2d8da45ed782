"""Execute the tutorial notebooks in a real kernel and write their outputs in place.

    .venv/bin/python notebooks/build.py                 # every notebook, outputs written in place
    .venv/bin/python notebooks/build.py 04 05           # only these (a prefix of the file name)
    .venv/bin/python notebooks/build.py --check         # execute, compare with the committed outputs
    .venv/bin/python notebooks/build.py 01 --no-write --html build   # an HTML rendering only

Each notebook runs top to bottom in a fresh ``python3`` kernel of this interpreter, with
``notebooks/`` as working directory. Outputs are made stable before writing: no timings,
widget model ids numbered in order, so that a rebuild with unchanged code changes nothing.
The PostgreSQL notebook (07) needs the server of ``SHELLBACK_TUTORIAL_PG_URL``
(default ``postgres://postgres@127.0.0.1:5432/test``); without it it says so and skips its cells.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
TIMEOUT = 600  # seconds per cell
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: what marks an output that would differ from run to run
UNSTABLE = re.compile(r"\b0x[0-9a-f]{6,}\b")


def notebooks(selection: Iterable[str] = ()) -> list[Path]:
    """The tutorial notebooks, in order; ``selection`` keeps those whose name starts with one of its items."""
    found = sorted(HERE.glob("[0-9][0-9]_*.ipynb"))
    chosen = [p for p in found if not selection or any(p.name.startswith(s) for s in selection)]
    if selection and not chosen:
        raise SystemExit(f"no notebook matches {list(selection)}; there are {[p.name for p in found]}")
    return chosen


def execute(path: Path, env: dict[str, str] | None = None, timeout: int = TIMEOUT) -> Any:
    """Run a copy of the notebook at ``path`` top to bottom; raises ``CellExecutionError`` on any error."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
    client = NotebookClient(
        notebook, timeout=timeout, kernel_name="python3", allow_errors=False, record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    kernel_env = {**os.environ, "SOURCE_DATE_EPOCH": "1735689600", **(env or {})}
    client.execute(env=kernel_env)
    return normalised(notebook, path.stem)


def normalised(notebook: Any, name: str) -> Any:
    """The notebook as it is written: stream outputs joined, widget ids numbered (unchanged if already so)."""
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = _joined_streams(cell.outputs)
    return _stable_widget_ids(notebook, name)


def _joined_streams(outputs: list[Any]) -> list[Any]:
    """Consecutive writes to one stream as one output (how they are split depends on timing)."""
    joined: list[Any] = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (output.output_type == "stream" and previous is not None and previous.output_type == "stream"
                and previous.name == output.name):
            previous.text += output.text
        else:
            joined.append(output)
    return joined


def _stable_widget_ids(notebook: Any, name: str) -> Any:
    """Widget model ids (random per run) replaced by ids made from the notebook's name, in creation order."""
    state = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    stable_ids = [hashlib.sha256(f"{name}:{i}".encode()).hexdigest()[:32] for i in range(len(state))]
    if set(state) == set(stable_ids):
        return notebook
    text = json.dumps(notebook)
    for model_id, stable_id in zip(list(state), stable_ids):
        text = text.replace(model_id, stable_id)
    return nbformat.from_dict(json.loads(text))


def shown_text(notebook: Any) -> list[list[str]]:
    """Per code cell, the text a reader sees: streams and each output's ``text/plain`` (no images)."""
    cells = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        parts = []
        for output in cell.outputs:
            if output.output_type == "stream" and output.name == "stdout":
                parts.append(output.text)
            elif output.output_type in ("execute_result", "display_data"):
                parts.append(output.get("data", {}).get("text/plain", ""))
            elif output.output_type == "error":
                parts.append(f"{output.ename}: {output.evalue}")
        cells.append(parts)
    return cells


def problems(notebook: Any) -> list[str]:
    """What a reader should not see: errors, warnings on stderr, memory addresses."""
    found = []
    code_cells = [c for c in notebook.cells if c.cell_type == "code"]
    for number, cell in enumerate(code_cells, 1):
        for output in cell.outputs:
            if output.output_type == "error":
                found.append(f"code cell {number}: {output.ename}: {output.evalue}")
            if output.output_type == "stream" and output.name == "stderr":
                found.append(f"code cell {number} wrote to stderr: {output.text.strip()[:200]}")
            text = json.dumps({k: v for k, v in output.get("data", {}).items() if k != "image/png"})
            text += output.get("text", "")
            if UNSTABLE.search(text):
                found.append(f"code cell {number} shows a memory address: {UNSTABLE.search(text).group()}")
    return found


def differences(committed: Any, fresh: Any) -> list[str]:
    """Code cells whose text outputs differ between the committed notebook and a fresh run."""
    old, new = shown_text(committed), shown_text(fresh)
    if len(old) != len(new):
        return [f"{len(old)} code cells committed, {len(new)} executed"]
    changed = [(i, a, b) for i, (a, b) in enumerate(zip(old, new), 1) if a != b]
    return [f"code cell {i}: committed {a!r}, now {b!r}" for i, a, b in changed]


def skipped_postgres(notebook: Any) -> str | None:
    """The message of a notebook that found no PostgreSQL server and skipped its cells, if it did."""
    for text in (t for cell in shown_text(notebook) for t in cell):
        if "skipping the rest of this notebook" in text:
            return text.strip()
    return None


def write_html(notebook: Any, path: Path) -> Path:
    """An HTML rendering of ``notebook`` (nbconvert's lab template), written to ``path``.

    Widget state is left out, so that widgets show their static fallback (the relation graph's
    SVG) and the page needs no network to load a widget manager.
    """
    from nbconvert import HTMLExporter

    static = nbformat.from_dict(json.loads(json.dumps(notebook)))
    static.metadata.pop("widgets", None)
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(static)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


def build(path: Path, *, write: bool, check: bool, html_dir: Path | None) -> bool:
    print(f"executing {path.name} ...", flush=True)
    fresh = execute(path)
    ok = True
    for problem in problems(fresh):
        print(f"  warning: {problem}")
    skipped = skipped_postgres(fresh)
    if skipped:
        print(f"  {skipped}\n  (outputs not written: they would lose the PostgreSQL results)")
        write = False
    if check and not skipped:
        diff = differences(nbformat.read(path, as_version=4), fresh)
        for line in diff[:10]:
            print(f"  differs: {line[:300]}")
        ok = not diff
    if write:
        nbformat.write(fresh, path)
        print(f"  wrote {path.relative_to(HERE.parent)}")
    if html_dir is not None:
        print(f"  wrote {write_html(fresh, html_dir / (path.stem + '.html'))}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="notebooks to run (a prefix of the file name: 01, 04_q...)")
    parser.add_argument("--check", action="store_true", help="compare with the committed outputs")
    parser.add_argument("--no-write", action="store_true", help="leave the notebooks as they are")
    parser.add_argument("--html", type=Path, metavar="DIR", help="also write each as HTML into DIR")
    args = parser.parse_args(argv)
    if not args.no_write and not args.check:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            print("matplotlib is not installed: notebook 05 would be written without its plots.\n"
                  "Install the dev extra (pip install -e '.[dev,notebook]') or pass --no-write.",
                  file=sys.stderr)
            return 2
    ok = True
    for path in notebooks(args.names):
        ok &= build(path, write=not (args.no_write or args.check), check=args.check,
                    html_dir=args.html.resolve() if args.html else None)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
