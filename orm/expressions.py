"""Query expressions: ``Q`` conditions, ``F`` column references, arithmetic, raw SQL.

An expression knows nothing of SQL text; ``resolve(resolver)`` turns it into a
node once the model and joins are known (see ``orm.sql.resolve``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sized
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from orm.exceptions import OperationalError
from orm.sql import nodes

if TYPE_CHECKING:
    from orm.fields.base import Field
    from orm.sql.resolve import Resolver
    from orm.sql.writer import Node, SQLWriter


@dataclass(frozen=True, slots=True)
class Resolved:
    """A resolved expression: its node, the field that types its values, aggregate or not."""

    node: Node
    field: Field | None = None
    aggregate: bool = False

    def __sql__(self, w: SQLWriter) -> None:
        self.node.__sql__(w)


class Expression:
    """Base of everything usable in ``annotate``, ``filter`` values, ``update`` and ``order_by``."""

    def resolve(self, resolver: Resolver) -> Resolved:  # pragma: no cover - abstract
        raise NotImplementedError

    def _combine(self, other: Any, op: str, reverse: bool = False) -> CombinedExpression:
        other = other if isinstance(other, Expression) else Value(other)
        return CombinedExpression(other, op, self) if reverse else CombinedExpression(self, op, other)

    def __add__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "+")

    def __sub__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "-")

    def __mul__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "*")

    def __truediv__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "/")

    def __mod__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "%")

    def __pow__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "**")

    def __radd__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "+", reverse=True)

    def __rsub__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "-", reverse=True)

    def __rmul__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "*", reverse=True)

    def __rtruediv__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "/", reverse=True)

    def __neg__(self) -> CombinedExpression:
        return CombinedExpression(Value(0), "-", self)


class F(Expression):
    """A reference to a field of the model being queried: ``F("price") * 2``."""

    def __init__(self, name: str) -> None:
        self.name = name

    def resolve(self, resolver: Resolver) -> Resolved:
        return resolver.reference(self.name)

    def __repr__(self) -> str:
        return f"F({self.name!r})"


class Value(Expression):
    """A plain value used inside an expression; always a bound parameter."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def resolve(self, resolver: Resolver) -> Resolved:
        return Resolved(nodes.Param(self.value))

    def __repr__(self) -> str:
        return f"Value({self.value!r})"


#: Which operand's field types a mixed arithmetic result: the higher rank wins (else the left one).
_NUMERIC_RANK = {"float": 1, "decimal": 2}


def _rank(field: Field | None) -> int:
    return 0 if field is None else _NUMERIC_RANK.get(field.db_type, 0)


class CombinedExpression(Expression):
    """``lhs <op> rhs`` for + - * / % and ** (power)."""

    def __init__(self, lhs: Expression, op: str, rhs: Expression) -> None:
        self.lhs = lhs
        self.op = op
        self.rhs = rhs

    def resolve(self, resolver: Resolver) -> Resolved:
        lhs = self.lhs.resolve(resolver)
        rhs = self.rhs.resolve(resolver)
        field = lhs.field if lhs.field is not None else rhs.field
        if _rank(rhs.field) > _rank(field):
            field = rhs.field  # int * decimal is a decimal, int * float a float, on either side
        node = resolver.dialect.arithmetic(self.op, lhs, rhs, fractional=_rank(field) > 0)
        if self.op == "/" and field is not None and field.db_type in ("int", "bigint", "smallint"):
            field = None  # division of integers may give a fraction; keep the driver's value
        return Resolved(node, field, lhs.aggregate or rhs.aggregate)

    def __repr__(self) -> str:
        return f"({self.lhs!r} {self.op} {self.rhs!r})"


class RawSQL(Expression):
    """A fragment of SQL written by hand. It is inserted as is: never build it from user input."""

    def __init__(self, sql: str) -> None:
        self.sql = sql

    def resolve(self, resolver: Resolver) -> Resolved:
        return Resolved(nodes.Raw(self.sql))

    def __repr__(self) -> str:
        return f"RawSQL({self.sql!r})"


class When(Expression):
    """A branch of ``Case``: ``When(Q(...) or field=value, then=result)``."""

    def __init__(self, *args: Q, then: Any, negate: bool = False, **kwargs: Any) -> None:
        if not args and not kwargs:
            raise OperationalError("When() needs a condition")
        self.condition = Q(*args, **kwargs)
        if negate:
            self.condition = ~self.condition
        self.then = then

    def resolve(self, resolver: Resolver) -> Resolved:
        condition = resolver.condition(self.condition)
        then = resolver.expression(self.then)
        aggregate = then.aggregate or resolver.refers_to_aggregate(self.condition)
        return Resolved(nodes.Template("WHEN {0} THEN {1}", [condition, then]), then.field, aggregate)


