"""``Prefetch`` (and ``Q``, re-exported for old imports)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from orm.exceptions import ParamsError
from orm.expressions import Q

if TYPE_CHECKING:
    from orm.queryset import QuerySet


class Prefetch:
    """Prefetch ``relation`` with a custom ``queryset``, optionally into ``to_attr``.

    ``prefetch_related(Prefetch("events", queryset=Event.filter(name="x"), to_attr="x_events"))``
    """

    def __init__(
        self, relation: str, queryset: QuerySet[Any] | None = None, to_attr: str | None = None
    ) -> None:
        if not isinstance(relation, str) or not relation:
            raise ParamsError(f"Prefetch needs a relation name, not {relation!r}")
        self.relation = relation
        self.queryset = queryset
        self.to_attr = to_attr

    def __repr__(self) -> str:
        return f"Prefetch({self.relation!r}, to_attr={self.to_attr!r})"


__all__ = ["Prefetch", "Q"]
