"""What the relation graph shows, read from model metadata after ``Tortoise.init``.

One :class:`Node` per model (its table and column fields) and one :class:`Edge`
per forward relation (foreign key, one-to-one, many-to-many); reverse accessors
are not edges of their own, they are the ``related_name`` of the forward one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from orm.exceptions import ConfigurationError, nearest

if TYPE_CHECKING:
    from orm.fields.base import Field
    from orm.models import Model

#: How many rows on each side of a relation, read from the model declaring the field to its target.
CARDINALITY = {"fk": "N—1", "o2o": "1—1", "m2m": "N—N"}
_TYPE_OPTIONS = ("max_length", "max_digits", "decimal_places")


@dataclass(frozen=True)
class ColumnInfo:
    """One column field of a model, as a row of its node."""

    name: str
    type: str
    primary_key: bool = False
    null: bool = False
    #: The key of the node this column points to, for the ``<fk>_id`` column of a foreign key.
    references: str | None = None

    @property
    def marker(self) -> str:
        """``"PK"``, ``"FK"`` or ``""``."""
        return "PK" if self.primary_key else "FK" if self.references else ""

    @property
    def type_text(self) -> str:
        """The type with a ``?`` when the column is nullable."""
        return self.type + ("?" if self.null else "")


@dataclass(frozen=True)
class Node:
    """A model: ``key`` is ``"app.ModelName"``."""

    key: str
    name: str
    app: str
    table: str
    columns: tuple[ColumnInfo, ...]
    #: Rows in the table, when counted (see :func:`count_rows`).
    count: int | None = None
    model: Any = field(default=None, repr=False, compare=False)

    @property
    def subtitle(self) -> str:
        """The table name, and the row count when known."""
        if self.count is None:
            return self.table
        return f"{self.table} · {self.count:,} row{'' if self.count == 1 else 's'}"


@dataclass(frozen=True)
class Edge:
    """A relation declared by ``source.field`` and pointing to ``target``."""

    source: str
    target: str
    kind: str
    field: str
    related_name: str | None = None
    through: str | None = None
    null: bool = False

    @property
    def cardinality(self) -> str:
        """``"N—1"`` (foreign key), ``"1—1"`` or ``"N—N"``, from the source's side."""
        return CARDINALITY[self.kind]

    @property
    def is_loop(self) -> bool:
        return self.source == self.target

    @property
    def label_lines(self) -> list[str]:
        """The label drawn on the edge: field and cardinality, related name, through table."""
        lines = [f"{self.field} {self.cardinality}"]
        if self.related_name:
            lines.append(f"↩ {self.related_name}")
        if self.through:
            lines.append(f"via {self.through}")
        return lines

    @property
    def title(self) -> str:
        """A sentence saying what the relation means (the tooltip)."""
        source, target = self.source.split(".", 1)[1], self.target.split(".", 1)[1]
        many, one = {"fk": ("many", "one"), "o2o": ("one", "one"), "m2m": ("many", "many")}[self.kind]
        text = f"{source}.{self.field}: {many} {source} to {one} {target}"
        if self.related_name:
            text += f"; {target}.{self.related_name} goes back"
        if self.through:
            text += f"; through table {self.through}"
        return text


