"""Lookups (``name__icontains=...``) and transforms (``created__year=...``).

Each lookup is a small class registered on the field classes that accept it
and found through the MRO, so a custom field inherits its parent's lookups
and a project can register its own with ``SomeField.register_lookup``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from orm.exceptions import FieldError, ValidationError
from orm.fields import data
from orm.fields.base import Field
from orm.sql.writer import Node, SQLWriter, ToParams

if TYPE_CHECKING:
    from orm.backends.base.dialect import Dialect


def _unwrap(value: Any, field: Field) -> Any:
    """A model instance stands for its key: the one a foreign key's column holds (``to_field``),
    else its primary key. An instance of another model than the column refers to is an error."""
    meta = getattr(value, "_meta", None)
    if meta is None or isinstance(value, type):
        return value
    reference = field.reference
    expected = reference.related_model if reference is not None else field.model
    if expected is not None and not isinstance(value, expected):
        raise field.invalid(value, f"is not a {expected.__name__} instance")
    return getattr(value, reference.to_field) if reference is not None else value.pk


def is_node(value: Any) -> bool:
    return hasattr(value, "__sql__")


def _checked(to_params: ToParams, field: Field) -> ToParams:
    """``to_params`` raising a ValidationError that names model, field and value for a value of the
    wrong type (``int_field="abc"``), before any SQL is sent."""

    def checked(value: Any) -> list[Any]:
        try:
            return to_params(value)
        except ValidationError:
            raise
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise field.invalid(value, f"cannot be compared with {type(field).__name__} ({exc})") from None

    return checked


class Lookup:
    """``lhs <operator> value``; the dialect's ``operators[lookup_name]`` gives the SQL."""

    lookup_name: ClassVar[str] = ""
    #: Lookups that take no value from the user's side (isnull) set this False.
    takes_params: ClassVar[bool] = True

    __slots__ = ("field", "lhs", "nullable", "rhs", "slot")

    def __init__(
        self, lhs: Node, field: Field, rhs: Any, slot: int | None = None, nullable: bool | None = None
    ) -> None:
        self.lhs = lhs
        self.field = field
        self.rhs = rhs
        self.slot = slot
        #: The column side may be NULL (a nullable column, or one reached through a LEFT JOIN).
        self.nullable = field.null if nullable is None else nullable

    @classmethod
    def converter(cls, field: Field, dialect: Dialect) -> ToParams:
        """Raw user value -> bound parameters (the same for every query of a shape)."""
        convert = field.db_converter(dialect)
        return lambda value: [convert(_unwrap(value, field))]

    def params(self, w: SQLWriter) -> list[Any]:
        to_params = _checked(self.converter(self.field, w.dialect), self.field)
        if self.slot is None:
            w.cacheable = False
            return to_params(self.rhs)
        return w.slot(self.slot, to_params, self.rhs)

    def write_rhs(self, w: SQLWriter) -> None:
        if is_node(self.rhs):
            w.sql(self.rhs)
        else:
            w.params_joined(self.params(w))

    def __sql__(self, w: SQLWriter) -> None:
        template = w.dialect.operators.get(self.lookup_name)
        if template is None:
            raise FieldError(
                f"the {self.lookup_name} lookup of {self.field.model_field_name!r} is not available on "
                f"{w.dialect.name}: {w.dialect.missing_lookups.get(self.lookup_name, 'no SQL for it')}"
            )
        for literal, index in w.dialect.parse_template(template):
            w.write(literal)
            if index == 0:
                w.sql(self.lhs)
            elif index == 1:
                self.write_rhs(w)

    def write_or_null(self, w: SQLWriter, condition: Callable[[SQLWriter], Any]) -> None:
        """``(condition OR lhs IS NULL)``: a negation that keeps the rows where the column is NULL
        (``NULL <> 1`` and ``NULL NOT IN (1)`` are NULL in SQL, which would drop them)."""
        w.write("(")
        condition(w)
        w.write(" OR ").sql(self.lhs).write(" IS NULL)")


