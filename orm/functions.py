"""SQL functions and aggregates for ``annotate``, ``values`` and ``filter``.

    await Tournament.annotate(n=Count("events")).filter(n__gt=1)
    await Event.annotate(upper=Upper("name")).values("upper")

A custom function is a subclass naming its SQL function (and, when the result
needs converting, the field that types it):

    class Reverse(Function):
        database_func = "REVERSE"
        output = TextField()

A dialect may rename a function (``Dialect.function_names``) or write it its
own way (``Dialect.function_sql``), so the same code runs everywhere.
"""

from __future__ import annotations

import decimal
from typing import TYPE_CHECKING, Any, ClassVar

from orm.exceptions import ParamsError
from orm.expressions import Expression, F, Q, Resolved, Value
from orm.fields.base import Field
from orm.fields.data import FloatField, IntField, TextField
from orm.sql import nodes

if TYPE_CHECKING:
    from orm.sql.resolve import Resolver
    from orm.sql.writer import Node


class AnyDecimal(Field[decimal.Decimal]):
    """Types a computed decimal (an average, say): exact, not rounded to a scale."""

    db_type = "decimal"
    field_type = decimal.Decimal

    def to_python_value(self, value: Any) -> Any:
        if value is None or isinstance(value, decimal.Decimal):
            return value
        return decimal.Decimal(repr(value) if isinstance(value, float) else str(value))


INTEGER = IntField()
FLOAT = FloatField()
TEXT = TextField()
DECIMAL = AnyDecimal()


class Function(Expression):
    """``database_func(field, *default_values)``: the first argument names a field (or is an
    expression), the others are values (or expressions)."""

    database_func: ClassVar[str] = ""
    #: The field typing the result; None keeps the first argument's field.
    output: ClassVar[Field | None] = None
    is_aggregate: ClassVar[bool] = False

    def __init__(self, field: str | Expression, *default_values: Any) -> None:
        if not isinstance(field, (str, Expression)):
            raise ParamsError(f"{type(self).__name__}() takes a field name or an expression, not {field!r}")
        self.field = field
        self.default_values = default_values

    def arguments(self, resolver: Resolver) -> list[Resolved]:
        first = F(self.field) if isinstance(self.field, str) else self.field
        rest = [v if isinstance(v, Expression) else Value(v) for v in self.default_values]
        return [arg.resolve(resolver) for arg in (first, *rest)]

    def output_field(self, args: list[Resolved]) -> Field | None:
        return self.output if self.output is not None else (args[0].field if args else None)

    def resolve(self, resolver: Resolver) -> Resolved:
        args = self.arguments(resolver)
        node = resolver.dialect.function_sql(self.database_func, args)
        aggregate = self.is_aggregate or any(a.aggregate for a in args)
        return Resolved(node, self.output_field(args), aggregate)

    def __repr__(self) -> str:
        args = ", ".join(repr(a) for a in (self.field, *self.default_values))
        return f"{type(self).__name__}({args})"


# -- scalar functions --------------------------------------------------------------------
class Trim(Function):
    """Text without leading and trailing spaces."""

    database_func = "TRIM"
    output = TEXT


class Length(Function):
    """Number of characters."""

    database_func = "LENGTH"
    output = INTEGER


class Lower(Function):
    """Text in lower case."""

    database_func = "LOWER"
    output = TEXT


class Upper(Function):
    """Text in upper case."""

    database_func = "UPPER"
    output = TEXT


class Coalesce(Function):
    """The first argument that is not NULL: ``Coalesce("nickname", "anonymous")``."""

    database_func = "COALESCE"


class Concat(Function):
    """Text joined end to end, NULLs skipped: ``Concat("name", " (", F("city"), ")")``."""

    database_func = "CONCAT"
    output = TEXT


# -- aggregates -------------------------------------------------------------------------------
class Aggregate(Function):
    """A function over the rows of a group; ``distinct=True`` and ``_filter=Q(...)`` are accepted."""

    is_aggregate = True

    def __init__(self, field: str | Expression, *default_values: Any, distinct: bool = False,
                 _filter: Q | None = None) -> None:
        super().__init__(field, *default_values)
        if _filter is not None and not isinstance(_filter, Q):
            raise ParamsError(f"_filter must be a Q object, not {_filter!r}")
        self.distinct = distinct
        self.filter = _filter

    def resolve(self, resolver: Resolver) -> Resolved:
        args = self.arguments(resolver)
        nodes_: list[Node] = list(args)
        if self.filter is not None:  # portable form of FILTER (WHERE ...)
            condition = resolver.condition(self.filter)
            nodes_[0] = nodes.Template("CASE WHEN {0} THEN {1} ELSE NULL END", [condition, args[0]])
        name = resolver.dialect.function_name(self.database_func)
        return Resolved(nodes.Func(name, nodes_, self.distinct), self.output_field(args), True)


class Count(Aggregate):
    """Number of non-NULL values (``Count("id")``, ``Count("events", distinct=True)``)."""

    database_func = "COUNT"
    output = INTEGER

    def __init__(self, field: str | Expression, *default_values: Any, distinct: bool = False,
                 _filter: Q | None = None) -> None:
        if field == "*" and distinct:
            raise ParamsError('Count("*") cannot be distinct: name a field, e.g. Count("id", distinct=True)')
        super().__init__(field, *default_values, distinct=distinct, _filter=_filter)

    def arguments(self, resolver: Resolver) -> list[Resolved]:
        if self.field == "*":
            # with a _filter the rows counted are CASE WHEN <filter> THEN 1 END: "*" cannot go there
            return [Resolved(nodes.STAR if self.filter is None else nodes.Raw("1"))]
        return super().arguments(resolver)


class Sum(Aggregate):
    """Total of the values."""

    database_func = "SUM"


class Avg(Aggregate):
    """Mean of the values (a Decimal for decimal columns, else a float)."""

    database_func = "AVG"

    def output_field(self, args: list[Resolved]) -> Field | None:
        field = args[0].field
        return DECIMAL if field is not None and field.db_type == "decimal" else FLOAT


class Max(Aggregate):
    """Largest value."""

    database_func = "MAX"


class Min(Aggregate):
    """Smallest value."""

    database_func = "MIN"


__all__ = [
    "Aggregate", "AnyDecimal", "Avg", "Coalesce", "Concat", "Count", "Function", "Length", "Lower",
    "Max", "Min", "Sum", "Trim", "Upper",
]