@dataclass(frozen=True)
class Schema:
    """The models and relations to draw, in a stable order."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def node(self, key: str) -> Node:
        for node in self.nodes:
            if node.key == key:
                return node
        raise KeyError(key)

    @property
    def apps(self) -> list[str]:
        return sorted({node.app for node in self.nodes})

    def neighbours(self, key: str) -> set[str]:
        """Keys of the models related to ``key`` either way (not ``key`` itself)."""
        linked = {e.target for e in self.edges if e.source == key} | {e.source for e in self.edges if e.target == key}
        return linked - {key}

    def only(self, keys: Iterable[str]) -> Schema:
        """The part of the schema among ``keys``: their nodes and the edges between them."""
        chosen = set(keys)
        nodes = tuple(n for n in self.nodes if n.key in chosen)
        edges = tuple(e for e in self.edges if e.source in chosen and e.target in chosen)
        return Schema(nodes, edges)

    def with_counts(self, counts: Mapping[str, int]) -> Schema:
        """The same schema with row counts on the nodes named in ``counts``."""
        nodes = tuple(replace(n, count=counts[n.key]) if n.key in counts else n for n in self.nodes)
        return Schema(nodes, self.edges)


# -- reading model metadata -------------------------------------------------------------------------
def key_of(model: type[Model]) -> str:
    return f"{model._meta.app or 'models'}.{model.__name__}"


def type_name(field: Field) -> str:
    """``"Int"``, ``"Char(255)"``, ``"Decimal(10,2)"``: the field class without ``Field``, and its size."""
    name = type(field).__name__
    name = name[: -len("Field")] if name.endswith("Field") and name != "Field" else name
    sizes = [str(getattr(field, option)) for option in _TYPE_OPTIONS if getattr(field, option, None) is not None]
    return f"{name}({','.join(sizes)})" if sizes else name


def columns_of(model: type[Model]) -> tuple[ColumnInfo, ...]:
    """The column fields of ``model``, primary key first."""
    columns = []
    for f in model._meta.db_fields:
        reference = getattr(f, "reference", None)
        target = key_of(reference.related_model) if reference is not None else None
        columns.append(ColumnInfo(f.model_field_name, type_name(f), bool(f.pk), bool(f.null), target))
    return tuple(sorted(columns, key=lambda c: not c.primary_key))


def edges_of(model: type[Model]) -> list[Edge]:
    """The forward relations ``model`` declares (backward accessors and reversed M2Ms are skipped)."""
    edges = []
    for name, f in model._meta.fields_map.items():
        kind = getattr(f, "relation_kind", "")
        if kind not in CARDINALITY or getattr(f, "is_backward", False):
            continue
        related = f.related_name if isinstance(f.related_name, str) else None
        through = f.through if kind == "m2m" else None
        edges.append(Edge(key_of(model), key_of(f.related_model), kind, name, related, through, bool(f.null)))
    return edges


def node_of(model: type[Model]) -> Node:
    key = key_of(model)
    return Node(key, model.__name__, key.split(".", 1)[0], model._meta.db_table, columns_of(model), model=model)


def build_schema(models: Iterable[type[Model]]) -> Schema:
    """The schema of ``models``: relations to models outside the set are left out."""
    nodes = sorted({key_of(m): node_of(m) for m in models}.values(), key=lambda n: n.key)
    keys = {n.key for n in nodes}
    edges = [e for n in nodes for e in edges_of(n.model) if e.target in keys]
    return Schema(tuple(nodes), tuple(sorted(edges, key=lambda e: (e.source, e.field))))


def registered_models(app: str | None = None, models: Iterable[type[Model] | str] | None = None) -> list[type[Model]]:
    """The initialised models of ``app`` (all apps by default), or those named in ``models``."""
    from orm.apps import registry

    apps = registry.apps
    if not any(apps.values()):
        raise ConfigurationError("no models are initialised: run %orm_init or await Tortoise.init(...) first")
    if app is not None and app not in apps:
        raise ConfigurationError(f"no initialised app {app!r}; {nearest(app, apps)}")
    pool = [m for label, found in apps.items() if app in (None, label) for m in found.values()]
    if models is None:
        return pool
    return [_find_model(wanted, pool) for wanted in models]


def _find_model(wanted: type[Model] | str, pool: list[type[Model]]) -> type[Model]:
    for model in pool:
        if wanted is model or wanted in (model.__name__, key_of(model)):
            return model
    if not isinstance(wanted, str):
        raise ConfigurationError(f"{wanted.__name__} is not among the initialised models of this graph")
    names = [m.__name__ for m in pool]
    raise ConfigurationError(f"no initialised model {wanted!r}; {nearest(wanted, names)}")


async def count_rows(schema: Schema) -> dict[str, int]:
    """Row count of every node's table (one ``COUNT`` query each)."""
    return {node.key: await node.model.all().count() for node in schema.nodes if node.model is not None}