class Exact(Lookup):
    lookup_name = "exact"

    def __sql__(self, w: SQLWriter) -> None:
        if self.rhs is None:
            w.sql(self.lhs).write(" IS NULL")
        else:
            super().__sql__(w)


class Not(Lookup):
    lookup_name = "not"

    def __sql__(self, w: SQLWriter) -> None:
        if self.rhs is None:
            w.sql(self.lhs).write(" IS NOT NULL")
            return
        if self.nullable:
            self.write_or_null(w, super().__sql__)
        else:
            super().__sql__(w)


class GreaterThan(Lookup):
    lookup_name = "gt"


class GreaterThanOrEqual(Lookup):
    lookup_name = "gte"


class LessThan(Lookup):
    lookup_name = "lt"


class LessThanOrEqual(Lookup):
    lookup_name = "lte"


class In(Lookup):
    lookup_name = "in"
    empty_sql: ClassVar[str] = "0=1"

    @classmethod
    def converter(cls, field: Field, dialect: Dialect) -> ToParams:
        convert = field.db_converter(dialect)
        return lambda values: [convert(_unwrap(v, field)) for v in values]

    def __sql__(self, w: SQLWriter) -> None:
        if not is_node(self.rhs) and not self.rhs:
            w.write(self.empty_sql)
        elif getattr(getattr(self.rhs, "node", self.rhs), "parenthesized", False):  # a sub-select
            w.sql(self.lhs).write(" NOT IN " if self.lookup_name == "not_in" else " IN ").sql(self.rhs)
        else:
            super().__sql__(w)


class NotIn(In):
    lookup_name = "not_in"
    empty_sql = "1=1"

    def __sql__(self, w: SQLWriter) -> None:
        if self.nullable and (is_node(self.rhs) or self.rhs):
            self.write_or_null(w, super().__sql__)
        else:
            super().__sql__(w)


class Range(Lookup):
    lookup_name = "range"

    @classmethod
    def converter(cls, field: Field, dialect: Dialect) -> ToParams:
        convert = field.db_converter(dialect)

        def to_params(bounds: Any) -> list[Any]:
            low, high = bounds
            return [convert(_unwrap(low, field)), convert(_unwrap(high, field))]

        return to_params

    def __sql__(self, w: SQLWriter) -> None:
        low, high = self.params(w)
        w.sql(self.lhs).write(" BETWEEN ").param(low).write(" AND ").param(high)


class IsNull(Lookup):
    lookup_name = "isnull"
    takes_params = False

    def __sql__(self, w: SQLWriter) -> None:
        w.sql(self.lhs).write(" IS NULL" if self.rhs else " IS NOT NULL")


class NotIsNull(IsNull):
    lookup_name = "not_isnull"

    def __sql__(self, w: SQLWriter) -> None:
        w.sql(self.lhs).write(" IS NOT NULL" if self.rhs else " IS NULL")


class PatternLookup(Lookup):
    """Text matching: the dialect builds the pattern and the operator."""

    @classmethod
    def converter(cls, field: Field, dialect: Dialect) -> ToParams:
        name = cls.lookup_name
        convert = field.db_converter(dialect)

        def to_params(value: Any) -> list[Any]:
            text = convert(_unwrap(value, field))
            return [dialect.like_param(name, text if isinstance(text, str) else str(text))]

        return to_params

    def write_rhs(self, w: SQLWriter) -> None:
        if is_node(self.rhs):
            raise FieldError(f"the {self.lookup_name} lookup needs a value, not an expression")
        super().write_rhs(w)


class Contains(PatternLookup):
    lookup_name = "contains"


class IContains(PatternLookup):
    lookup_name = "icontains"


class StartsWith(PatternLookup):
    lookup_name = "startswith"


class IStartsWith(PatternLookup):
    lookup_name = "istartswith"


class EndsWith(PatternLookup):
    lookup_name = "endswith"


