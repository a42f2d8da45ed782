"""Queries to ``(sql, params)``: SELECT, COUNT, EXISTS, UPDATE and DELETE.

The compiler arranges nodes and asks the dialect for what differs; it never
names a database. A query whose shape is cacheable is compiled once per
dialect: later queries of that shape only rebuild their parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from orm.exceptions import FieldError, ParamsError
from orm.expressions import Expression, Resolved
from orm.sql import nodes
from orm.sql.resolve import Resolver
from orm.sql.writer import Node, SQLWriter, replay

if TYPE_CHECKING:
    from orm.backends.base.dialect import Dialect
    from orm.fields.base import Field
    from orm.models import Model
    from orm.sql.query import Query


def _one(value: Any) -> list[Any]:
    return [value]


# -- row layouts: what each column of a result row is -------------------------------
@dataclass(frozen=True, slots=True)
class RelatedLayout:
    """Columns of a model fetched with select_related, hung on ``path``."""

    path: tuple[str, ...]
    model: type[Model]
    fields: tuple[Field, ...]


class Extra(NamedTuple):
    """A column after the model's: an annotation or a values() column."""

    name: str
    field: Field | None
    #: Computed by an expression: the driver's type may differ from the field's.
    computed: bool


@dataclass(frozen=True, slots=True)
class RowLayout:
    """How to read a SELECT's rows: model columns first, then related models, then extras."""

    model: type[Model]
    fields: tuple[Field, ...] = ()
    related: tuple[RelatedLayout, ...] = ()
    #: Annotations (or values() columns) as (name, field typing the value or None).
    extras: tuple[Extra, ...] = ()
    partial: bool = False


@dataclass(frozen=True, slots=True)
class Compiled:
    sql: str
    plan: list[tuple[int, Callable[[Any], list[Any]]]]
    layout: RowLayout | None


def _cached(
    kind: str, query: Query, dialect: Dialect, build: Callable[[SQLWriter], RowLayout | None]
) -> tuple[str, list[Any], RowLayout | None]:
    """Compile with ``build`` unless a statement of the same shape is cached."""
    shape = query.shape()
    raw = query.slot_values()
    key = (kind, shape) if shape is not None else None
    if key is not None:
        hit = dialect.cache.get(key)
        if hit is not None:
            return hit.sql, replay(hit.plan, raw), hit.layout
    w = SQLWriter(dialect)
    layout = build(w)
    sql, params = w.result()
    if key is not None and w.cacheable:
        dialect.cache.put(key, Compiled(sql, w.plan, layout))
    return sql, params, layout


