"""``Tortoise``: initialise the ORM, generate schemas, close connections."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from orm import timezone
from orm.apps import import_module, models_of, registry
from orm.config import generate_config, load_config_file, normalise_connection
from orm.connection import connections
from orm.exceptions import ConfigurationError, nearest
from orm.model import options
from orm.router import router

if TYPE_CHECKING:
    from orm.backends.base.client import QueryRunner
    from orm.models import Model


class Tortoise:
    """The ORM's entry point: ``await Tortoise.init(db_url=..., modules={...})``."""

    apps: dict[str, dict[str, type[Model]]] = {}
    _inited: bool = False

    @classmethod
    async def init(
        cls,
        config: dict[str, Any] | None = None,
        config_file: str | None = None,
        _create_db: bool = False,
        db_url: str | None = None,
        modules: dict[str, Iterable[str | ModuleType]] | None = None,
        use_tz: bool | None = None,
        timezone: str | None = None,
        routers: list[Any] | None = None,
        table_name_generator: Callable[[type], str] | None = None,
        connect: bool = True,
    ) -> None:
        """Bind the models of ``modules`` to the database of ``db_url`` (or a ``config``).

        Calling it again replaces the previous setup (its connections are closed).
        """
        config = _choose_config(config, config_file, db_url, modules)
        # A bad URL or a module that cannot be imported fails here, leaving the previous setup as it was.
        connections_config, apps_config = _validated(config)
        _import_app_modules(apps_config)
        if cls._inited or connections.opened():
            await connections.close_all(discard=True)
        try:
            _configure_time(config, use_tz, timezone)
            options.table_name_generator = table_name_generator
            connections.configure(connections_config)
            for model in registry.models():
                model._meta.reset_relations()
                model._meta.default_connection = None  # a model the new setup drops is unbound
            registry.load(apps_config)
            cls._init_relations()
            router.init_routers(routers if routers is not None else config.get("routers", []))
        except BaseException:
            cls._reset()  # nothing half set up: the ORM is simply not initialised
            connections.configure({})
            raise
        cls.apps = registry.apps
        cls._inited = True
        if _create_db:
            for client in connections.all():
                await client.db_create()
        if connect:
            for client in connections.all():
                await client.ensure_connected()

    @classmethod
    def _init_relations(cls) -> None:
        models = list(registry.models())
        for model in models:
            for field in list(model._meta.declared_fields.values()):
                if getattr(field, "relation_kind", None):
                    field.resolve(registry)  # type: ignore[attr-defined]
        for model in models:
            model._meta.refresh()

    @classmethod
    def init_models(
        cls, models_paths: Iterable[str | ModuleType], app_label: str, _init_relations: bool = True
    ) -> None:
        """Register models without a database (e.g. to build pydantic models early)."""
        found: list[type[Model]] = []
        for path in models_paths:
            module = path if isinstance(path, ModuleType) else import_module(path, app_label)
            found.extend(models_of(module, app_label))
        registry.add_models(app_label, found)
        cls.apps = registry.apps
        if _init_relations:
            for model in registry.models():
                model._meta.reset_relations()
            cls._init_relations()

    @classmethod
    def get_connection(cls, connection_name: str) -> QueryRunner:
        """The client of a configured connection."""
        return connections.get(connection_name)

    @classmethod
    def describe_models(
        cls, models: Iterable[type[Model]] | None = None, serializable: bool = True
    ) -> dict[str, Any]:
        """``Model.describe()`` of every initialised model (or of ``models``), by ``app.Model``."""
        chosen = list(models) if models is not None else list(registry.models())
        return {model._meta.full_name: model.describe(serializable) for model in chosen}

    @classmethod
    async def generate_schemas(cls, safe: bool = True) -> None:
        """Create the tables of every model (``safe``: skip tables that exist)."""
        if not cls._inited:
            raise ConfigurationError("call Tortoise.init() before generate_schemas()")
        for client in connections.all():
            await client.schema_generator(client).generate_schema(safe)

    @classmethod
    def get_schema_sql(cls, connection_name: str = "default", safe: bool = False) -> str:
        """The CREATE statements ``generate_schemas`` would run on a connection."""
        client = connections.client(connection_name)
        return client.schema_generator(client).get_create_schema_sql(safe)

    @classmethod
    async def close_connections(cls) -> None:
        """Close every connection (a later query reconnects)."""
        await connections.close_all(discard=False)

    @classmethod
    async def _drop_databases(cls) -> None:
        """Drop every configured database (tests only) and forget the setup."""
        if not cls._inited:
            raise ConfigurationError("call Tortoise.init() before dropping databases")
        for client in connections.all():
            await client.db_delete()
        await connections.close_all(discard=True)
        cls._reset()

    @classmethod
    def _reset(cls) -> None:
        for model in registry.models():
            model._meta.reset_relations()
            model._meta.default_connection = None
        registry.clear()
        cls.apps = {}
        cls._inited = False


def _choose_config(
    config: dict[str, Any] | None,
    config_file: str | None,
    db_url: str | None,
    modules: dict[str, Iterable[str | ModuleType]] | None,
) -> dict[str, Any]:
    given = sum(x is not None for x in (config, config_file, db_url))
    if given != 1:
        raise ConfigurationError("pass exactly one of config, config_file or db_url (with modules)")
    if config_file is not None:
        return load_config_file(config_file)
    if db_url is not None:
        if not modules:
            raise ConfigurationError('db_url needs modules too, e.g. modules={"models": ["app.models"]}')
        return generate_config(db_url, {k: list(v) for k, v in modules.items()})  # type: ignore[arg-type]
    if not isinstance(config, dict):
        raise ConfigurationError(f"config must be a dict, not {type(config).__name__}")
    return config


def _validated(config: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    connections_config = config.get("connections")
    apps_config = config.get("apps")
    if not connections_config:
        raise ConfigurationError('config has no "connections" section')
    if not apps_config:
        raise ConfigurationError('config has no "apps" section')
    for info in connections_config.values():
        normalise_connection(info)  # bad URLs fail here, before anything changes
    for label, app in apps_config.items():
        alias = app.get("default_connection", "default") if isinstance(app, dict) else "default"
        if alias not in connections_config:
            raise ConfigurationError(
                f"app {label!r} uses connection {alias!r}, which is not configured; "
                f"{nearest(alias, connections_config)}"
            )
    return connections_config, apps_config


def _import_app_modules(apps_config: dict[str, Any]) -> None:
    for label, info in apps_config.items():
        paths = info.get("models") if isinstance(info, dict) else info
        for path in [paths] if isinstance(paths, str) else paths or ():
            if isinstance(path, str):
                import_module(path, label)


def _configure_time(config: dict[str, Any], use_tz: bool | None, tz: str | None) -> None:
    if use_tz is None:
        use_tz = config.get("use_tz", True)
    if tz is None:
        tz = config.get("timezone", "UTC")
    timezone.configure(bool(use_tz), tz)  # type: ignore[arg-type]
