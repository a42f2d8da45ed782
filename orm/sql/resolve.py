"""Names to nodes: ``"events__tournament__name__icontains"`` becomes joins plus a lookup.

A ``Resolver`` serves one SELECT: it owns the FROM table's alias and the joins
that relation paths add, and validates every name against the models, so an
identifier that reaches SQL always comes from model metadata.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from orm.exceptions import FieldError, nearest, unknown_field
from orm.expressions import Expression, Q, Resolved
from orm.lookups import UNTYPED, transforms_of
from orm.sql import nodes

if TYPE_CHECKING:
    from orm.backends.base.dialect import Dialect
    from orm.fields.base import Field
    from orm.models import Model
    from orm.sql.writer import Node, SQLWriter


@dataclass(frozen=True, slots=True)
class Join:
    """``LEFT JOIN table AS alias ON alias.right = left_alias.left``."""

    table: str
    alias: str
    left_alias: str
    left_column: str
    right_column: str

    def __sql__(self, w: SQLWriter) -> None:
        w.write(" LEFT OUTER JOIN ").ident(self.table)
        if self.alias != self.table:
            w.write(" ").ident(self.alias)
        w.write(" ON ").column(self.alias, self.right_column).write("=")
        w.column(self.left_alias, self.left_column)


class Resolver:
    """Resolves field paths, conditions and expressions for one query's FROM clause."""

    def __init__(self, model: type[Model], dialect: Dialect, alias: str | None = None) -> None:
        self.model = model
        self.dialect = dialect
        self.alias = alias or model._meta.db_table
        self.joins: dict[str, Join] = {}
        self.annotations: dict[str, Resolved] = {}
        self.multi_valued_join = False
        self._next_slot = 0

    # -- joins ---------------------------------------------------------------
    def join(self, table: str, alias: str, left_alias: str, left: str, right: str) -> str:
        """Add a LEFT JOIN once per alias and return the alias."""
        if alias == self.alias:
            alias = f"{alias}__"
        if alias not in self.joins:
            self.joins[alias] = Join(table, alias, left_alias, left, right)
        return alias

    def join_nodes(self) -> Iterable[Join]:
        return self.joins.values()

    # -- paths ---------------------------------------------------------------
    def walk(self, key: str) -> tuple[Resolved, list[str]]:
        """Follow ``key`` through relations; return the column reached and the unused parts."""
        parts = key.split("__")
        model, alias, path = self.model, self.alias, ""
        for index, name in enumerate(parts):
            if index == 0 and name in self.annotations:
                return self.annotations[name], parts[1:]
            meta = model._meta
            field = meta.fields_map.get(meta.pk_attr if name == "pk" else name)
            if field is None:
                choices = [*meta.fields_map, "pk", *(self.annotations if index == 0 else ())]
                raise unknown_field(model, name, choices)
            rest = parts[index + 1 :]
            if not getattr(field, "relation_kind", None):
                return Resolved(nodes.Column(alias, field.column, field), field), rest
            path = f"{path}__{name}" if path else name
            related = field.related_model._meta  # type: ignore[attr-defined]
            following = rest[0] if rest else None
            if following is None or (following != "pk" and following not in related.fields_map):
                value = field.value_column(self, alias, path)  # type: ignore[attr-defined]
                if following is not None and value.field is not None and not _takes(value.field, following):
                    choices = [*related.fields_map, "pk", *value.field.lookups()]
                    raise unknown_field(
                        field.related_model,  # type: ignore[attr-defined]
                        following,
                        choices,
                        what="field or lookup",
                    )
                return value, rest
            if (
                following in ("pk", related.pk_attr)
                and len(rest) <= 2
                and field.relation_kind in ("fk", "o2o")
            ):
                ends_here = len(rest) == 1 or not _is_field(related, rest[1])
                if ends_here:  # fk__id: the id column is on this table, no join needed
                    return field.value_column(self, alias, path), rest[1:]  # type: ignore[attr-defined]
            if field.many:  # type: ignore[attr-defined]
                self.multi_valued_join = True
            alias = field.join(self, alias, path)  # type: ignore[attr-defined]
            model = field.related_model  # type: ignore[attr-defined]
        raise FieldError(f"{key!r} names a relation, not a value")  # pragma: no cover

    def column(self, key: str) -> Resolved:
        """A column or annotation named by ``key``, with no lookup after it."""
        resolved, rest = self.walk(key)
        if rest:
            model = self.model.__name__
            raise FieldError(f"{model}: {key!r} is not a field path ({rest[0]!r} is not a field)")
        return resolved

    def reference(self, name: str) -> Resolved:
        """What ``F(name)`` refers to."""
        return self.column(name)

    # -- conditions --------------------------------------------------------------
    def condition(self, q: Q, slotted: bool = False, negated: bool = False) -> Node:
        """The WHERE node for ``q``; ``slotted`` binds values through query slots."""
        children: list[Node] = []
        inner_negated = negated != q.negated
        for child in q.children:
            if isinstance(child, Q):
                children.append(self.condition(child, slotted, inner_negated))
            else:
                key, value = child
                slot = self._take_slot() if slotted else None
                children.append(self.lookup(key, value, slot))
        return nodes.Where(q.join_type, children, q.negated)

    def refers_to_aggregate(self, q: Q) -> bool:
        """Whether ``q`` tests an aggregate annotation (so it belongs in HAVING)."""
        aggregates = {name for name, resolved in self.annotations.items() if resolved.aggregate}
        return bool(aggregates) and any(key.split("__", 1)[0] in aggregates for key, _ in q.leaves())

    def _take_slot(self) -> int:
        slot = self._next_slot
        self._next_slot += 1
        return slot

    def lookup(self, key: str, value: Any, slot: int | None = None) -> Node:
        """One ``key=value`` filter as a lookup node."""
        resolved, rest = self.walk(key)
        node, field = resolved.node, resolved.field
        if field is None:
            field = UNTYPED
        # NULL on the column side: a nullable column, or any column of a LEFT JOINed table
        joined = isinstance(node, nodes.Column) and node.table != self.alias
        nullable = field.null or joined
        transforms = transforms_of(field)
        while rest and rest[0] in transforms:
            transform = transforms[rest.pop(0)]
            node, field = transform.apply(node, self.dialect), transform.output_field
            transforms = transforms_of(field)
        if rest and (len(rest) > 1 or rest[0] not in field.lookups()):
            raise self._lookup_error(key, field, rest, transforms)
        lookup = field.get_lookup(rest[0] if rest else "exact")
        return lookup(node, field, self.value(value), slot, nullable)

    def _lookup_error(
        self, key: str, field: Field, rest: list[str], transforms: dict[str, Any]
    ) -> FieldError:
        """A FieldError for the part of ``key`` that is neither a transform nor a usable lookup."""
        parts = key.split("__")
        target = f"{self.model.__name__}.{'__'.join(parts[: len(parts) - len(rest)])} ({type(field).__name__})"
        name, lookups = rest[0], field.lookups()
        if name in lookups:
            return FieldError(f"{target}: the lookup {name!r} must come last, but {key!r} continues after it")
        return FieldError(
            f"{target} does not support the lookup {name!r}; {nearest(name, [*lookups, *transforms])}"
        )

    def value(self, value: Any) -> Any:
        """A filter's value: raw values stay raw, expressions and querysets become nodes."""
        if isinstance(value, Expression):
            return value.resolve(self)
        as_subquery = getattr(value, "as_subquery", None)
        if as_subquery is not None:
            return as_subquery(self)
        return value

    def expression(self, value: Any) -> Resolved:
        """Resolve an expression or wrap a plain value as a parameter."""
        if isinstance(value, Expression):
            return value.resolve(self)
        as_subquery = getattr(value, "as_subquery", None)
        if as_subquery is not None:
            return as_subquery(self)
        return Resolved(nodes.Param(value))


def _takes(field: Field, name: str) -> bool:
    """Whether ``name`` is a lookup or transform ``field`` accepts."""
    return name in field.lookups() or name in transforms_of(field)


def _is_field(meta_owner: Any, name: str) -> bool:
    return name == "pk" or name in meta_owner.fields_map
