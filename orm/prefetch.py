"""Prefetching relations for a list of instances: one query per relation level.

``prefetch(objects, ["participants", "events__tournament", Prefetch(...)])``
loads each named relation for all ``objects`` at once and recurses into
deeper levels with the union of what it loaded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from orm.exceptions import FieldError, ParamsError
from orm.expressions import Expression, Resolved
from orm.query_utils import Prefetch
from orm.sql import nodes

if TYPE_CHECKING:
    from orm.backends.base.client import QueryRunner
    from orm.models import Model
    from orm.queryset import QuerySet
    from orm.sql.resolve import Resolver

_OWNER_KEY = "_prefetch_owner"


class _Level:
    """One relation to load, its custom queryset/attribute, and the levels below it."""

    def __init__(self) -> None:
        self.queryset: QuerySet[Any] | None = None
        self.to_attr: str | None = None
        self.children: dict[str, _Level] = {}


def _tree(lookups: Iterable[str | Prefetch]) -> dict[str, _Level]:
    root: dict[str, _Level] = {}
    for lookup in lookups:
        prefetch = lookup if isinstance(lookup, Prefetch) else None
        path = prefetch.relation if prefetch else lookup
        if not isinstance(path, str):
            raise ParamsError(f"prefetch_related() takes relation names or Prefetch, not {lookup!r}")
        level_map = root
        parts = path.split("__")
        for index, part in enumerate(parts):
            level = level_map.setdefault(part, _Level())
            if prefetch is not None and index == len(parts) - 1:
                level.queryset, level.to_attr = prefetch.queryset, prefetch.to_attr
            level_map = level.children
    return root


def check_paths(model: type[Model], lookups: Iterable[str | Prefetch]) -> None:
    """FieldError now, before any query runs, for a path that does not follow relations of ``model``."""
    _check_levels(model, _tree(lookups))


def _check_levels(model: type[Model], levels: dict[str, _Level]) -> None:
    for name, level in levels.items():
        field = model._meta.fields_map.get(name)
        if getattr(field, "relation_kind", None) is None:
            raise FieldError(f"prefetch_related: {model.__name__}.{name} is not a relation")
        related = getattr(field, "related_model", None)
        if level.children and isinstance(related, type):
            _check_levels(related, level.children)


async def prefetch(
    objects: Sequence[Model], lookups: Iterable[str | Prefetch], db: QueryRunner | None = None
) -> None:
    """Load the given relations of ``objects`` (all of one model) in place."""
    if objects:
        await _load_levels(list(objects), _tree(lookups), db)


async def _load_levels(objects: list[Model], levels: dict[str, _Level], db: QueryRunner | None) -> None:
    model = type(objects[0])
    for name, level in levels.items():
        field = model._meta.fields_map.get(name)
        kind = getattr(field, "relation_kind", None)
        if kind is None:
            raise FieldError(f"prefetch_related: {model.__name__}.{name} is not a relation")
        related = await _LOADERS[kind](objects, field, level, db)
        if level.children and related:
            await _load_levels(related, level.children, db)


def _base_queryset(field: Any, level: _Level, db: QueryRunner | None) -> QuerySet[Any]:
    qs = level.queryset if level.queryset is not None else field.related_model._meta.manager.get_queryset()
    if qs.model is not field.related_model:
        raise ParamsError(
            f"Prefetch({field.model_field_name!r}) needs a queryset of {field.related_model.__name__}, "
            f"not of {qs.model.__name__}"
        )
    return qs.using_db(db) if db is not None and qs._db is None else qs


async def _load_forward(
    objects: list[Model], field: Any, level: _Level, db: QueryRunner | None
) -> list[Model]:
    keys = {obj.__dict__.get(field.id_attr) for obj in objects} - {None}
    found = (
        await _base_queryset(field, level, db).filter(**{f"{field.to_field}__in": list(keys)}) if keys else []
    )
    by_key = {getattr(obj, field.to_field): obj for obj in found}
    for obj in objects:
        value = by_key.get(obj.__dict__.get(field.id_attr))
        obj.__dict__[field.cache_key] = value
        if level.to_attr:
            setattr(obj, level.to_attr, value)
    return list(by_key.values())


async def _load_reverse(
    objects: list[Model], field: Any, level: _Level, db: QueryRunner | None
) -> list[Model]:
    keys = list({getattr(obj, field.to_field) for obj in objects} - {None})
    found = (
        await _base_queryset(field, level, db).filter(**{f"{field.relation_field}__in": keys}) if keys else []
    )
    groups: dict[Any, list[Model]] = defaultdict(list)
    for related in found:
        groups[related.__dict__.get(field.relation_field)].append(related)
    for obj in objects:
        members = groups.get(getattr(obj, field.to_field), [])
        _store(obj, field, level, members)
    return list(found)


async def _load_m2m(objects: list[Model], field: Any, level: _Level, db: QueryRunner | None) -> list[Model]:
    keys = list({obj.pk for obj in objects} - {None})
    if not keys:
        return []
    qs = _base_queryset(field, level, db).annotate(**{_OWNER_KEY: _ThroughOwner(field)})
    found = await qs.filter(**{f"{_OWNER_KEY}__in": keys})
    groups: dict[Any, list[Model]] = defaultdict(list)
    for related in found:
        groups[related.__dict__.pop(_OWNER_KEY)].append(related)
    for obj in objects:
        _store(obj, field, level, groups.get(obj.pk, []))
    return list(found)


def _store(obj: Model, field: Any, level: _Level, members: list[Model]) -> None:
    if field.relation_kind == "backward_o2o":
        obj.__dict__[field.cache_key] = members[0] if members else None
        if level.to_attr:
            setattr(obj, level.to_attr, members[0] if members else None)
        return
    if level.to_attr:
        setattr(obj, level.to_attr, members)
        return
    getattr(obj, field.model_field_name)._set_result_for_query(members)


class _ThroughOwner(Expression):
    """The link table's key of the owning side, joined onto the related rows."""

    def __init__(self, field: Any) -> None:
        self.field = field

    def resolve(self, resolver: Resolver) -> Resolved:
        field = self.field
        rmeta = field.related_model._meta
        alias = resolver.join(
            field.through, f"{field.through}__prefetch", resolver.alias, rmeta.db_pk_column, field.forward_key
        )
        owner_pk = field.model._meta.pk
        return Resolved(nodes.Column(alias, field.backward_key, owner_pk), owner_pk)


_LOADERS = {
    "fk": _load_forward,
    "o2o": _load_forward,
    "backward_fk": _load_reverse,
    "backward_o2o": _load_reverse,
    "m2m": _load_m2m,
}
