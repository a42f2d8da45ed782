"""Values that compare equal by a condition, for asserting on results (``tortoise.contrib.test.condition``).

    assert await Event.all().values("id", "name") == [{"id": NotEQ(0), "name": In("a", "b")}]
"""

from __future__ import annotations

from typing import Any


class Condition:
    """Base: holds the value the condition compares with."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return str(self)


class NotEQ(Condition):
    """Equal to anything but ``value``."""

    def __eq__(self, other: object) -> bool:
        return bool(self.value != other)

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return f"<!={self.value}>"


class In(Condition):
    """Equal to any of the given values."""

    def __init__(self, *values: Any) -> None:
        super().__init__(values)

    def __eq__(self, other: object) -> bool:
        return other in self.value

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return f"<in {self.value}>"


class NotIn(Condition):
    """Equal to anything but the given values."""

    def __init__(self, *values: Any) -> None:
        super().__init__(values)

    def __eq__(self, other: object) -> bool:
        return other not in self.value

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return f"<not in {self.value}>"


__all__ = ["Condition", "In", "NotEQ", "NotIn"]
