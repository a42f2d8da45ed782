"""``pydantic_model_creator`` / ``pydantic_queryset_creator``: pydantic models from ORM models.

What goes in follows Tortoise: the primary key, the data fields (a foreign key's ``<name>_id``
only with ``exclude_raw_fields = False``), relations as nested models (reverse ones too unless
``backward_relations = False``), and ``computed`` methods; a model's ``PydanticMeta`` class and the
creator's arguments choose. Relations nest up to ``max_recursion`` levels and never walk back to a
model already on the path unless ``allow_cycles``.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import inspect
from typing import TYPE_CHECKING, Any, get_type_hints

from pydantic import ConfigDict, computed_field, create_model
from pydantic import Field as PydanticField

from orm.contrib.pydantic.base import PydanticListModel, PydanticModel
from orm.exceptions import ConfigurationError, NoValuesFetched
from orm.fields.base import NO_DEFAULT, Field

if TYPE_CHECKING:
    from orm.models import Model

#: Relation kinds holding one related object, and those holding a list.
_SINGLE = ("fk", "o2o", "backward_o2o")
_MANY = ("backward_fk", "m2m")

#: Made models, by what they contain, so that asking twice gives the same class.
_MADE: dict[tuple[Any, ...], type[PydanticModel]] = {}


@dataclasses.dataclass
class PydanticMeta:
    """The options a model's ``class PydanticMeta:`` may set (defaults shown)."""

    #: If not empty, only these fields (``"relation.field"`` reaches into a nested model).
    include: tuple[str, ...] = ()
    #: Fields left out (``"relation.field"`` too).
    exclude: tuple[str, ...] = ("Meta",)
    #: Names of methods whose results are added as read-only fields (they need a return annotation).
    computed: tuple[str, ...] = ()
    #: Include reverse relations (without it, only the ones annotated on the model).
    backward_relations: bool = True
    #: How deep relations nest.
    max_recursion: int = 3
    #: Allow walking back to a model already on the path (can make huge models).
    allow_cycles: bool = False
    #: Leave out the ``<relation>_id`` fields of foreign keys.
    exclude_raw_fields: bool = True
    #: Order fields by name instead of declaration order.
    sort_alphabetically: bool = False
    #: Extra pydantic configuration.
    model_config: ConfigDict | None = None

    @classmethod
    def of(cls, source: Any, base: PydanticMeta | None = None) -> PydanticMeta:
        """The options of a ``PydanticMeta``-like class, ``base``'s where it sets none."""
        base = base or cls()
        values = {}
        for option in dataclasses.fields(cls):
            value = getattr(source, option.name, getattr(base, option.name))
            if option.name in ("include", "exclude", "computed"):
                value = (value,) if isinstance(value, str) else tuple(value)
            values[option.name] = value
        return cls(**values)


def _multiline(text: str) -> str:
    return text.replace("\n", "<br/>").strip()


def _doc(obj: Any) -> str:
    return _multiline(inspect.cleandoc(obj.__doc__ or ""))


def _under(prefix: str, names: tuple[str, ...]) -> tuple[str, ...]:
    """``("a.b", "a.c.d", "x")`` under ``a`` -> ``("b", "c.d")``."""
    start = prefix + "."
    return tuple(name[len(start) :] for name in names if name.startswith(start))


def _default_of(field: Field) -> Any:
    return None if field.default is NO_DEFAULT else field.default