class SelectCompiler:
    """Builds the nodes of one SELECT, then writes them in clause order."""

    def __init__(self, query: Query, dialect: Dialect, resolver: Resolver | None = None) -> None:
        self.query = query
        self.dialect = dialect
        self.resolver = resolver or Resolver(query.model, dialect)
        self.where: list[Node] = []
        self.having: list[Node] = []
        self.raw = query.slot_values()
        #: An aggregate annotation reads related rows (a JOIN made while resolving annotations).
        self.aggregates_join = False

    # -- building --------------------------------------------------------------
    def resolve_annotations(self) -> None:
        for name, expression in self.query.annotations:
            if name in self.query.model._meta.fields_map:
                raise FieldError(f"annotation {name!r} clashes with a field of {self.query.model.__name__}")
            self.resolver.annotations[name] = expression.resolve(self.resolver)
        annotated = self.resolver.annotations.values()
        self.aggregates_join = bool(self.resolver.joins) and any(r.aggregate for r in annotated)

    def resolve_filters(self) -> None:
        for q in self.query.filters:
            node = self.resolver.condition(q, slotted=True)
            if self.resolver.refers_to_aggregate(q):
                self.having.append(node)
            else:
                self.where.append(node)

    def select_items(self) -> tuple[list[Node], RowLayout]:
        query, meta = self.query, self.query.model._meta
        if query.values is not None:
            return self.values_items()
        fields = _selected_fields(query)
        items: list[Node] = [nodes.Column(self.resolver.alias, f.column) for f in fields]
        related = []
        for path in _with_prefixes(query.select_related):
            rel_layout, rel_items = self.related_items(path)
            related.append(rel_layout)
            items.extend(rel_items)
        extras = []
        for name, resolved in self.resolver.annotations.items():
            items.append(nodes.Aliased(resolved, name))
            extras.append(Extra(name, resolved.field, not isinstance(resolved.node, nodes.Column)))
        layout = RowLayout(meta.model, tuple(fields), tuple(related), tuple(extras), query.only is not None)
        return items, layout

    def related_items(self, path: str) -> tuple[RelatedLayout, list[Node]]:
        model, alias, walked = self.query.model, self.resolver.alias, ""
        for name in path.split("__"):
            field = model._meta.field(name)
            if getattr(field, "relation_kind", None) not in ("fk", "o2o", "backward_o2o"):
                raise FieldError(
                    f"select_related({path!r}): {model.__name__}.{name} is not a "
                    "foreign key or one-to-one relation"
                )
            walked = f"{walked}__{name}" if walked else name
            alias = field.join(self.resolver, alias, walked)  # type: ignore[attr-defined]
            model = field.related_model  # type: ignore[attr-defined]
        fields = tuple(model._meta.db_fields)
        items: list[Node] = [nodes.Column(alias, f.column) for f in fields]
        return RelatedLayout(tuple(path.split("__")), model, fields), items

    def values_items(self) -> tuple[list[Node], RowLayout]:
        items: list[Node] = []
        extras = []
        for name, source in self.query.values or ():
            resolved = self.resolver.column(source)
            items.append(nodes.Aliased(resolved, name))
            extras.append(Extra(name, resolved.field, not isinstance(resolved.node, nodes.Column)))
        return items, RowLayout(self.query.model, extras=tuple(extras))

    def ordering(self) -> list[Node]:
        query = self.query
        terms = query.order_by if query.order_by is not None else query.model._meta.ordering
        result: list[Node] = []
        for term in terms:
            if isinstance(term, Expression):
                result.append(term.resolve(self.resolver))
                continue
            if not isinstance(term, str) or not term.strip("-"):
                raise FieldError(f"order_by() takes field names, not {term!r}")
            descending = term.startswith("-")
            resolved = self.resolver.column(term.lstrip("-"))
            result.append(nodes.Ordering(resolved, descending))
        return result

    def grouping(self, items: list[Node], order: Sequence[Node] = ()) -> list[Node]:
        if self.query.group_by:
            return [self.resolver.column(name) for name in self.query.group_by]
        if not any(r.aggregate for r in self.resolver.annotations.values()):
            return []
        plain = [item for item in items if not _is_aggregate(item)]
        group = [item.node if isinstance(item, nodes.Aliased) else item for item in plain]
        # what the rows are ordered by must be grouped too (PostgreSQL insists; as Django does)
        for term in order:
            node = term.node if isinstance(term, nodes.Ordering) else term
            node = node.node if isinstance(node, Resolved) and isinstance(node.node, nodes.Column) else node
            if not _is_aggregate(node) and node not in group:
                group.append(node)
        if self.query.values is not None and self.aggregates_join:
            # an aggregate over related rows gives one row per object, as it does for instances
            # (as Tortoise, which groups by the model's columns); group_by() chooses other groups
            group.insert(0, nodes.Column(self.resolver.alias, self.query.model._meta.db_pk_column))
        return group

    # -- writing ----------------------------------------------------------------
    def write(self, w: SQLWriter) -> RowLayout:
        """Write the whole SELECT and return its row layout."""
        self.resolve_annotations()
        self.resolve_filters()
        items, layout = self.select_items()
        order = self.ordering()
        group = self.grouping(items, order)
        distinct = self.query.distinct
        if distinct and not group:
            group, order = self.distinct_ordering(items, order)
            distinct = not group  # GROUP BY the selected columns now keeps the rows distinct
        self.write_select(w, items, distinct)
        self.write_tail(w, group, order)
        return layout

    def distinct_ordering(self, items: list[Node], order: list[Node]) -> tuple[list[Node], list[Node]]:
        """DISTINCT ordered by something not selected (a related row's column, say): each row is
        ordered by the least (ascending) or greatest (descending) such value of its group, so rows
        stay distinct and the order is the same on every database (PostgreSQL refuses the plain form)."""
        selected = [item.node if isinstance(item, nodes.Aliased) else item for item in items]
        ordered: list[Node] = []
        for term in order:
            node = term.node if isinstance(term, nodes.Ordering) else term
            bare = node.node if isinstance(node, Resolved) else node
            if bare in selected or node in selected or not isinstance(term, nodes.Ordering):
                ordered.append(term)
            else:
                extreme = "MAX" if term.descending else "MIN"
                ordered.append(nodes.Ordering(nodes.Func(extreme, [node]), term.descending))
        if ordered == order:
            return [], order
        return selected, ordered

    def write_select(self, w: SQLWriter, items: list[Node], distinct: bool | None = None) -> None:
        distinct = self.query.distinct if distinct is None else distinct
        w.write("SELECT DISTINCT " if distinct else "SELECT ")
        w.join(items)
        self.write_from_where(w)

    def write_from_where(self, w: SQLWriter) -> None:
        meta = self.query.model._meta
        w.write(" FROM ").ident(meta.db_table)
        if self.resolver.alias != meta.db_table:
            w.write(" ").ident(self.resolver.alias)
        w.write(self.dialect.index_hints(self.query.force_index, self.query.use_index))
        for join in self.resolver.join_nodes():
            w.sql(join)
        if self.where:
            w.write(" WHERE ").join(self.where, " AND ")

    def write_tail(self, w: SQLWriter, group: list[Node], order: list[Node]) -> None:
        query = self.query
        if group:
            w.write(" GROUP BY ").join(group)
        if self.having:
            w.write(" HAVING ").join(self.having, " AND ")
        if order:
            w.write(" ORDER BY ").join(order)
        self.write_limit(w)
        if query.for_update is not None:
            fu = query.for_update
            w.write(self.dialect.for_update_sql(fu.nowait, fu.skip_locked, fu.of))

    def write_limit(self, w: SQLWriter) -> None:
        limit_slot = len(self.raw) - 2
        query = self.query

        def slot_writer(index: int, value: int | None) -> Callable[[], None] | None:
            if value is None:
                return None
            return lambda: w.param(w.slot(index, _one, value)[0])

        self.dialect.write_limit_offset(
            w, slot_writer(limit_slot, query.limit), slot_writer(limit_slot + 1, query.offset)
        )


