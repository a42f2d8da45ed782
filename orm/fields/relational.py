"""Relations: ForeignKey, OneToOne, ManyToMany, and the reverse sides init creates.

A relation field owns its wiring (``resolve``, called by ``Tortoise.init``)
and its SQL (``join`` / ``value_column``, called by the resolver), so neither
the init code nor the compiler needs to know the kinds of relation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, overload

from orm.exceptions import ConfigurationError, OperationalError, ValidationError
from orm.expressions import Resolved
from orm.fields.base import CASCADE, NO_DEFAULT, Field, OnDelete
from orm.sql import nodes

if TYPE_CHECKING:
    from typing_extensions import Self

    from orm.apps import Apps
    from orm.models import Model
    from orm.sql.resolve import Resolver

MODEL = TypeVar("MODEL", bound="Model")


class RelationalField(Field[MODEL]):
    """Base of relation fields: they own no column of their own."""

    has_db_field = False
    indexable = False
    relation_kind: ClassVar[str] = ""
    #: Several related rows per instance (a join multiplies rows).
    many: ClassVar[bool] = False

    def __init__(
        self,
        model_name: str | type[Model],
        related_name: str | bool | None = None,
        on_delete: OnDelete | str = CASCADE,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.model_name = model_name
        self.related_name = related_name
        try:
            self.on_delete = (
                OnDelete(str(on_delete).upper().replace("_", " "))
                if not isinstance(on_delete, OnDelete)
                else on_delete
            )
        except ValueError:
            raise ConfigurationError(
                f"on_delete must be one of {[o.value for o in OnDelete]}, not {on_delete!r}"
            ) from None
        self.related_model: type[Model] = None  # type: ignore[assignment]

    @property
    def cache_key(self) -> str:
        return f"_{self.model_field_name}"

    def target(self, apps: Apps) -> type[Model]:
        if isinstance(self.model_name, str):
            if "." not in self.model_name and self.model._meta.app is None:
                raise ConfigurationError(
                    f"{self.model.__name__}.{self.model_field_name}: use 'app.Model' references"
                )
            return apps.get_model(self.model_name, default_app=self.model._meta.app)
        return self.model_name

    def resolve(self, apps: Apps) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def join(self, resolver: Resolver, from_alias: str, path: str) -> str:  # pragma: no cover
        raise NotImplementedError

    def value_column(self, resolver: Resolver, from_alias: str, path: str) -> Resolved:  # pragma: no cover
        raise NotImplementedError

    def assign(self, instance: Model, value: Any) -> None:
        raise ConfigurationError(
            f"{type(instance).__name__}.{self.model_field_name} cannot be set directly; "
            "change it from the other side or use its add()/remove()"
        )

    def described_type(self) -> Any:
        return self.related_model

    def describe(self, serializable: bool = True) -> dict[str, Any]:
        """Tortoise's keys for each kind: ``raw_field`` (fk, o2o), ``through``/``forward_key``/... (m2m)."""
        desc = super().describe(serializable)
        del desc["db_column"]
        desc["db_constraint"] = getattr(self, "db_constraint", True)
        kind = self.relation_kind
        if kind in ("fk", "o2o"):
            desc["raw_field"] = self.source_field
            desc["on_delete"] = str(self.on_delete)
            if kind == "o2o":
                desc["unique"] = desc["indexed"] = True
        elif kind == "m2m":
            related = self.related_model
            desc.update(
                unique=True,
                indexed=True,
                nullable=False,
                model_name=related._meta.full_name if related else str(self.model_name),
                related_name=self.related_name,
                forward_key=self.forward_key,  # type: ignore[attr-defined]
                backward_key=self.backward_key,  # type: ignore[attr-defined]
                through=self.through,  # type: ignore[attr-defined]
                on_delete=str(self.on_delete),
                _generated=self.is_backward,  # type: ignore[attr-defined]
            )
        else:  # the reverse side of a foreign key (a list, never null) or of a one-to-one
            desc["nullable"] = kind == "backward_o2o"
        return desc


def _add_reverse(owner: type[Model], name: str, reverse: Field, origin: Field) -> None:
    if name in owner._meta.fields_map:
        raise ConfigurationError(
            f"{owner.__name__} already has a field {name!r}: give "
            f"{origin.model.__name__}.{origin.model_field_name} another related_name"
        )
    owner._meta.add_field(name, reverse)
    setattr(owner, name, reverse)


