"""Class creation of a model: collect fields from the class, its mixins and abstract bases."""

from __future__ import annotations

import inspect
import re
import warnings
from typing import TYPE_CHECKING, Any

from orm.exceptions import ConfigurationError, DoesNotExist, MultipleObjectsReturned, nearest
from orm.fields.base import Field
from orm.model.options import INHERITED_META, META_ATTRIBUTES, ModelOptions

if TYPE_CHECKING:
    from orm.models import Model


def _meta_dict(cls: type[Model]) -> dict[str, Any]:
    """The class's own ``Meta`` attributes plus those inherited from abstract bases."""
    own_meta = cls.__dict__.get("Meta")
    meta = {k: v for k, v in vars(own_meta).items() if not k.startswith("_")} if own_meta else {}
    for name in meta:
        if name not in META_ATTRIBUTES:
            warnings.warn(
                f"{cls.__name__}.Meta.{name} is not a model option; {nearest(name, META_ATTRIBUTES)}",
                stacklevel=4,
            )
    for base in cls.__mro__[1:]:
        base_meta = base.__dict__.get("_meta")
        if isinstance(base_meta, ModelOptions) and base_meta.abstract:
            base_own = base.__dict__.get("Meta")
            for name in INHERITED_META:
                if name not in meta and base_own is not None and hasattr(base_own, name):
                    meta[name] = getattr(base_own, name)
    return meta


def _collect_fields(cls: type[Model]) -> dict[str, Field]:
    """Fields in declaration order, bases (mixins, abstract models) first; each bound to ``cls``."""
    found: dict[str, Field] = {}
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, Field):
                found.pop(name, None)
                found[name] = value
            elif name in found:  # a subclass replaced an inherited field by something else
                del found[name]
    fields: dict[str, Field] = {}
    for name, field in found.items():
        if cls.__dict__.get(name) is not field or field.model not in (None, cls):
            field = field.clone()
            setattr(cls, name, field)
        field.bind(cls, name)
        fields[name] = field
    return fields


_COMMENT = re.compile(r"^\s*#:\s?(.*)$")
_ASSIGNMENT = re.compile(r"^\s*(\w+)\s*[:=]")


def _field_comments(cls: type) -> dict[str, str]:
    """``#:`` comment lines right above an attribute, by attribute name (from the class and its bases;
    ``{model}`` becomes the class name), as Tortoise reads them for field docstrings."""
    found: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if klass is object or klass.__module__ == "orm.models":
            continue
        try:
            lines = inspect.getsource(klass).splitlines()
        except Exception:  # no source (built in a REPL, frozen...): comments are only documentation
            continue
        pending: list[str] = []
        for line in lines:
            comment = _COMMENT.match(line)
            if comment:
                pending.append(comment.group(1).rstrip())
                continue
            assignment = _ASSIGNMENT.match(line)
            if assignment and pending:
                found[assignment.group(1)] = "\n".join(pending).strip().replace("{model}", cls.__name__)
            pending = []
    return found


def build_model(cls: type[Model]) -> None:
    """Give ``cls`` its ``_meta`` and its own DoesNotExist/MultipleObjectsReturned."""
    from orm.fields.data import IntField

    meta = _meta_dict(cls)
    fields = _collect_fields(cls)
    # a OneToOneField(primary_key=True) gives its ``<name>_id`` column as the key at init
    declared_pk = any(f.pk or getattr(f, "is_pk", False) for f in fields.values())
    if not meta.get("abstract") and not declared_pk:
        if "id" in fields:
            raise ConfigurationError(
                f"{cls.__name__}.id is not a primary key, and the model has none: "
                "mark a field primary_key=True"
            )
        auto = IntField(primary_key=True)
        auto.bind(cls, "id")
        cls.id = auto  # type: ignore[attr-defined]
        fields = {"id": auto, **fields}
    for field in fields.values():
        if field.pk and field.null:
            raise ConfigurationError(f"{cls.__name__}.{field.model_field_name}: a primary key cannot be null")
    comments = _field_comments(cls)
    for name, comment in comments.items():
        field = fields.get(name)
        if field is not None:
            field.docstring = comment
            if field.description is None:
                field.description = comment.split("\n")[0]
    if cls.__dict__.get("__doc__") and not meta.get("table_description"):
        meta["table_description"] = inspect.cleandoc(cls.__doc__ or "").split("\n")[0]  # as Tortoise does
    options = ModelOptions(cls, meta, fields)
    options.manager = options.manager.contribute(cls)
    from orm.manager import Manager

    for name, value in list(vars(cls).items()):
        if isinstance(value, Manager) and name != "_meta":  # ``all_objects = Manager()`` on the class
            setattr(cls, name, value.contribute(cls))
    cls._meta = options
    qualname = cls.__qualname__
    module = cls.__module__
    cls.DoesNotExist = type(
        "DoesNotExist", (DoesNotExist,), {"__qualname__": f"{qualname}.DoesNotExist", "__module__": module}
    )
    cls.MultipleObjectsReturned = type(
        "MultipleObjectsReturned",
        (MultipleObjectsReturned,),
        {"__qualname__": f"{qualname}.MultipleObjectsReturned", "__module__": module},
    )
