"""Shared by the field tests (test_fields.py, test_fields_meta.py, test_fields_time.py)."""

from __future__ import annotations

from typing import Any

from tests.models import AllFields


def same(got: Any, expected: Any) -> None:
    """Equal value AND identical type (an int is not a bool, a datetime not a date)."""
    assert got == expected, f"{got!r} != {expected!r}"
    assert type(got) is type(expected), f"{type(got).__name__} != {type(expected).__name__} for {got!r}"


async def round_trip(**values: Any) -> AllFields:
    """Create a row with ``values`` and fetch it back as a new instance."""
    created = await AllFields.create(**values)
    return await AllFields.get(id=created.id)
