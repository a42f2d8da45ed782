"""Managers: where a model's querysets come from (``Meta.manager = MyManager()``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from orm.models import Model
    from orm.queryset import QuerySet


class Manager:
    """Gives a model's base queryset; subclass and override ``get_queryset`` to narrow it."""

    def __init__(self, model: type[Model] | None = None) -> None:
        self._model = model

    def contribute(self, model: type[Model]) -> Manager:
        """A copy of this manager bound to ``model``."""
        bound = object.__new__(type(self))
        bound.__dict__.update(self.__dict__)
        bound._model = model
        return bound

    def get_queryset(self) -> QuerySet[Any]:
        """The queryset every query of the model starts from."""
        from orm.queryset import QuerySet

        assert self._model is not None, "manager is not bound to a model"
        return QuerySet(self._model)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.get_queryset(), name)