class Case(Expression):
    """``CASE WHEN ... THEN ... ELSE default END``.

    ``Case(When(price__gt=10, then="dear"), default="cheap")``
    """

    def __init__(self, *whens: When, default: Any = None) -> None:
        if not whens or not all(isinstance(w, When) for w in whens):
            raise OperationalError("Case() takes one or more When() branches")
        self.whens = whens
        self.default = default

    def resolve(self, resolver: Resolver) -> Resolved:
        branches = [w.resolve(resolver) for w in self.whens]
        default = resolver.expression(self.default)
        parts = [*branches, default]
        marks = " ".join(f"{{{i}}}" for i in range(len(branches)))
        template = f"CASE {marks} ELSE {{{len(branches)}}} END"
        field = next((p.field for p in parts if p.field is not None), None)
        return Resolved(nodes.Template(template, parts), field, any(p.aggregate for p in parts))


class Subquery(Expression):
    """A query used as a value: ``filter(id__in=Subquery(Event.filter(...).values("id")))``."""

    def __init__(self, query: Any) -> None:
        if not hasattr(query, "as_subquery"):
            raise OperationalError(f"Subquery() takes a queryset or values() query, not {query!r}")
        self.query = query

    def resolve(self, resolver: Resolver) -> Resolved:
        return self.query.as_subquery(resolver)


class Q(Expression):
    """A condition: ``Q(name="x") | ~Q(id__in=[1, 2])``.

    Keyword arguments are joined with ``join_type`` (AND by default), as are
    positional ``Q`` objects.
    """

    AND = "AND"
    OR = "OR"

    __slots__ = ("children", "join_type", "negated")

    def __init__(self, *args: Q, join_type: str = AND, **kwargs: Any) -> None:
        join = join_type.upper()
        if join not in (self.AND, self.OR):
            raise OperationalError(f"join_type must be 'AND' or 'OR', not {join_type!r}")
        for arg in args:
            if not isinstance(arg, Q):
                raise OperationalError(f"Q() takes Q objects or keyword filters, not {arg!r}")
        # a one-shot iterator (a generator) becomes a list: the value is read more than once
        items = ((k, list(v) if isinstance(v, Iterator) else v) for k, v in kwargs.items())
        self.children: tuple[Q | tuple[str, Any], ...] = (*args, *items)
        self.join_type = join
        self.negated = False

    def __and__(self, other: Q) -> Q:
        if not isinstance(other, Q):
            raise OperationalError("a Q object can only be combined with another Q object")
        return Q(self, other, join_type=self.AND)

    def __or__(self, other: Q) -> Q:
        if not isinstance(other, Q):
            raise OperationalError("a Q object can only be combined with another Q object")
        return Q(self, other, join_type=self.OR)

    def __invert__(self) -> Q:
        q = Q(join_type=self.join_type)
        q.children = self.children
        q.negated = not self.negated
        return q

    def negate(self) -> None:
        """Negate this condition in place (Tortoise's API)."""
        self.negated = not self.negated

    def leaves(self) -> Iterator[tuple[str, Any]]:
        """Every ``(key, value)`` filter, in the order the compiler visits them."""
        for child in self.children:
            if isinstance(child, Q):
                yield from child.leaves()
            else:
                yield child

    def shape(self) -> tuple[Any, ...] | None:
        """What decides this condition's SQL text, or None if it holds expressions."""
        parts: list[Any] = [self.join_type, self.negated]
        for child in self.children:
            if isinstance(child, Q):
                sub = child.shape()
                if sub is None:
                    return None
                parts.append(sub)
            else:
                key, value = child
                # a NULL test's SQL depends on the value's truth, not on its type
                value_shape = bool(value) if key.endswith(_NULL_TESTS) else shape_of_value(value)
                if value_shape is _UNCACHEABLE:
                    return None
                parts.append((key, value_shape))
        return tuple(parts)

    def resolve(self, resolver: Resolver) -> Resolved:
        return Resolved(resolver.condition(self))

    def __repr__(self) -> str:
        inner = f" {self.join_type} ".join(
            repr(c) if isinstance(c, Q) else f"{c[0]}={c[1]!r}" for c in self.children
        )
        return f"{'NOT ' if self.negated else ''}Q({inner})"


_UNCACHEABLE = object()
_NULL_TESTS = ("__isnull", "__not_isnull")


def shape_of_value(value: Any) -> Any:
    """The part of a filter value that changes the SQL text (None-ness, list length...)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, dict):  # JSON lookups: the SQL depends on the keys and value types
        return _UNCACHEABLE
    if isinstance(value, (list, tuple, set, frozenset)):
        return len(value)
    if hasattr(value, "resolve") or hasattr(value, "__sql__") or hasattr(value, "as_subquery"):
        return _UNCACHEABLE
    if isinstance(value, (str, bytes, bytearray, memoryview)):
        return 0
    if isinstance(value, Sized) and isinstance(value, Iterable):  # range, dict views...
        return len(value)
    if isinstance(value, Iterable):
        return _UNCACHEABLE
    return 0


def __getattr__(name: str) -> Any:
    # Tortoise also offers Function and Aggregate here (they live in orm.functions, which imports this module)
    if name in ("Function", "Aggregate"):
        from orm import functions

        return getattr(functions, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
