"""The registry of apps and their models, filled by ``Tortoise.init``.

Models are found by importing each app's modules and taking their concrete
``Model`` subclasses (or the module's ``__models__`` list). The registry is
replaced as a whole on every init, so re-initialising in a notebook after
redefining a model picks up the new class.
"""

from __future__ import annotations

import importlib
import inspect
import sys
import warnings
from collections.abc import Iterable, Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Any

from orm.exceptions import ConfigurationError, nearest

if TYPE_CHECKING:
    from orm.models import Model


def import_module(path: str, app_label: str) -> ModuleType:
    if path == "__main__":
        return sys.modules["__main__"]
    try:
        return importlib.import_module(path)
    except ImportError as exc:
        raise ConfigurationError(f"app {app_label!r}: cannot import module {path!r}: {exc}") from exc


def models_of(module: ModuleType, app_label: str) -> list[type[Model]]:
    """The concrete models a module defines or imports (``__models__`` if it has one)."""
    from orm.models import Model

    declared = getattr(module, "__models__", None)
    candidates: Iterable[Any] = declared if declared is not None else vars(module).values()
    found = []
    for value in candidates:
        if inspect.isclass(value) and issubclass(value, Model) and value is not Model:
            meta = value._meta
            if meta.abstract or (meta.declared_app is not None and meta.declared_app != app_label):
                continue
            if value not in found:
                found.append(value)
    return found


class Apps:
    """App label -> model name -> model class."""

    def __init__(self) -> None:
        self.apps: dict[str, dict[str, type[Model]]] = {}

    def load(self, apps_config: dict[str, Any], default_connection: str | None = None) -> None:
        """Discover the models of every app in ``apps_config`` and bind them."""
        loaded: dict[str, dict[str, type[Model]]] = {}
        for label, info in apps_config.items():
            if isinstance(info, (list, tuple)):
                info = {"models": list(info)}
            modules = info.get("models")
            if not modules:
                raise ConfigurationError(f"app {label!r} lists no model modules")
            if isinstance(modules, str):
                modules = [modules]
            connection = info.get("default_connection", default_connection or "default")
            loaded[label] = {}
            for path in modules:
                module = path if isinstance(path, ModuleType) else import_module(path, label)
                models = models_of(module, label)
                if not models:
                    warnings.warn(
                        f'Module "{getattr(module, "__name__", path)}" has no models',
                        RuntimeWarning,
                        stacklevel=3,
                    )
                for model in models:
                    model._meta.app = label
                    model._meta.default_connection = connection
                    loaded[label][model.__name__] = model
        self.apps = loaded

    def add_models(self, label: str, models: Iterable[type[Model]], connection: str | None = None) -> None:
        """Register models directly (``Tortoise.init_models`` and tests)."""
        bucket = self.apps.setdefault(label, {})
        for model in models:
            model._meta.app = label
            if connection is not None:
                model._meta.default_connection = connection
            bucket[model.__name__] = model

    def models(self) -> Iterator[type[Model]]:
        for app in self.apps.values():
            yield from app.values()

    def get_model(self, reference: str, default_app: str | None = None) -> type[Model]:
        """The model named ``"app.Model"`` (or ``"Model"`` within ``default_app``)."""
        app_label, _, name = reference.rpartition(".")
        app_label = app_label or default_app or ""
        app = self.apps.get(app_label)
        if app is None:
            raise ConfigurationError(
                f"no app {app_label!r} for the reference {reference!r}; {nearest(app_label, self.apps)}"
            )
        model = app.get(name)
        if model is None:
            raise ConfigurationError(
                f"no model {name!r} in app {app_label!r} (reference {reference!r}); {nearest(name, app)}"
            )
        return model

    def clear(self) -> None:
        self.apps = {}


registry = Apps()
