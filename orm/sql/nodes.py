"""Resolved SQL nodes: each writes itself into a ``SQLWriter`` in a few lines.

User-facing expressions (``F``, ``Q``, functions...) resolve into these nodes
once the model and the joins are known; the compiler only arranges nodes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from orm.sql.writer import Node, SQLWriter

if TYPE_CHECKING:
    from orm.fields.base import Field


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a table (by alias) in the FROM clause."""

    table: str | None
    name: str
    field: Field | None = dataclasses.field(default=None, compare=False)

    def __sql__(self, w: SQLWriter) -> None:
        w.column(self.table, self.name)


@dataclass(frozen=True, slots=True)
class Raw:
    """Literal SQL text with no parameters."""

    text: str

    def __sql__(self, w: SQLWriter) -> None:
        w.write(self.text)


@dataclass(frozen=True, slots=True)
class Param:
    """A bound value standing on its own in an expression (typed where the database cannot infer it)."""

    value: Any

    def __sql__(self, w: SQLWriter) -> None:
        cast = w.dialect.param_cast(self.value)
        value = w.dialect.expression_param(self.value)
        if cast is None:
            w.value(value)
        else:
            w.write("CAST(").value(value).write(f" AS {cast})")


@dataclass(frozen=True, slots=True)
class Func:
    """``name(arg, ...)``; ``distinct`` puts DISTINCT before the arguments."""

    name: str
    args: Sequence[Node]
    distinct: bool = False

    def __sql__(self, w: SQLWriter) -> None:
        w.write(self.name).write("(DISTINCT " if self.distinct else "(")
        w.join(self.args).write(")")


@dataclass(frozen=True, slots=True)
class Template:
    """SQL from a template whose ``{0}``, ``{1}``... are argument nodes, in order."""

    template: str
    args: Sequence[Node]

    def __sql__(self, w: SQLWriter) -> None:
        for literal, index in w.dialect.parse_template(self.template):
            w.write(literal)
            if index is not None:
                w.sql(self.args[index])


@dataclass(frozen=True, slots=True)
class Binary:
    """``(lhs op rhs)``."""

    lhs: Node
    op: str
    rhs: Node

    def __sql__(self, w: SQLWriter) -> None:
        w.write("(").sql(self.lhs).write(f" {self.op} ").sql(self.rhs).write(")")


@dataclass(frozen=True, slots=True)
class Where:
    """Conditions joined by AND/OR, optionally negated.

    A negation selects exactly the rows the condition does not: where the
    condition is unknown (a NULL column), the row is kept, so ``exclude(x)``
    and ``filter(x)`` always split the rows between them.
    """

    connector: str
    children: Sequence[Node]
    negated: bool = False

    def __sql__(self, w: SQLWriter) -> None:
        if not self.children:
            w.write("NOT (1=1)" if self.negated else "1=1")
            return
        if not self.negated:
            if len(self.children) == 1:
                w.sql(self.children[0])
            else:
                w.write("(").join(self.children, f" {self.connector} ").write(")")
            return
        for literal, index in w.dialect.parse_template(w.dialect.negation):
            w.write(literal)
            if index == 0:
                w.join(self.children, f" {self.connector} ")


@dataclass(frozen=True, slots=True)
class Aliased:
    """``node AS "alias"``."""

    node: Node
    alias: str

    def __sql__(self, w: SQLWriter) -> None:
        w.sql(self.node).write(" AS ").ident(self.alias)


@dataclass(frozen=True, slots=True)
class Ordering:
    """An ORDER BY term."""

    node: Node
    descending: bool = False

    def __sql__(self, w: SQLWriter) -> None:
        w.sql(self.node)
        w.write(" DESC" if self.descending else " ASC")


@dataclass(frozen=True, slots=True)
class Cast:
    """``CAST(node AS type)``."""

    node: Node
    type_name: str

    def __sql__(self, w: SQLWriter) -> None:
        w.write("CAST(").sql(self.node).write(f" AS {self.type_name})")


@dataclass(frozen=True, slots=True)
class Group:
    """Parenthesised node, e.g. a sub-select."""

    node: Node

    def __sql__(self, w: SQLWriter) -> None:
        w.write("(").sql(self.node).write(")")


STAR = Raw("*")
