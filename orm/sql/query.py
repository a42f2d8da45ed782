"""A query as plain, immutable state: what a QuerySet describes, nothing more."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from orm.expressions import Expression, Q
    from orm.models import Model


@dataclass(frozen=True, slots=True)
class ForUpdate:
    """SELECT ... FOR UPDATE options."""

    nowait: bool = False
    skip_locked: bool = False
    of: tuple[str, ...] = ()


@dataclass(eq=False)
class Query:
    """Everything that decides a SELECT (and the UPDATE/DELETE built from one).

    Never changed once made: ``replace`` gives a changed copy.
    """

    model: type[Model]
    filters: tuple[Q, ...] = ()
    #: None means the model's ``Meta.ordering``.
    order_by: tuple[str | Expression, ...] | None = None
    limit: int | None = None
    offset: int | None = None
    distinct: bool = False
    #: Field names to load into instances (``only()``); None loads them all.
    only: tuple[str, ...] | None = None
    annotations: tuple[tuple[str, Expression], ...] = ()
    group_by: tuple[str, ...] = ()
    select_related: tuple[str, ...] = ()
    prefetch: tuple[Any, ...] = ()
    for_update: ForUpdate | None = None
    #: ``values()``/``values_list()`` columns as (output name, field path or annotation).
    values: tuple[tuple[str, str], ...] | None = None
    force_index: tuple[str, ...] = ()
    use_index: tuple[str, ...] = ()

    def replace(self, **changes: Any) -> Query:
        """A copy with ``changes`` applied (querysets derive their queries this way)."""
        copy = object.__new__(Query)
        copy.__dict__ = {**self.__dict__, **changes}
        return copy

    def slot_values(self) -> list[Any]:
        """The values bound from this query: filter values in order, then limit and offset."""
        raw: list[Any] = []
        for q in self.filters:
            raw.extend(value for _, value in q.leaves())
        raw.append(self.limit)
        raw.append(self.offset)
        return raw

    def shape(self) -> tuple[Any, ...] | None:
        """Everything but the bound values; None when the query cannot be cached."""
        if self.annotations:
            return None
        where = []
        for q in self.filters:
            q_shape = q.shape()
            if q_shape is None:
                return None
            where.append(q_shape)
        order = self.order_by
        if order is not None and not all(isinstance(term, str) for term in order):
            return None
        return (
            self.model,
            tuple(where),
            order,
            self.limit is not None,
            self.offset is not None,
            self.distinct,
            self.only,
            self.group_by,
            self.select_related,
            self.for_update,
            self.values,
            self.force_index,
            self.use_index,
        )
