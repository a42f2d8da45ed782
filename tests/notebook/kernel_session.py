"""A real ipykernel driven cell by cell through nbclient, for notebook tests."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]


def _joined(value: Any) -> str:
    return value if isinstance(value, str) else "".join(value or [])


@dataclass
class Cell:
    """What one executed cell showed."""

    source: str
    outputs: list[dict[str, Any]]
    #: the execute reply's payloads (``%magic?`` help goes there, to the front end's pager)
    payload: list[dict[str, Any]] = field(default_factory=list)

    @property
    def result(self) -> dict[str, Any]:
        shown = [o for o in self.outputs if o.get("output_type") in ("execute_result", "display_data")]
        return shown[-1] if shown else {}

    @property
    def html(self) -> str:
        return _joined(self.result.get("data", {}).get("text/html"))

    @property
    def text(self) -> str:
        """The value's text/plain."""
        return _joined(self.result.get("data", {}).get("text/plain"))

    @property
    def stdout(self) -> str:
        return "".join(_joined(o.get("text")) for o in self.outputs if o.get("name") == "stdout")

    @property
    def stderr(self) -> str:
        return "".join(_joined(o.get("text")) for o in self.outputs if o.get("name") == "stderr")

    @property
    def error(self) -> tuple[str, str] | None:
        for output in self.outputs:
            if output.get("output_type") == "error":
                return output.get("ename", ""), output.get("evalue", "")
        return None

    @property
    def pager(self) -> str:
        """Text sent to the pager (what ``%orm_init?`` shows)."""
        return "".join(_joined(p.get("data", {}).get("text/plain")) for p in self.payload if p.get("source") == "page")

    def everything(self) -> str:
        """All text the cell showed, every mime type and traceback line included (to look for leaks)."""
        parts = [self.pager]
        for output in self.outputs:
            parts.append(_joined(output.get("text")))
            parts.append(output.get("evalue", ""))
            parts.extend(output.get("traceback", []))
            parts.extend(_joined(v) for v in output.get("data", {}).values() if isinstance(v, (str, list)))
        return "\n".join(parts)


class Kernel:
    """One kernel; ``run`` executes a cell and returns what it showed."""

    def __init__(self, client: NotebookClient, notebook: Any) -> None:
        self.client = client
        self.notebook = notebook
        self.replies: dict[int, dict[str, Any]] = {}
        client.on_cell_executed = self._record

    def _record(self, cell: Any, cell_index: int, execute_reply: dict[str, Any]) -> None:
        self.replies[cell_index] = execute_reply

    def run(self, source: str, interrupt_after: float | None = None) -> Cell:
        cell = nbformat.v4.new_code_cell(source)
        self.notebook.cells.append(cell)
        timer = None
        if interrupt_after is not None:
            pid = self.client.km.provisioner.process.pid
            timer = threading.Timer(interrupt_after, os.kill, (pid, signal.SIGINT))
            timer.start()
        index = len(self.notebook.cells) - 1
        try:
            self.client.execute_cell(cell, index)
        finally:
            if timer is not None:
                timer.cancel()
        reply = self.replies.pop(index, None) or {}
        return Cell(source, cell.get("outputs", []), reply.get("content", {}).get("payload", []))


@contextmanager
def kernel(timeout: int = 60) -> Iterator[Kernel]:
    """A fresh kernel running in the repository root (so ``tests.*`` imports work)."""
    notebook = nbformat.v4.new_notebook()
    client = NotebookClient(
        notebook, timeout=timeout, kernel_name="python3", allow_errors=True,
        resources={"metadata": {"path": str(ROOT)}},
    )
    with client.setup_kernel():
        yield Kernel(client, notebook)
