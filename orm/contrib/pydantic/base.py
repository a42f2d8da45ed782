"""``PydanticModel`` / ``PydanticListModel``: pydantic models made from ORM models, filled from instances.

Needs pydantic 2 (``pip install 'shellback[pydantic]'``).
"""

from __future__ import annotations

import types
from typing import TYPE_CHECKING, Any, Union, get_args, get_origin

try:
    import pydantic
    from pydantic import BaseModel, ConfigDict, PrivateAttr, RootModel
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "orm.contrib.pydantic needs pydantic 2: pip install 'shellback[pydantic]'"
    ) from exc

if TYPE_CHECKING:
    from typing_extensions import Self

    from orm.models import Model
    from orm.queryset import QuerySet, QuerySetSingle


def _related_class(annotation: Any) -> Any:
    """``Sub`` out of ``Sub``, ``Sub | None`` or ``list[Sub]``."""
    origin = get_origin(annotation)
    if origin is list:
        args = get_args(annotation)
        return args[0] if args else None
    if origin is Union or origin is types.UnionType:
        for arg in get_args(annotation):
            if arg is not type(None):
                return arg
        return None
    return annotation


def fetch_fields_of(pydantic_class: type[BaseModel], model: type[Model]) -> list[str]:
    """The relation paths (``"events__participants"``) to prefetch so that every nested model can be filled."""
    paths: list[str] = []
    fetchable = model._meta.fetch_fields
    for name, info in pydantic_class.model_fields.items():
        related = _related_class(info.annotation)
        if name not in fetchable or not (isinstance(related, type) and issubclass(related, PydanticModel)):
            continue
        below = fetch_fields_of(related, related.model_config["orig_model"])  # type: ignore[typeddict-item]
        paths.extend([f"{name}__{sub}" for sub in below] or [name])
    return paths


class PydanticModel(BaseModel):
    """A pydantic model made by ``pydantic_model_creator``; build one from an instance with
    ``await Model_Pydantic.from_tortoise_orm(instance)``."""

    model_config = ConfigDict(from_attributes=True)
    _orm_obj: Any = PrivateAttr(default=None)

    @pydantic.model_validator(mode="wrap")
    @classmethod
    def _keep_orm_object(cls, value: Any, handler: Any) -> Any:
        instance = handler(value)
        if hasattr(value, "_meta") and hasattr(value, "_saved_in_db"):  # an ORM instance: computed fields use it
            instance._orm_obj = value
        return instance

    @classmethod
    def _fetch_fields(cls) -> list[str]:
        return fetch_fields_of(cls, cls.model_config["orig_model"])  # type: ignore[typeddict-item]

    @classmethod
    async def from_tortoise_orm(cls, obj: Model) -> Self:
        """The pydantic model of ``obj``, after fetching the relations it includes (the name is Tortoise's)."""
        fetch = cls._fetch_fields()
        if fetch:
            await obj.fetch_related(*fetch)
        return cls.model_validate(obj)

    from_orm_instance = from_tortoise_orm

    @classmethod
    async def from_queryset_single(cls, queryset: QuerySetSingle[Any]) -> Self:
        """The pydantic model of the one instance ``queryset`` (``Model.get(...)``) gives."""
        return cls.model_validate(await queryset.prefetch_related(*cls._fetch_fields()))

    @classmethod
    async def from_queryset(cls, queryset: QuerySet[Any]) -> list[Self]:
        """A list of pydantic models, one per instance of ``queryset``."""
        return [cls.model_validate(obj) for obj in await queryset.prefetch_related(*cls._fetch_fields())]


class PydanticListModel(RootModel):  # type: ignore[type-arg]
    """A list of pydantic models (``pydantic_queryset_creator``); fill it with ``from_queryset``."""

    @classmethod
    async def from_queryset(cls, queryset: QuerySet[Any]) -> Self:
        submodel: type[PydanticModel] = cls.model_config["submodel"]  # type: ignore[typeddict-item]
        objects = await queryset.prefetch_related(*submodel._fetch_fields())
        return cls.model_validate([submodel.model_validate(obj) for obj in objects])


__all__ = ["PydanticListModel", "PydanticModel"]