class IEndsWith(PatternLookup):
    lookup_name = "iendswith"


class IExact(PatternLookup):
    lookup_name = "iexact"


class StringQueryLookup(Lookup):
    """A lookup whose value is a query string sent as it is: a regular expression, search words."""

    @classmethod
    def converter(cls, field: Field, dialect: Dialect) -> ToParams:
        def to_params(query: Any) -> list[Any]:
            if not isinstance(query, str):
                raise field.invalid(query, f"is not a str, which {cls.lookup_name} needs")
            return [query]

        return to_params


class PosixRegex(StringQueryLookup):
    """A regular expression the column must match somewhere (the database's regex flavour)."""

    lookup_name = "posix_regex"


class IPosixRegex(StringQueryLookup):
    lookup_name = "iposix_regex"


class Search(StringQueryLookup):
    """Full-text search: PostgreSQL's ``to_tsvector @@ plainto_tsquery``, MySQL's ``MATCH ... AGAINST``
    (which needs a FULLTEXT index on the column)."""

    lookup_name = "search"


# -- transforms --------------------------------------------------------------
_INTEGER_OUTPUT = data.IntField()


class Transform:
    """Turns the column into another value (``created__year``) before a lookup."""

    transform_name: ClassVar[str] = ""
    #: The field whose lookups and conversion apply to the transformed value.
    output_field: ClassVar[Field] = _INTEGER_OUTPUT

    @classmethod
    def apply(cls, node: Node, dialect: Dialect) -> Node:
        return dialect.extract(cls.transform_name, node)


def _date_part(name: str) -> type[Transform]:
    return type(f"Extract{name.title()}", (Transform,), {"transform_name": name})


DATE_PARTS = {name: _date_part(name) for name in ("year", "quarter", "month", "week", "day")}
TIME_PARTS = {name: _date_part(name) for name in ("hour", "minute", "second", "microsecond")}


def transforms_of(field: Field) -> dict[str, type[Transform]]:
    """The transforms a field accepts, by name."""
    found: dict[str, type[Transform]] = {}
    for klass in reversed(type(field).__mro__):
        found.update(klass.__dict__.get("class_transforms", {}))
    return found


def register_transform(field_class: type[Field], transform: type[Transform]) -> None:
    """Let ``field_class`` (and subclasses) take ``field__<transform_name>``."""
    if "class_transforms" not in field_class.__dict__:
        field_class.class_transforms = {}  # type: ignore[attr-defined]
    field_class.class_transforms[transform.transform_name] = transform  # type: ignore[attr-defined]


# -- registration ----------------------------------------------------------------
EQUALITY = (Exact, Not, In, NotIn, IsNull, NotIsNull)
ORDERING = (GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual, Range)
TEXT = (Contains, IContains, StartsWith, IStartsWith, EndsWith, IEndsWith, IExact, PosixRegex, IPosixRegex, Search)

for _lookup in EQUALITY:
    Field.register_lookup(_lookup)
for _klass in (
    data.IntField,
    data.BigIntField,
    data.SmallIntField,
    data.FloatField,
    data.DecimalField,
    data.CharField,
    data.TextField,
    data.UUIDField,
    data.DatetimeField,
    data.DateField,
    data.TimeField,
    data.TimeDeltaField,
):
    for _lookup in ORDERING:
        _klass.register_lookup(_lookup)


class UntypedValue(Field):
    """Stands for a value of unknown type (a raw expression) in a lookup: no conversion."""

    db_type = "float"


UNTYPED = UntypedValue()
for _lookup in ORDERING:
    UntypedValue.register_lookup(_lookup)
for _klass in (data.CharField, data.TextField):
    for _lookup in TEXT:
        _klass.register_lookup(_lookup)
for _transform in DATE_PARTS.values():
    register_transform(data.DatetimeField, _transform)
    register_transform(data.DateField, _transform)
for _transform in TIME_PARTS.values():
    register_transform(data.DatetimeField, _transform)
    register_transform(data.TimeField, _transform)
