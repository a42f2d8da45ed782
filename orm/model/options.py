"""``Model._meta``: a model's table, fields and options, built at class creation."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from orm.connection import connections
from orm.exceptions import ConfigurationError
from orm.fields.base import Field

if TYPE_CHECKING:
    from orm.backends.base.client import BaseDBAsyncClient
    from orm.manager import Manager
    from orm.model.construct import Constructor
    from orm.models import Model

#: Meta attributes a model may declare.
META_ATTRIBUTES = frozenset(
    {
        "abstract",
        "app",
        "table",
        "table_description",
        "unique_together",
        "indexes",
        "ordering",
        "schema",
        "manager",
        "default_connection",
    }
)
#: Meta attributes a concrete model inherits from its abstract bases.
INHERITED_META = ("unique_together", "indexes", "ordering", "manager", "app")

#: Set by ``Tortoise.init(table_name_generator=...)``; None means the lower-cased class name.
table_name_generator: Callable[[type], str] | None = None


class ModelOptions:
    """What the ORM knows about one model (Tortoise calls it ``MetaInfo``)."""

    def __init__(self, model: type[Model], meta: dict[str, Any], fields: dict[str, Field]) -> None:
        self.model = model
        self.abstract: bool = bool(meta.get("abstract", False))
        self.app: str | None = meta.get("app")
        #: ``Meta.app`` as declared (``app`` is set by each init, which may choose another label).
        self.declared_app: str | None = self.app
        self._table: str | None = meta.get("table")
        self.table_description: str = meta.get("table_description", "") or ""
        self.schema: str | None = meta.get("schema")
        self.unique_together = _normalise_together(meta.get("unique_together", ()))
        self.indexes: tuple[Any, ...] = _normalise_indexes(meta.get("indexes", ()))
        self.ordering: tuple[str, ...] = tuple(meta.get("ordering", ()) or ())
        self.default_connection: str | None = meta.get("default_connection")
        self.manager: Manager = meta.get("manager") or _default_manager()
        self.signals: dict[str, list[Callable[..., Any]]] = {
            "pre_save": [],
            "post_save": [],
            "pre_delete": [],
            "post_delete": [],
        }
        self.fields_map: dict[str, Field] = dict(fields)
        self.declared_fields: dict[str, Field] = dict(fields)
        self.refresh()

    # -- derived state -------------------------------------------------------
    def refresh(self) -> None:
        """Recompute what derives from ``fields_map`` (after relations are wired)."""
        pks = [f for f in self.fields_map.values() if f.pk]
        if len(pks) > 1:
            names = ", ".join(f.model_field_name for f in pks)
            raise ConfigurationError(f"{self.model.__name__} has several primary keys: {names}")
        self.pk: Field = pks[0] if pks else None  # type: ignore[assignment]
        self.pk_attr: str = self.pk.model_field_name if pks else ""
        self.db_fields: list[Field] = [f for f in self.fields_map.values() if f.has_db_field]
        self.fields_db_projection = {f.model_field_name: f.column for f in self.db_fields}
        self.column_fields = {f.column: f for f in self.db_fields}
        self.db_pk_column = self.pk.column if pks else ""
        kinds: dict[str, set[str]] = {
            "fk": set(),
            "o2o": set(),
            "m2m": set(),
            "backward_fk": set(),
            "backward_o2o": set(),
        }
        for name, field in self.fields_map.items():
            kind = getattr(field, "relation_kind", None)
            if kind:
                kinds[kind].add(name)
        self.fk_fields = kinds["fk"]
        self.o2o_fields = kinds["o2o"]
        self.m2m_fields = kinds["m2m"]
        self.backward_fk_fields = kinds["backward_fk"]
        self.backward_o2o_fields = kinds["backward_o2o"]
        self.fetch_fields = set().union(*kinds.values())
        self.fields = set(self.fields_map)
        self.generated_db_fields = tuple(f.column for f in self.db_fields if f.generated)
        self.insert_fields = [f for f in self.db_fields if not f.generated]
        #: ``Model.__init__``'s work, generated for these fields on first use (``orm.model.construct``).
        self.construct: Constructor = self._first_construct

    def _first_construct(self, instance: Model, kwargs: dict[str, Any]) -> None:
        from orm.model.construct import build_constructor

        self.construct = build_constructor(self)
        self.construct(instance, kwargs)

    @property
    def db_table(self) -> str:
        """The table name."""
        if self._table:
            return self._table
        if table_name_generator is not None:
            return table_name_generator(self.model)
        return self.model.__name__.lower()

    @db_table.setter
    def db_table(self, value: str) -> None:
        self._table = value

    @property
    def full_name(self) -> str:
        """``app.Model`` as used in relation references."""
        return f"{self.app}.{self.model.__name__}" if self.app else self.model.__name__

    @property
    def db(self) -> BaseDBAsyncClient:
        """The client this model's queries use by default."""
        if self.default_connection is None:
            raise ConfigurationError(
                f"{self.model.__name__} is not bound to a database: call Tortoise.init() "
                "(or %orm_init in a notebook) with a module that defines it"
            )
        return connections.get(self.default_connection)

    def field(self, name: str) -> Field:
        """The field called ``name`` (``pk`` works too); FieldError names the valid ones."""
        from orm.exceptions import unknown_field

        if name == "pk":
            return self.pk
        try:
            return self.fields_map[name]
        except KeyError:
            raise unknown_field(self.model, name, [*self.fields_map, "pk"]) from None

    def add_field(self, name: str, field: Field) -> None:
        """Add a field created at init (relation ids, reverse relations)."""
        field.bind(self.model, name)
        self.fields_map[name] = field

    def reset_relations(self) -> None:
        """Forget what a previous init added, so that init can run again."""
        for name, field in self.fields_map.items():
            if name not in self.declared_fields and self.model.__dict__.get(name) is field:
                delattr(self.model, name)
        self.fields_map = dict(self.declared_fields)
        self.refresh()


def _default_manager() -> Manager:
    from orm.manager import Manager

    return Manager()


def _normalise_together(value: Any) -> tuple[tuple[str, ...], ...]:
    if not value:
        return ()
    if isinstance(value[0], str):
        return (tuple(value),)
    return tuple(tuple(group) for group in value)


def _normalise_indexes(value: Any) -> tuple[Any, ...]:
    if not value:
        return ()
    if isinstance(value[0], str):
        return (tuple(value),)
    return tuple(item if not isinstance(item, (list, tuple)) else tuple(item) for item in value)
