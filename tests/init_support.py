"""Shared by tests/test_init.py and tests/test_init_connections.py."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from orm import Tortoise
from orm import timezone as orm_timezone
from orm.connection import connections

MODELS = {"models": ["tests.models"]}


@pytest.fixture
async def fresh() -> AsyncIterator[None]:
    """No ORM set up before the test, and none left behind after it."""
    await connections.close_all(discard=True)
    Tortoise._reset()
    yield
    await connections.close_all(discard=True)
    Tortoise._reset()
    orm_timezone.configure(True, "UTC")


def rows_in(path: Path, table: str) -> list[tuple[Any, ...]]:
    """Read a table straight from a SQLite file, bypassing the ORM."""
    with sqlite3.connect(path) as raw:
        return raw.execute(f"SELECT name FROM {table} ORDER BY name").fetchall()