def _with_prefixes(paths: Sequence[str]) -> list[str]:
    """Each path after the paths it goes through: ``"a__b"`` loads ``a`` too (as Tortoise does)."""
    ordered: dict[str, None] = {}
    for path in paths:
        parts = path.split("__")
        for end in range(1, len(parts) + 1):
            ordered.setdefault("__".join(parts[:end]))
    return list(ordered)


def _is_aggregate(item: Node) -> bool:
    node = item.node if isinstance(item, nodes.Aliased) else item
    return isinstance(node, Resolved) and node.aggregate


def _selected_fields(query: Query) -> list[Field]:
    meta = query.model._meta
    if query.only is None:
        return list(meta.db_fields)
    wanted = []
    for name in query.only:
        field = meta.field(name)
        if not field.has_db_field:
            field = meta.fields_map.get(f"{field.model_field_name}_id") or field
            if not field.has_db_field:
                raise FieldError(f"only(): {meta.model.__name__}.{name} has no column")
        wanted.append(field)
    if meta.pk not in wanted:
        wanted.insert(0, meta.pk)
    return wanted


@dataclass(frozen=True, slots=True)
class SubSelect:
    """A SELECT inside another statement, in parentheses (compiled afresh each time it is written)."""

    query: Query
    dialect: Dialect
    parenthesized: ClassVar[bool] = True

    def __sql__(self, w: SQLWriter) -> None:
        w.write("(")
        SelectCompiler(self.query, self.dialect).write(w)
        w.write(")")


def subquery(query: Query, resolver: Resolver) -> Resolved:
    """``query`` as a value inside a query resolved by ``resolver``."""
    if query.values is None:
        pk = query.model._meta.pk_attr
        query = query.replace(values=((pk, pk),))
    if len(query.values or ()) != 1:
        raise FieldError("a subquery used as a value must select exactly one field")
    source = (query.values or ())[0][1]
    field = Resolver(query.model, resolver.dialect).column(source).field
    return Resolved(SubSelect(query, resolver.dialect), field)


# -- entry points --------------------------------------------------------------------
def compile_select(query: Query, dialect: Dialect) -> tuple[str, list[Any], RowLayout]:
    """SQL, parameters and row layout of the SELECT ``query`` describes."""
    if query.model._meta.abstract:
        raise ParamsError(f"{query.model.__name__} is abstract and has no table to query")
    sql, params, layout = _cached("select", query, dialect, lambda w: SelectCompiler(query, dialect).write(w))
    return sql, params, layout  # type: ignore[return-value]


def compile_count(query: Query, dialect: Dialect) -> tuple[str, list[Any]]:
    """``SELECT COUNT(*)`` over the rows ``query`` selects (respecting limit/offset/distinct)."""

    def build(w: SQLWriter) -> None:
        compiler = SelectCompiler(query.replace(order_by=()), dialect)
        wrapped = (
            query.distinct
            or query.limit is not None
            or query.offset is not None
            or query.group_by
            or query.annotations
        )
        if not wrapped:
            compiler.resolve_filters()
            w.write("SELECT COUNT(*)")
            compiler.write_from_where(w)
            return
        w.write("SELECT COUNT(*) FROM (")
        if query.values is None and not query.distinct:
            compiler.query = compiler.query.replace(only=(query.model._meta.pk_attr,))
        compiler.write(w)
        w.write(") ").ident("counted")

    sql, params, _ = _cached("count", query, dialect, build)
    return sql, params


