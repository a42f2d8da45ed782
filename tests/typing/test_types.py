"""The public API's types, as a type checker sees them: mypy runs over checked_models.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent


def test_public_api_types_hold() -> None:
    pytest.importorskip("mypy")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--python-version", "3.10", "--ignore-missing-imports",
         "--follow-imports=silent", "--no-incremental", "--show-error-codes", str(HERE / "checked_models.py")],
        capture_output=True, text=True, cwd=HERE.parents[1], timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
