"""Database routers: send reads and writes of a model to chosen connections.

A router is any object with ``db_for_read(model)`` and/or ``db_for_write(model)``
returning a connection alias or None; routers are asked in order.
"""

from __future__ import annotations

import importlib
from typing import Any

from orm.exceptions import ConfigurationError


class ConnectionRouter:
    """Asks the configured routers, in order, which connection a model uses."""

    def __init__(self) -> None:
        self._routers: list[Any] = []

    def init_routers(self, routers: list[Any]) -> None:
        self._routers = [_instantiate(r) for r in routers or ()]

    def db_for(self, model: type, write: bool) -> str | None:
        if not self._routers:
            return None
        method = "db_for_write" if write else "db_for_read"
        for router in self._routers:
            choose = getattr(router, method, None)
            if choose is not None:
                alias = choose(model)
                if alias:
                    return alias
        return None

    def db_for_read(self, model: type) -> str | None:
        return self.db_for(model, False)

    def db_for_write(self, model: type) -> str | None:
        return self.db_for(model, True)


def _instantiate(router: Any) -> Any:
    if isinstance(router, str):
        module_name, _, attr = router.rpartition(".")
        try:
            router = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError, ValueError) as exc:
            raise ConfigurationError(f"cannot import router {router!r}: {exc}") from exc
    return router() if isinstance(router, type) else router


router = ConnectionRouter()
