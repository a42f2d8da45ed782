"""Access to ``notebooks/build.py`` (the tutorials' builder) for the tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"


def _load_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tutorials_build", NOTEBOOKS / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


build = _load_build()


def code_outputs(notebook: object, kind: str) -> list[str]:
    """Every output of ``kind`` (a stream name or a mime type) of the notebook's code cells, in order."""
    found = []
    for cell in notebook.cells:  # type: ignore[attr-defined]
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == kind:
                found.append(output["text"])
            elif kind in output.get("data", {}):
                found.append(output["data"][kind])
    return found
