#!/usr/bin/env python3
"""The project's two commands; each sets up ``.venv`` first if needed.

python3 dev.py main    # the main job: the getting-started notebook, executed on SQLite, as HTML
python3 dev.py test    # lint and the whole test suite (pytest arguments may follow)
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
EXTRAS = {"main": "notebook,accel", "test": "dev,notebook,browser,postgres,psycopg,mysql,accel"}
CHROMIUM = Path(os.environ.get("ORM_TEST_CHROMIUM", "/usr/bin/chromium"))


def _announced(args: tuple[str | Path, ...]) -> list[str]:
    command = [str(a) for a in args]
    print("+", " ".join(command), flush=True)
    return command


def run(*args: str | Path) -> None:
    # stdin closed: nothing here may wait for a terminal that CI does not have
    subprocess.run(_announced(args), cwd=ROOT, check=True, stdin=subprocess.DEVNULL)


def run_relayed(*args: str | Path) -> None:
    """``run``, with the command's output copied through this process until the command exits.

    A process the command started and left behind (a kernel's child, a server) inherits its
    output; were that our own stdout, whoever reads our output would wait for it forever.
    """
    command = _announced(args)
    process = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    relay = threading.Thread(target=_copy_output, args=(process.stdout.fileno(),), daemon=True)
    relay.start()
    try:
        code = process.wait()
    except KeyboardInterrupt:
        process.wait()
        raise
    relay.join(timeout=5)  # what it wrote before exiting is already in the pipe
    sys.stdout.flush()
    if code:
        raise subprocess.CalledProcessError(code, command)


def _copy_output(fd: int) -> None:
    out = sys.stdout.buffer
    while chunk := os.read(fd, 65536):
        out.write(chunk)
        out.flush()


def ensure_venv(extras: str) -> None:
    """Create .venv and install the project with ``extras`` unless already done."""
    if not PYTHON.exists():
        run(sys.executable, "-m", "venv", VENV)
    stamp = VENV / ".shellback-installed"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    done = stamp.read_text().split() if stamp.exists() else []
    if digest in done:
        return
    run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", f".[{extras}]")
    stamp.write_text("\n".join([*done, digest]))


def ensure_chromium() -> None:
    """The browser tests drive Debian's chromium: install it when missing and we are root with apt-get."""
    if CHROMIUM.exists():
        return
    if os.name == "nt" or os.geteuid() != 0 or not shutil.which("apt-get"):
        print(f"note: no {CHROMIUM}; the browser tests are skipped (CI=true: they fail)", flush=True)
        return
    os.environ.setdefault("DEBIAN_FRONTEND", "noninteractive")
    run("apt-get", "update", "-q")
    run("apt-get", "install", "-y", "-q", "chromium", "fonts-dejavu-core")


def main_job() -> None:
    """Execute the getting-started notebook on SQLite in a real kernel and write it as HTML."""
    ensure_venv(EXTRAS["main"])
    out = ROOT / "build" / "notebooks"
    run(PYTHON, ROOT / "notebooks" / "build.py", "01", "--no-write", "--html", out)
    print(f"getting started: ok; open {out / '01_getting_started.html'} in a browser", flush=True)


def test(pytest_args: list[str]) -> None:
    ensure_venv(EXTRAS["test"])
    ensure_chromium()
    folders = ("orm", "notebook_ext", "tests", "benchmarks", "examples", "notebooks", "dev.py")
    linted = [p for p in folders if (ROOT / p).exists()]
    run(PYTHON, "-m", "ruff", "check", *linted)
    run_relayed(PYTHON, "-m", "pytest", *pytest_args)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    try:
        if command == "main":
            main_job()
        elif command == "test":
            test(sys.argv[2:])
        else:
            sys.exit(__doc__)
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)