class _Creator:
    def __init__(
        self,
        model: type[Model],
        *,
        name: str | None,
        exclude: tuple[str, ...],
        include: tuple[str, ...],
        computed: tuple[str, ...],
        optional: tuple[str, ...],
        allow_cycles: bool | None,
        sort_alphabetically: bool | None,
        exclude_readonly: bool,
        meta_override: type | None,
        model_config: ConfigDict | None,
        validators: dict[str, Any] | None,
        module: str,
        stack: tuple[tuple[type[Model], str, int], ...] = (),
        as_submodel: bool = False,
        plain_name: bool = True,
    ) -> None:
        if not hasattr(model, "_meta") or model._meta.abstract:
            raise ConfigurationError(f"pydantic_model_creator needs a concrete model, not {model!r}")
        self.model = model
        self.default_call = plain_name and not (
            exclude or include or computed or optional or allow_cycles is not None
            or sort_alphabetically is not None or exclude_readonly or meta_override
        )
        meta = PydanticMeta.of(getattr(model, "PydanticMeta", None))
        if meta_override is not None:
            meta = PydanticMeta.of(meta_override, meta)
        config = ConfigDict(**(meta.model_config or {}))
        config.update(model_config or {})
        self.meta = dataclasses.replace(
            meta,
            include=tuple(include) + meta.include,
            exclude=tuple(exclude) + meta.exclude,
            computed=tuple(computed) + meta.computed,
            allow_cycles=meta.allow_cycles if allow_cycles is None else allow_cycles,
            sort_alphabetically=meta.sort_alphabetically if sort_alphabetically is None else sort_alphabetically,
            model_config=config,
        )
        self.given_name = name
        self.optional = tuple(optional)
        self.exclude_readonly = exclude_readonly
        self.validators = validators
        self.module = module
        self.stack = stack
        self.as_submodel = as_submodel
        self.annotations = _annotations(model)

    # -- which fields -------------------------------------------------------------------
    def wanted(self, name: str) -> bool:
        meta = self.meta
        return not ((meta.include and name not in meta.include) or name in meta.exclude)

    def chosen_fields(self) -> dict[str, Field | str]:
        """Field name -> field (or the name of a computed method), in the model's order."""
        meta = self.model._meta
        chosen: dict[str, Field | str] = {}
        raw_dropped: set[str] = set()
        if not self.exclude_readonly and self.wanted(meta.pk_attr):
            chosen[meta.pk_attr] = meta.pk
        for name, field in meta.fields_map.items():
            kind = getattr(field, "relation_kind", "")
            if field.pk or not self.wanted(name):
                continue
            if not kind:
                chosen[name] = field
                continue
            if self.exclude_readonly:
                continue
            if kind.startswith("backward") and not meta_allows_backward(self, name):
                continue
            chosen[name] = field
            if kind in ("fk", "o2o") and self.meta.exclude_raw_fields and field.source_field != meta.pk_attr:
                raw_dropped.add(field.source_field)  # type: ignore[arg-type]
        for name in raw_dropped:
            chosen.pop(name, None)
        if not self.exclude_readonly:
            for name in self.meta.computed:
                chosen[name] = name
        if self.meta.sort_alphabetically:
            return dict(sorted(chosen.items()))
        return chosen

    # -- building -----------------------------------------------------------------------
    def create(self) -> type[PydanticModel]:
        fields: dict[str, tuple[Any, Any]] = {}
        computed: dict[str, Any] = {}
        for name, field in self.chosen_fields().items():
            if isinstance(field, str):
                prop = self.computed_property(name)
                if prop is not None:
                    computed[name] = prop
                continue
            made = self.field_definition(name, field)
            if made is not None:
                fields[name] = made
        key = (
            self.model,
            self.given_name,
            self.as_submodel,
            self.module,
            tuple((n, repr(t), repr(info)) for n, (t, info) in fields.items()),
            tuple(computed),
            id(self.validators) if self.validators else None,
            tuple(sorted((self.meta.model_config or {}).items(), key=lambda kv: kv[0])).__repr__(),
        )
        qualified = f"{self.model.__module__}.{self.model.__qualname__}"
        if self.given_name is not None:
            class_name = title = self.given_name
        else:
            class_name = qualified
            if not self.default_call:
                class_name += ":" + hashlib.sha1(repr(key).encode()).hexdigest()[:6]
            if self.as_submodel:
                class_name += ":leaf"
            title = self.model.__name__
        key = (*key, class_name)
        cached = _MADE.get(key)
        if cached is not None:
            return cached
        config = ConfigDict(**PydanticModel.model_config)
        config.update(self.meta.model_config or {})
        config.setdefault("title", title)
        config.setdefault("extra", "forbid")
        base = type("BasePydanticModel", (PydanticModel,), {"model_config": config, **computed})
        made: type[PydanticModel] = create_model(  # type: ignore[call-overload]
            class_name, __base__=base, __module__=self.module, __validators__=self.validators, **fields
        )
        made.__doc__ = _doc(self.model)
        made.model_config["orig_model"] = self.model  # type: ignore[typeddict-unknown-key]
        _MADE[key] = made
        return made

    def field_definition(self, name: str, field: Field) -> tuple[Any, Any] | None:
        kind = getattr(field, "relation_kind", "")
        extra: dict[str, Any] = {}
        options: dict[str, Any] = {"title": name.replace("_", " ").title(), "json_schema_extra": extra}
        description = _multiline(field.docstring or field.description or "")
        if description:
            options["description"] = description
        if kind:
            related = field.related_model  # type: ignore[attr-defined]
            if related is None or not _wired(self.model):
                return None  # relations are wired by Tortoise.init / init_models; until then, left out
            sub = self.submodel(related, name)
            if sub is None:
                return None
            if kind in _MANY:
                return list[sub], PydanticField(**options)  # type: ignore[valid-type]
            nullable = field.null or kind == "backward_o2o"
            if nullable:
                extra["nullable"] = True
                return sub | None, PydanticField(default=None, **options)
            return sub, PydanticField(**options)
        constraints = dict(field.constraints)
        if constraints.pop("readOnly", False):
            if self.exclude_readonly:
                return None  # set by the ORM (auto_now): not an input
            extra["readOnly"] = True
        options.update(constraints)
        python_type = _python_type(field)
        if field.null:
            extra["nullable"] = True
        if not field.pk and (name in self.optional or field.null):
            python_type = python_type | None
        default = _default_of(field)
        if name in self.optional or (default is not None and not callable(default)):
            return python_type, PydanticField(default=default, **options)
        if extra.get("nullable"):
            return python_type, PydanticField(default=None, **options)
        return python_type, PydanticField(**options)

    def computed_property(self, name: str) -> Any:
        function = getattr(self.model, name, None)
        if function is None:
            raise ConfigurationError(f"{self.model.__name__} has no method {name!r} to compute")
        returns = _annotations(function).get("return")
        if returns is None:
            return None  # as in Tortoise: a computed method needs a return annotation

        @functools.wraps(function)
        def compute(pydantic_self: Any) -> Any:
            instance = pydantic_self._orm_obj
            if instance is None:
                return function(pydantic_self)
            try:
                return function(instance)
            except NoValuesFetched as exc:
                raise NoValuesFetched(
                    f"computed field {name!r} uses a relation that was not fetched: include the relation "
                    "in the pydantic model (it is then prefetched) or fetch_related() it first"
                ) from exc

        return computed_field(return_type=returns, description=_doc(function) or None)(compute)  # type: ignore[call-overload]

    def submodel(self, related: type[Model], field_name: str) -> type[PydanticModel] | None:
        stack = (*self.stack, (self.model, field_name, self.meta.max_recursion))
        if not self.meta.allow_cycles and related in (entry[0] for entry in stack[:-1]):
            return None
        for level, (_, _, limit) in enumerate(stack[1:], start=1):
            if level >= limit:
                return None
        sub = _Creator(
            related,
            name=None,
            exclude=_under(field_name, self.meta.exclude),
            include=_under(field_name, self.meta.include),
            computed=_under(field_name, self.meta.computed),
            optional=(),
            allow_cycles=self.meta.allow_cycles,
            sort_alphabetically=self.meta.sort_alphabetically,
            exclude_readonly=False,
            meta_override=None,
            model_config=None,
            validators=None,
            module=self.module,
            stack=stack,
            as_submodel=True,
        ).create()
        return sub