# -- foreign keys ----------------------------------------------------------------------
class ForeignKeyFieldInstance(RelationalField[MODEL]):
    """Points to one row of another model; the ``<name>_id`` column holds its key."""

    relation_kind = "fk"

    def __init__(
        self,
        model_name: str | type[Model],
        related_name: str | bool | None = None,
        on_delete: OnDelete | str = CASCADE,
        db_constraint: bool = True,
        to_field: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.id_column = kwargs.pop("source_field", None)
        super().__init__(model_name, related_name, on_delete, **kwargs)
        if self.on_delete == OnDelete.SET_NULL and not self.null:
            raise ConfigurationError("on_delete=SET_NULL needs null=True")
        if self.on_delete == OnDelete.SET_DEFAULT and self.default is NO_DEFAULT:
            raise ConfigurationError("on_delete=SET_DEFAULT needs a default")
        if self.on_delete == OnDelete.SET_DEFAULT and (callable(self.default) or self.default is None):
            raise ConfigurationError(
                "on_delete=SET_DEFAULT needs a fixed default key (the database sets it), "
                f"not {self.default!r}"
            )
        self.db_constraint = db_constraint
        self.declared_to_field = to_field
        self.to_field = to_field

    # -- init ---------------------------------------------------------------------
    def resolve(self, apps: Apps) -> None:
        target = self.target(apps)
        self.related_model = target
        tmeta = target._meta
        # From the declaration, not a previous init: the target may have been redefined since.
        self.to_field = self.declared_to_field or tmeta.pk_attr
        to = tmeta.fields_map.get(self.to_field)
        if to is None or not to.has_db_field or not to.unique:
            raise ConfigurationError(
                f"{self.model.__name__}.{self.model_field_name}: to_field {self.to_field!r} "
                f"must be a unique column of {target.__name__}"
            )
        id_name = f"{self.model_field_name}_id"
        if id_name in self.model._meta.declared_fields:
            raise ConfigurationError(
                f"{self.model.__name__}.{id_name} clashes with the foreign key's id field"
            )
        self.model._meta.add_field(id_name, self.id_field(to))
        self.source_field = id_name
        if self.related_name is not False:
            name = self.related_name or f"{self.model._meta.db_table}s"
            self.related_name = name
            _add_reverse(target, name, self.reverse_field(name), self)

    def id_field(self, to: Field) -> Field:
        id_field = to.clone()
        id_field.pk = id_field.generated = False
        id_field.unique = self.relation_kind == "o2o"
        id_field.index = not id_field.unique
        id_field.null = self.null
        id_field.default = None if self.default is NO_DEFAULT else self.default
        id_field.has_default = self.null or self.default is not NO_DEFAULT
        id_field.description = self.description
        id_field.source_field = self.id_column or f"{self.model_field_name}_id"
        id_field.reference = self
        return id_field

    def reverse_field(self, name: str) -> Field:
        return BackwardFKRelation(self)

    # -- SQL ------------------------------------------------------------------------
    @property
    def id_attr(self) -> str:
        return self.source_field or f"{self.model_field_name}_id"

    def join(self, resolver: Resolver, from_alias: str, path: str) -> str:
        tmeta = self.related_model._meta
        own = self.model._meta.fields_map[self.id_attr].column
        to_column = tmeta.fields_map[self.to_field].column  # type: ignore[index]
        return resolver.join(tmeta.db_table, path, from_alias, own, to_column)

    def value_column(self, resolver: Resolver, from_alias: str, path: str) -> Resolved:
        id_field = self.model._meta.fields_map[self.id_attr]
        return Resolved(nodes.Column(from_alias, id_field.column, id_field), id_field)

    # -- instances ---------------------------------------------------------------------
    @overload  # type: ignore[override]
    def __get__(self, instance: None, owner: type) -> Self: ...

    @overload
    def __get__(self, instance: Model, owner: type) -> MODEL: ...

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        state = instance.__dict__
        if self.cache_key in state:
            cached = state[self.cache_key]
            key = None if cached is None else cached.__dict__.get(self.to_field)
            if key == state.get(self.id_attr):
                return cached
            del state[self.cache_key]  # the id was changed since (``x_id = ...``, refresh_from_db)
        from orm.relations import RelatedObjectQuery

        return RelatedObjectQuery(self, instance)

    def __set__(self, instance: Any, value: Any) -> None:
        self.assign(instance, value)

    def assign(self, instance: Model, value: Any) -> None:
        state = instance.__dict__
        if value is None:
            state[self.id_attr] = None
            state[self.cache_key] = None
            return
        related = self.related_model
        if (related is not None and not isinstance(value, related)) or getattr(value, "_meta", None) is None:
            expected = related.__name__ if related is not None else str(self.model_name)
            raise ValidationError(
                f"{type(instance).__name__}.{self.model_field_name} takes a {expected} instance, "
                f"not {type(value).__name__} {value!r}"
            )
        key = getattr(value, self.to_field or value._meta.pk_attr, None)
        if key is None or not value._saved_in_db:
            raise OperationalError(f"You should first call .save() on {value!r} before referring to it")
        state[self.id_attr] = key
        state[self.cache_key] = value


class OneToOneFieldInstance(ForeignKeyFieldInstance[MODEL]):
    """A foreign key whose column is unique: one related row each way."""

    relation_kind = "o2o"

    def __init__(
        self,
        model_name: str | type[Model],
        related_name: str | bool | None = None,
        on_delete: OnDelete | str = CASCADE,
        **kwargs: Any,
    ) -> None:
        self.is_pk = bool(kwargs.pop("primary_key", False) or kwargs.pop("pk", False))
        super().__init__(model_name, related_name, on_delete, **kwargs)

    def id_field(self, to: Field) -> Field:
        id_field = super().id_field(to)
        if self.is_pk:
            id_field.pk = True
            id_field.null = False
        return id_field

    def reverse_field(self, name: str) -> Field:
        return BackwardOneToOneRelation(self)


# -- reverse sides ------------------------------------------------------------------------
class BackwardFKRelation(RelationalField[MODEL]):
    """``tournament.events``: the rows whose foreign key points here (a manager)."""

    relation_kind = "backward_fk"
    many = True

    def __init__(self, forward: ForeignKeyFieldInstance[Any]) -> None:
        super().__init__(
            forward.model, related_name=forward.model_field_name, null=True, description=forward.description
        )
        self.forward = forward
        self.related_model = forward.model

    @property
    def relation_field(self) -> str:
        """The id attribute on the related model that points back here."""
        return self.forward.id_attr

    @property
    def to_field(self) -> str:
        return self.forward.to_field or self.model._meta.pk_attr

    def join(self, resolver: Resolver, from_alias: str, path: str) -> str:
        rmeta = self.related_model._meta
        fk_column = rmeta.fields_map[self.relation_field].column
        own = self.model._meta.fields_map[self.to_field].column
        return resolver.join(rmeta.db_table, path, from_alias, own, fk_column)

    def value_column(self, resolver: Resolver, from_alias: str, path: str) -> Resolved:
        alias = self.join(resolver, from_alias, path)
        pk = self.related_model._meta.pk
        return Resolved(nodes.Column(alias, pk.column, pk), pk)

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        from orm.relations import ReverseRelation

        manager = ReverseRelation(self, instance)
        instance.__dict__[self.model_field_name] = manager
        return manager


class BackwardOneToOneRelation(BackwardFKRelation[MODEL]):
    """``user.profile``: the one row whose one-to-one key points here."""

    relation_kind = "backward_o2o"
    many = False

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        state = instance.__dict__
        if self.cache_key in state:
            return state[self.cache_key]
        from orm.relations import ReverseOneQuery

        return ReverseOneQuery(self, instance)


# -- many to many --------------------------------------------------------------------------
class ManyToManyFieldInstance(RelationalField[MODEL]):
    """Rows of another model linked through a table of (backward_key, forward_key) pairs."""

    relation_kind = "m2m"
    many = True

    def __init__(
        self,
        model_name: str | type[Model],
        through: str | None = None,
        forward_key: str | None = None,
        backward_key: str = "",
        related_name: str | bool = "",
        on_delete: OnDelete | str = CASCADE,
        db_constraint: bool = True,
        create_unique_index: bool = True,
        **kwargs: Any,
    ) -> None:
        # related_name=False: no reverse accessor (an empty name gives the default one)
        name = related_name if related_name is False else related_name or None
        super().__init__(model_name, name, on_delete, **kwargs)
        self.through = through
        self.forward_key = forward_key
        self.backward_key = backward_key
        self.db_constraint = db_constraint
        self.create_unique_index = create_unique_index
        self.is_backward = False

    def resolve(self, apps: Apps) -> None:
        if self.is_backward:
            return
        target = self.target(apps)
        self.related_model = target
        own, other = self.model._meta.db_table, target._meta.db_table
        self.through = self.through or f"{own}_{other}"
        self.backward_key = self.backward_key or f"{own}_id"
        default_forward = f"{other}_rel_id" if other == own else f"{other}_id"
        self.forward_key = self.forward_key or default_forward
        if self.related_name is not False:
            name = self.related_name or f"{own}s"
            self.related_name = name
            _add_reverse(target, name, self.reversed(name), self)

    def reversed(self, name: str) -> ManyToManyFieldInstance[Any]:
        back = ManyToManyFieldInstance(
            self.model,
            through=self.through,
            forward_key=self.backward_key,
            backward_key=self.forward_key,
            related_name=self.model_field_name,
            on_delete=self.on_delete,
            description=self.description,
        )
        back.is_backward = True
        back.related_model = self.model
        back.forward = self  # type: ignore[attr-defined]
        return back

    def join_through(self, resolver: Resolver, from_alias: str, path: str) -> str:
        own_pk = self.model._meta.db_pk_column
        return resolver.join(self.through, f"{path}__through", from_alias, own_pk, self.backward_key)  # type: ignore[arg-type]

    def join(self, resolver: Resolver, from_alias: str, path: str) -> str:
        through = self.join_through(resolver, from_alias, path)
        rmeta = self.related_model._meta
        return resolver.join(rmeta.db_table, path, through, self.forward_key, rmeta.db_pk_column)  # type: ignore[arg-type]

    def value_column(self, resolver: Resolver, from_alias: str, path: str) -> Resolved:
        through = self.join_through(resolver, from_alias, path)
        pk = self.related_model._meta.pk
        return Resolved(nodes.Column(through, self.forward_key, pk), pk)  # type: ignore[arg-type]

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        from orm.relations import ManyToManyRelation

        manager = ManyToManyRelation(self, instance)
        instance.__dict__[self.model_field_name] = manager
        return manager


# -- public constructors (Tortoise's names) ----------------------------------------------
def ForeignKeyField(
    model_name: str | type[Any],
    related_name: str | bool | None = None,
    on_delete: OnDelete | str = CASCADE,
    db_constraint: bool = True,
    **kwargs: Any,
) -> Any:
    """A foreign key to ``"app.Model"``; ``related_name`` names the reverse manager."""
    return ForeignKeyFieldInstance(model_name, related_name, on_delete, db_constraint=db_constraint, **kwargs)


def OneToOneField(
    model_name: str | type[Any],
    related_name: str | bool | None = None,
    on_delete: OnDelete | str = CASCADE,
    db_constraint: bool = True,
    **kwargs: Any,
) -> Any:
    """A one-to-one relation to ``"app.Model"`` (can be the primary key)."""
    return OneToOneFieldInstance(model_name, related_name, on_delete, db_constraint=db_constraint, **kwargs)


def ManyToManyField(
    model_name: str | type[Any],
    through: str | None = None,
    forward_key: str | None = None,
    backward_key: str = "",
    related_name: str | bool = "",
    on_delete: OnDelete | str = CASCADE,
    db_constraint: bool = True,
    **kwargs: Any,
) -> Any:
    """A many-to-many relation to ``"app.Model"`` through the table ``through``."""
    return ManyToManyFieldInstance(
        model_name, through, forward_key, backward_key, related_name, on_delete, db_constraint, **kwargs
    )


# -- typing helpers ------------------------------------------------------------------------
if TYPE_CHECKING:
    from typing import TypeAlias

    # As in Tortoise: ``event.tournament`` is typed as the related model (fetched); at run
    # time an unfetched relation is an awaitable RelatedObjectQuery.
    ForeignKeyRelation: TypeAlias = "ForeignKeyFieldInstance[MODEL]"
    ForeignKeyNullableRelation: TypeAlias = "ForeignKeyFieldInstance[MODEL] | None"
    OneToOneRelation: TypeAlias = "OneToOneFieldInstance[MODEL]"
    OneToOneNullableRelation: TypeAlias = "OneToOneFieldInstance[MODEL] | None"
else:

    class _RelationAlias(Generic[MODEL]):
        """Annotation helper: ``fields.ForeignKeyRelation["Tournament"]``."""

    ForeignKeyRelation = ForeignKeyNullableRelation = _RelationAlias
    OneToOneRelation = OneToOneNullableRelation = _RelationAlias