def compile_exists(query: Query, dialect: Dialect) -> tuple[str, list[Any]]:
    """``SELECT 1 ... LIMIT 1`` for the rows ``query`` selects."""

    def build(w: SQLWriter) -> None:
        compiler = SelectCompiler(query.replace(order_by=(), limit=1), dialect)
        compiler.resolve_annotations()
        compiler.resolve_filters()
        w.write("SELECT 1")
        items, _ = compiler.select_items()  # not written: they decide the groups HAVING needs
        compiler.write_from_where(w)
        compiler.write_tail(w, compiler.grouping(items), [])

    sql, params, _ = _cached("exists", query.replace(limit=1), dialect, build)
    return sql, params


def _target_condition(query: Query, dialect: Dialect) -> tuple[Resolver, Node | None]:
    """WHERE of an UPDATE/DELETE: plain conditions, or ``pk IN (subquery)`` when joins are needed."""
    meta = query.model._meta
    resolver = Resolver(query.model, dialect)
    needs_subquery = query.limit is not None or query.offset is not None or bool(query.order_by)
    conditions = [resolver.condition(q) for q in query.filters]
    if not resolver.joins and not needs_subquery:
        return resolver, nodes.Where("AND", conditions) if conditions else None
    inner = SelectCompiler(query.replace(only=(meta.pk_attr,), select_related=()), dialect)
    pk_column = nodes.Column(meta.db_table, meta.db_pk_column)
    return Resolver(query.model, dialect), _InSubquery(pk_column, inner)


@dataclass(frozen=True, slots=True)
class _InSubquery:
    column: nodes.Column
    compiler: SelectCompiler

    def __sql__(self, w: SQLWriter) -> None:
        w.sql(self.column).write(" IN (")
        if w.dialect.wrap_target_subquery:
            w.write("SELECT * FROM (")
        self.compiler.write(w)
        if w.dialect.wrap_target_subquery:
            w.write(") ").ident("target")
        w.write(")")


def compile_update(query: Query, values: dict[str, Any], dialect: Dialect) -> tuple[str, list[Any]]:
    """``UPDATE ... SET`` the given values on the rows ``query`` selects."""
    meta = query.model._meta
    if not values:
        raise ParamsError("update() needs at least one field=value")
    resolver, where = _target_condition(query, dialect)
    w = SQLWriter(dialect)
    w.write("UPDATE ").ident(meta.db_table).write(" SET ")
    first = True
    for name, value in values.items():
        field, value = _update_target(meta, name, value)
        if not first:
            w.write(", ")
        first = False
        w.ident(field.column).write("=")
        if isinstance(value, Expression):
            w.sql(value.resolve(resolver))
        else:
            w.value(field.db_converter(dialect)(value))
    if where is not None:
        w.write(" WHERE ").sql(where)
    return w.result()


def _update_target(meta: Any, name: str, value: Any) -> tuple[Field, Any]:
    field = meta.field(name)
    kind = getattr(field, "relation_kind", None)
    if kind in ("fk", "o2o"):
        relation, field = field, meta.fields_map[field.source_field]
        if getattr(value, "_meta", None) is not None and not isinstance(value, type):
            if not isinstance(value, relation.related_model):
                raise field.invalid(value, f"is not a {relation.related_model.__name__} instance")
            value = getattr(value, relation.to_field)
    elif kind is not None:
        raise FieldError(f"update(): {meta.model.__name__}.{name} is a relation set, not a column")
    if field.pk:
        raise FieldError(f"update(): the primary key {meta.model.__name__}.{name} cannot be updated")
    if field.generated:
        raise FieldError(f"update(): {meta.model.__name__}.{name} is generated by the database")
    if not isinstance(value, Expression):
        field.validate(value)
    return field, value


def compile_delete(query: Query, dialect: Dialect) -> tuple[str, list[Any]]:
    """``DELETE`` the rows ``query`` selects."""
    meta = query.model._meta
    _, where = _target_condition(query, dialect)
    w = SQLWriter(dialect)
    w.write("DELETE FROM ").ident(meta.db_table)
    if where is not None:
        w.write(" WHERE ").sql(where)
    return w.result()