def meta_allows_backward(creator: _Creator, name: str) -> bool:
    """Reverse relations are in unless ``backward_relations = False``; then only annotated ones."""
    return creator.meta.backward_relations or name in creator.annotations


def _wired(model: type[Model]) -> bool:
    """Whether ``model``'s relations are set up (``Tortoise.init`` or ``init_models`` registered it)."""
    from orm.apps import registry

    return registry.apps.get(model._meta.app or "", {}).get(model.__name__) is model


def _python_type(field: Field) -> Any:
    enum_type = getattr(field, "enum_type", None)
    if enum_type is not None:
        return enum_type
    if field.db_type == "json":
        # any JSON value (this ORM's JSONField stores strings and numbers too), or its pydantic model
        return getattr(field, "python_type", None) or Any
    return field.field_type


def _annotations(obj: Any) -> dict[str, Any]:
    from orm.apps import registry

    namespace: dict[str, Any] = {}
    for app in registry.apps.values():
        namespace.update(app)
    try:
        return get_type_hints(obj, localns=namespace)
    except Exception:
        return dict(getattr(obj, "__annotations__", {}))


def pydantic_model_creator(
    cls: type[Model],
    *,
    name: str | None = None,
    exclude: tuple[str, ...] | None = None,
    include: tuple[str, ...] | None = None,
    computed: tuple[str, ...] | None = None,
    optional: tuple[str, ...] | None = None,
    allow_cycles: bool | None = None,
    sort_alphabetically: bool | None = None,
    exclude_readonly: bool = False,
    meta_override: type | None = None,
    model_config: ConfigDict | None = None,
    validators: dict[str, Any] | None = None,
    module: str = __name__,
    _plain_name: bool = True,
) -> type[PydanticModel]:
    """A pydantic model of ``cls``.

    ``exclude``/``include``/``computed`` add to the model's ``PydanticMeta``; ``optional`` fields
    default to None; ``exclude_readonly`` leaves out the primary key, relations and ``auto_now``
    fields (a model for input); ``name`` names the class; ``meta_override`` replaces options of
    ``PydanticMeta``; ``model_config`` and ``validators`` go to pydantic. Relations must be
    initialised first (``Tortoise.init`` or ``Tortoise.init_models``).
    """
    return _Creator(
        cls,
        name=name,
        exclude=tuple(exclude or ()),
        include=tuple(include or ()),
        computed=tuple(computed or ()),
        optional=tuple(optional or ()),
        allow_cycles=allow_cycles,
        sort_alphabetically=sort_alphabetically,
        exclude_readonly=exclude_readonly,
        meta_override=meta_override,
        model_config=model_config,
        validators=validators,
        module=module,
        plain_name=_plain_name,
    ).create()


