"""binder/: the environment Binder builds runs the getting-started notebook.

The environment is built the way repo2docker's Python build does it: a fresh Python, the
packages of ``binder/requirements.txt``, then ``binder/postBuild`` run from the repository's root
(which installs Shellback from this working tree). repo2docker's base environment brings JupyterLab
and with it nbclient; here nbclient is installed alongside to run the notebook.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.notebooks.tutorials import NOTEBOOKS, ROOT

BINDER = ROOT / "binder"
RUN_NOTEBOOK = """
import sys
import nbformat
from nbclient import NotebookClient

path = sys.argv[1]
notebook = nbformat.read(path, as_version=4)
NotebookClient(notebook, timeout=300, kernel_name="python3",
               resources={"metadata": {"path": sys.argv[2]}}).execute()
outputs = [o for cell in notebook.cells for o in cell.get("outputs", [])]
print("".join(o["text"] for o in outputs if o.get("name") == "stdout"))
"""


def _run(args: list[str | Path], env: dict[str, str], cwd: Path = ROOT, timeout: int = 900) -> str:
    command = [str(a) for a in args]
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def test_binder_files_follow_repo2docker_conventions() -> None:
    post_build = (BINDER / "postBuild").read_text()
    assert post_build.startswith("#!/bin/bash\n") and "set -e" in post_build
    assert os.access(BINDER / "postBuild", os.X_OK), "repo2docker runs postBuild only when it is executable"
    assert ".[notebook]" in post_build
    requirements = (BINDER / "requirements.txt").read_text()
    assert "matplotlib" in requirements, "notebook 5 should plot on Binder"
    assert (BINDER / "runtime.txt").read_text().strip().startswith("python-3.")


@pytest.mark.slow
def test_binder_environment_runs_the_getting_started_notebook(tmp_path) -> None:
    venv = tmp_path / "venv"
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    _run([sys.executable, "-m", "venv", venv], dict(os.environ))
    env = {**os.environ, "VIRTUAL_ENV": str(venv), "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    env.pop("PYTHONPATH", None)
    env.pop("PYTHONHOME", None)
    python = bin_dir / "python"
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _run([*pip, "-r", BINDER / "requirements.txt", "nbclient"], env)
    _run(["bash", BINDER / "postBuild"], env)

    imports = "import orm, notebook_ext, matplotlib; print(orm.__file__)"
    where = _run([python, "-c", imports], env, cwd=tmp_path)
    assert Path(where.strip()).is_relative_to(venv), f"orm should be installed in the venv, not {where}"

    printed = _run([python, "-c", RUN_NOTEBOOK, NOTEBOOKS / "01_getting_started.ipynb", NOTEBOOKS], env)
    assert "ORM ready on default: sqlite://:memory:" in printed
    assert "Team 1 plays in ['New Tournament']" in printed
