"""JSONField lookups, on every backend (Tortoise has them on PostgreSQL and MySQL only).

- ``data__contains={"tags": ["a"]}``: the document contains this JSON;
- ``data__contained_by={...}``: the document is contained in this JSON;
- ``data__filter={"owner__name": "Ann", "owner__age__gte": 18, "tags__0": "x"}``:
  conditions on values inside the document (``key__subkey[__lookup]``; numbers
  select array elements). Values compare as numbers, text or booleans by their
  Python type; ``None`` matches a missing key or a JSON null.

Keys travel as a bound path parameter, never as SQL text.
"""

from __future__ import annotations

import decimal
from typing import TYPE_CHECKING, Any

from orm.exceptions import FieldError
from orm.fields.base import Field
from orm.fields.data import BooleanField, DecimalField, JSONField, TextField
from orm.lookups import Lookup
from orm.sql import nodes

if TYPE_CHECKING:
    from orm.backends.base.dialect import Dialect
    from orm.sql.writer import Node, SQLWriter


class JSONNumber(DecimalField):
    """Types a number read out of a JSON document (compared exactly, as a decimal)."""

    def __init__(self) -> None:
        super().__init__(max_digits=1, decimal_places=0)
        self.max_digits = 0  # no column behind it: the dialect binds it as a plain number

    def to_db_value(self, value: Any, instance: Any = None) -> Any:
        return decimal.Decimal(str(value))


_OUTPUT: dict[str, Field] = {"number": JSONNumber(), "text": TextField(), "bool": BooleanField()}
_FILTER_LOOKUPS = frozenset(
    {"exact", "not", "in", "not_in", "gt", "gte", "lt", "lte", "range", "isnull", "not_isnull",
     "contains", "icontains", "startswith", "istartswith", "endswith", "iendswith", "iexact"}
)


def _kind(value: Any) -> str:
    sample = value
    if isinstance(value, (list, tuple, set, frozenset)):
        sample = next(iter(value), None)
    if isinstance(sample, bool):
        return "bool"
    if isinstance(sample, (int, float, decimal.Decimal)):
        return "number"
    return "text"


class JSONContains(Lookup):
    lookup_name = "contains"

    def __sql__(self, w: SQLWriter) -> None:
        document = nodes.Param(self.field.to_db_value(self.rhs))
        w.sql(w.dialect.json_contains(self.lhs, document, contained_by=False))


class JSONContainedBy(Lookup):
    lookup_name = "contained_by"

    def __sql__(self, w: SQLWriter) -> None:
        document = nodes.Param(self.field.to_db_value(self.rhs))
        w.sql(w.dialect.json_contains(self.lhs, document, contained_by=True))


class JSONFilter(Lookup):
    lookup_name = "filter"

    def __sql__(self, w: SQLWriter) -> None:
        if not isinstance(self.rhs, dict) or not self.rhs:
            raise FieldError(f"{self.field.model_field_name}__filter takes a dict such as {{'key__sub': value}}")
        w.sql(nodes.Where("AND", [self.condition(w.dialect, key, value) for key, value in self.rhs.items()]))

    def condition(self, dialect: Dialect, key: str, value: Any) -> Node:
        parts = key.split("__")
        lookup = "exact"
        if len(parts) > 1 and parts[-1] in _FILTER_LOOKUPS:
            lookup = parts.pop()
        if not all(parts):
            raise FieldError(f"{self.field.model_field_name}__filter: bad key path {key!r}")
        kind = "raw" if lookup in ("isnull", "not_isnull") or value is None else _kind(value)
        extracted = dialect.json_value(self.lhs, nodes.Param(dialect.json_path(parts)), kind)
        output = _OUTPUT.get(kind, _OUTPUT["text"])
        return output.get_lookup(lookup)(extracted, output, value, None)


for _lookup in (JSONContains, JSONContainedBy, JSONFilter):
    JSONField.register_lookup(_lookup)


# -- containment, as PostgreSQL defines it (used by SQLite, which has no such operator) -------------
def contains(document: Any, wanted: Any) -> bool:
    """Whether JSON ``document`` contains ``wanted`` (objects: every key; arrays: every element)."""
    if isinstance(wanted, dict):
        return isinstance(document, dict) and all(
            key in document and contains(document[key], value) for key, value in wanted.items()
        )
    if isinstance(wanted, list):
        return isinstance(document, list) and all(any(contains(item, w) for item in document) for w in wanted)
    if isinstance(document, list) and not isinstance(wanted, (dict, list)):
        return any(_same(item, wanted) for item in document)  # an array contains a bare scalar
    return _same(document, wanted)


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b if isinstance(a, bool) or isinstance(b, bool) else a == b