def pydantic_queryset_creator(
    cls: type[Model],
    *,
    name: str | None = None,
    exclude: tuple[str, ...] = (),
    include: tuple[str, ...] = (),
    computed: tuple[str, ...] = (),
    allow_cycles: bool | None = None,
    sort_alphabetically: bool | None = None,
) -> type[PydanticListModel]:
    """A pydantic list model of ``cls`` (its items made by ``pydantic_model_creator``); fill it with
    ``await List_Pydantic.from_queryset(Model.all())``."""
    submodel = pydantic_model_creator(
        cls,
        name=name,
        exclude=exclude,
        include=include,
        computed=computed,
        allow_cycles=allow_cycles,
        sort_alphabetically=sort_alphabetically,
        _plain_name=False,  # as in Tortoise, a list's items get a hashed name
    )
    list_name = name or f"{submodel.__name__}_list"
    made = create_model(  # type: ignore[call-overload]
        list_name, __base__=PydanticListModel, root=(list[submodel], PydanticField(default_factory=list))
    )
    made.__doc__ = _doc(cls)
    made.model_config["title"] = name or f"{submodel.model_config['title']}_list"
    made.model_config["submodel"] = submodel  # type: ignore[typeddict-unknown-key]
    return made


__all__ = ["PydanticMeta", "pydantic_model_creator", "pydantic_queryset_creator"]
