"""The one object that owns a statement's text, its parameters and their style.

Nodes write into a ``SQLWriter``; values never enter the text, only
placeholders do. Values that come from a query's *slots* (the filter values,
limit and offset of a cacheable query) are recorded in ``plan`` so that the
next query of the same shape can reuse the text and only rebuild parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from orm.backends.base.dialect import Dialect

ToParams = Callable[[Any], list[Any]]


class Node(Protocol):
    """Anything that can write itself as SQL."""

    def __sql__(self, w: SQLWriter) -> None: ...


class SQLWriter:
    """Accumulates SQL text and bound parameters for one statement."""

    __slots__ = ("_placeholder", "cacheable", "dialect", "params", "parts", "plan")

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.parts: list[str] = []
        self.params: list[Any] = []
        self.plan: list[tuple[int, ToParams]] = []
        self.cacheable = True
        self._placeholder = dialect.placeholder

    def write(self, text: str) -> SQLWriter:
        """Append literal SQL text (never a user value)."""
        self.parts.append(text)
        return self

    def ident(self, name: str) -> SQLWriter:
        """Append a quoted identifier."""
        self.parts.append(self.dialect.quote(name))
        return self

    def column(self, table: str | None, name: str) -> SQLWriter:
        """Append ``"table"."column"`` (or just the column when table is None)."""
        quote = self.dialect.quote
        self.parts.append(f"{quote(table)}.{quote(name)}" if table else quote(name))
        return self

    def param(self, value: Any) -> SQLWriter:
        """Append a placeholder bound to ``value``."""
        self.params.append(value)
        self.parts.append(self._placeholder(len(self.params)))
        return self

    def value(self, value: Any) -> SQLWriter:
        """Append a one-off value; a statement holding one is not reused from cache."""
        self.cacheable = False
        return self.param(value)

    def slot(self, index: int, to_params: ToParams, raw: Any) -> list[Any]:
        """Parameters for the query slot ``index``; the caller writes them with ``param``."""
        self.plan.append((index, to_params))
        return to_params(raw)

    def sql(self, node: Node) -> SQLWriter:
        """Write a node."""
        node.__sql__(self)
        return self

    def join(self, nodes: Iterable[Node], sep: str = ", ") -> SQLWriter:
        """Write nodes separated by ``sep``."""
        first = True
        for node in nodes:
            if not first:
                self.parts.append(sep)
            first = False
            node.__sql__(self)
        return self

    def params_joined(self, values: Iterable[Any], sep: str = ", ") -> SQLWriter:
        """Write one placeholder per value, separated by ``sep``."""
        first = True
        for value in values:
            if not first:
                self.parts.append(sep)
            first = False
            self.param(value)
        return self

    def text(self) -> str:
        return "".join(self.parts)

    def result(self) -> tuple[str, list[Any]]:
        """The statement text and its parameters."""
        return "".join(self.parts), self.params


def replay(plan: list[tuple[int, ToParams]], raw: list[Any]) -> list[Any]:
    """Rebuild a cached statement's parameters from a new query's slot values."""
    params: list[Any] = []
    for index, to_params in plan:
        params.extend(to_params(raw[index]))
    return params
