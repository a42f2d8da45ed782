"""FastAPI integration (Tortoise's ``tortoise.contrib.fastapi``): set the ORM up for an app's lifespan.

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        async with RegisterTortoise(app, db_url="sqlite://:memory:", modules={"models": ["app.models"]},
                                    generate_schemas=True):
            yield

    app = FastAPI(lifespan=lifespan, exception_handlers=tortoise_exception_handlers())

FastAPI itself is only imported by ``tortoise_exception_handlers`` and ``add_exception_handlers``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Generator, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from types import ModuleType
from typing import TYPE_CHECKING, Any

from orm.exceptions import DoesNotExist, IntegrityError
from orm.tortoise import Tortoise

if TYPE_CHECKING:
    from typing_extensions import Self

logger = logging.getLogger("orm.contrib.fastapi")


def tortoise_exception_handlers() -> dict[type[Exception], Callable[..., Any]]:
    """Handlers answering ``DoesNotExist`` with 404 and ``IntegrityError`` with 422 (pass them to
    ``FastAPI(exception_handlers=...)``). They put the error's message in the response."""
    from fastapi.responses import JSONResponse

    async def does_not_exist(request: Any, exc: DoesNotExist) -> Any:
        return JSONResponse(status_code=404, content={"detail": str(exc)})

    async def integrity_error(request: Any, exc: IntegrityError) -> Any:
        return JSONResponse(
            status_code=422, content={"detail": [{"loc": [], "msg": str(exc), "type": "IntegrityError"}]}
        )

    return {DoesNotExist: does_not_exist, IntegrityError: integrity_error}


class RegisterTortoise(AbstractAsyncContextManager):  # type: ignore[type-arg]
    """``async with RegisterTortoise(app, ...)``: ``Tortoise.init`` on entry (and ``generate_schemas``
    if asked), ``Tortoise.close_connections`` on exit. Takes ``config``, ``config_file`` or
    ``db_url`` + ``modules``, as ``Tortoise.init`` does."""

    def __init__(
        self,
        app: Any = None,
        config: dict[str, Any] | None = None,
        config_file: str | None = None,
        db_url: str | None = None,
        modules: dict[str, Iterable[str | ModuleType]] | None = None,
        generate_schemas: bool = False,
        add_exception_handlers: bool = False,
        use_tz: bool = True,
        timezone: str = "UTC",
        _create_db: bool = False,
        _enable_global_fallback: bool = True,
    ) -> None:
        self.app = app
        self.config = config
        self.config_file = config_file
        self.db_url = db_url
        self.modules = modules
        self.generate_schemas = generate_schemas
        self.use_tz = use_tz
        self.timezone = timezone
        self._create_db = _create_db
        if add_exception_handlers and app is not None:
            _add_exception_handlers(app)

    async def init_orm(self) -> None:
        await Tortoise.init(
            config=self.config,
            config_file=self.config_file,
            db_url=self.db_url,
            modules=self.modules,
            use_tz=self.use_tz,
            timezone=self.timezone,
            _create_db=self._create_db,
        )
        logger.info("ORM started: apps %s", list(Tortoise.apps))
        if self.generate_schemas:
            await Tortoise.generate_schemas()

    async def close_orm(self) -> None:
        await Tortoise.close_connections()
        logger.info("ORM shut down")

    def __call__(self, *args: Any, **kwargs: Any) -> Self:
        return self  # so that it can stand where FastAPI expects a lifespan function

    async def __aenter__(self) -> Self:
        await self.init_orm()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close_orm()

    def __await__(self) -> Generator[Any, None, Self]:
        return self.__aenter__().__await__()


def _add_exception_handlers(app: Any) -> None:
    for exception_type, handler in tortoise_exception_handlers().items():
        app.exception_handler(exception_type)(handler)


def register_tortoise(
    app: Any,
    config: dict[str, Any] | None = None,
    config_file: str | None = None,
    db_url: str | None = None,
    modules: dict[str, Iterable[str | ModuleType]] | None = None,
    generate_schemas: bool = False,
    add_exception_handlers: bool = False,
) -> None:
    """Set the ORM up around ``app``'s lifespan (inside any lifespan the app already has)."""
    original = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app_instance: Any) -> AsyncIterator[Any]:
        orm = RegisterTortoise(app_instance, config, config_file, db_url, modules, generate_schemas)
        async with orm, original(app_instance) as state:
            yield state

    app.router.lifespan_context = lifespan
    if add_exception_handlers:
        _add_exception_handlers(app)


__all__ = ["RegisterTortoise", "register_tortoise", "tortoise_exception_handlers"]
