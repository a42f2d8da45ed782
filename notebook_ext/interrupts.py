"""Kernel interrupts that stop a running query at once.

ipykernel turns SIGINT during an ``await`` cell into a cancellation, but the
cancellation waits until the awaited thing completes by itself, so a long
query cannot be interrupted. While a cell runs, this also cancels the cell's
task straight from the signal handler (waking the loop): the query is stopped
(SQLite statements are interrupted), the transaction rolls back, and the
connection is free for the next cell.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from typing import Any

_saved: list[Any] = []


def _arm(info: Any = None) -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    try:
        task = asyncio.current_task()
    except RuntimeError:
        task = None
    if task is None:
        return
    loop = task.get_loop()
    previous = signal.getsignal(signal.SIGINT)

    def on_sigint(signum: int, frame: Any) -> None:
        loop.call_soon_threadsafe(task.cancel)
        if callable(previous):
            previous(signum, frame)

    signal.signal(signal.SIGINT, on_sigint)
    _saved.append(previous)


def _disarm(result: Any = None) -> None:
    if _saved and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _saved.pop())


def register(ip: Any) -> None:
    ip.events.register("pre_run_cell", _arm)
    ip.events.register("post_run_cell", _disarm)


def unregister(ip: Any) -> None:
    for event, callback in (("pre_run_cell", _arm), ("post_run_cell", _disarm)):
        try:
            ip.events.unregister(event, callback)
        except ValueError:
            pass
