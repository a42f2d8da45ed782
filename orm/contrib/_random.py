"""A random number function taking no argument (the database-specific modules name it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from orm.expressions import Resolved
from orm.fields.data import FloatField
from orm.functions import Function

if TYPE_CHECKING:
    from orm.sql.resolve import Resolver


class RandomFunction(Function):
    """``database_func()``: a random number (for ``annotate(r=Random()).order_by("r")``)."""

    output = FloatField()

    def __init__(self, alias: Any = None) -> None:  # ``alias`` is accepted for Tortoise's signature
        self.field = ""
        self.default_values = ()

    def arguments(self, resolver: Resolver) -> list[Resolved]:
        return []

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
