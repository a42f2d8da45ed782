"""Database URLs and configuration dicts, turned into clients.

Backends are imported only when a URL asks for them, so a missing driver is
reported with the pip extra that installs it.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from orm.exceptions import ConfigurationError, nearest

if TYPE_CHECKING:
    from orm.backends.base.client import BaseDBAsyncClient


@dataclass(frozen=True)
class Backend:
    engine: str
    driver: str
    extra: str | None
    default_port: int | None = None


BACKENDS: dict[str, Backend] = {
    "sqlite": Backend("orm.backends.sqlite", "aiosqlite", None),
    "postgres": Backend("orm.backends.asyncpg", "asyncpg", "postgres", 5432),
    "postgresql": Backend("orm.backends.asyncpg", "asyncpg", "postgres", 5432),
    "asyncpg": Backend("orm.backends.asyncpg", "asyncpg", "postgres", 5432),
    "psycopg": Backend("orm.backends.psycopg", "psycopg", "psycopg", 5432),
    "mysql": Backend("orm.backends.mysql", "asyncmy", "mysql", 3306),
}
_BY_ENGINE = {b.engine: b for b in BACKENDS.values()}


def _parse_value(value: str) -> Any:
    if value.isdigit():
        return int(value)
    lowered = value.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    return value


def expand_db_url(db_url: str) -> dict[str, Any]:
    """``{"engine": ..., "credentials": {...}}`` for a database URL."""
    if not isinstance(db_url, str) or "://" not in db_url:
        raise ConfigurationError(f"not a database URL: {db_url!r} (expected e.g. sqlite://db.sqlite3)")
    scheme, rest = db_url.split("://", 1)
    backend = BACKENDS.get(scheme.lower())
    if backend is None:
        raise ConfigurationError(f"unknown database URL scheme {scheme!r}; {nearest(scheme, BACKENDS)}")
    if backend.engine == "orm.backends.sqlite":
        path, _, query = rest.partition("?")
        if not path:
            raise ConfigurationError(
                "sqlite URL needs a file path, e.g. sqlite://db.sqlite3 or sqlite://:memory:"
            )
        credentials: dict[str, Any] = {"file_path": unquote(path)}
        credentials.update((k, _parse_value(v)) for k, v in parse_qsl(query))
        return {"engine": backend.engine, "credentials": credentials}
    return {"engine": backend.engine, "credentials": _server_credentials(db_url, backend)}


def _server_credentials(db_url: str, backend: Backend) -> dict[str, Any]:
    url = urlsplit(db_url)
    try:
        port = url.port or backend.default_port
    except ValueError as exc:
        raise ConfigurationError(f"bad port in database URL: {exc}") from None
    database = url.path.lstrip("/")
    if not url.hostname:
        raise ConfigurationError("the database URL needs a host, e.g. postgres://user@127.0.0.1:5432/db")
    if not database:
        raise ConfigurationError("the database URL needs a database name after the host, e.g. .../test")
    credentials: dict[str, Any] = {
        "host": url.hostname,
        "port": port,
        "user": unquote(url.username) if url.username else None,
        "password": unquote(url.password) if url.password else None,
        "database": unquote(database),
    }
    credentials.update((k, _parse_value(v)) for k, v in parse_qsl(url.query))
    return credentials


def normalise_connection(info: str | dict[str, Any]) -> dict[str, Any]:
    """A connection entry of a config (URL or engine dict) as an engine dict."""
    if isinstance(info, str):
        return expand_db_url(info)
    if not isinstance(info, dict) or "engine" not in info:
        raise ConfigurationError(f"a connection must be a URL or a dict with 'engine', not {info!r}")
    engine = info["engine"]
    if isinstance(engine, str) and engine.startswith("tortoise.backends."):
        engine = "orm.backends." + engine.removeprefix("tortoise.backends.")
    return {"engine": engine, "credentials": dict(info.get("credentials", {}))}


def _installed(module_name: str) -> bool:
    """Whether ``module_name`` can be imported (checked before importing the backend using it)."""
    try:
        return importlib.util.find_spec(module_name) is not None
    except (ImportError, ValueError):
        return False


def _missing_driver(alias: str, backend: Backend) -> ConfigurationError:
    hint = f"pip install 'shellback[{backend.extra}]'" if backend.extra else f"pip install {backend.driver}"
    return ConfigurationError(
        f"connection {alias!r} needs the {backend.driver} driver, which is not installed: {hint}"
    )


def create_client(alias: str, info: str | dict[str, Any]) -> BaseDBAsyncClient:
    """The client a configuration entry describes."""
    entry = normalise_connection(info)
    engine = entry["engine"]
    backend = _BY_ENGINE.get(engine)
    if backend is not None and not _installed(backend.driver):
        raise _missing_driver(alias, backend)
    try:
        module = importlib.import_module(engine)
    except ImportError as exc:
        if backend is not None and exc.name and exc.name.split(".")[0] == backend.driver:
            raise _missing_driver(alias, backend) from exc
        raise ConfigurationError(f"connection {alias!r}: cannot import backend {engine!r}: {exc}") from exc
    client_class = getattr(module, "client_class", None)
    if client_class is None:
        raise ConfigurationError(f"backend {engine!r} has no client_class")
    credentials = entry["credentials"]
    try:
        return client_class(connection_name=alias, **credentials)
    except TypeError as exc:
        raise ConfigurationError(f"connection {alias!r}: bad credentials for {engine}: {exc}") from exc


def generate_config(
    db_url: str, app_modules: dict[str, list[str]], connection_label: str = "default"
) -> dict[str, Any]:
    """The config dict equivalent of ``init(db_url=..., modules=...)``."""
    return {
        "connections": {connection_label: db_url},
        "apps": {
            label: {"models": list(models), "default_connection": connection_label}
            for label, models in app_modules.items()
        },
    }


def load_config_file(path: str) -> dict[str, Any]:
    """Read a JSON (or YAML, if PyYAML is installed) configuration file."""
    if not os.path.exists(path):
        raise ConfigurationError(f"config file {path!r} does not exist")
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if path.endswith((".yml", ".yaml")):
        try:
            import yaml  # type: ignore[import-untyped]
        except ImportError:
            raise ConfigurationError("reading a YAML config needs PyYAML: pip install pyyaml") from None
        return yaml.safe_load(text)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigurationError(f"config file {path!r} is not valid JSON: {exc}") from exc


def safe_url(db_url: str) -> str:
    """The URL with its password hidden, for messages and displays."""
    try:
        url = urlsplit(db_url)
    except ValueError:
        return "<database URL>"
    if url.password:
        netloc = url.netloc.replace(f":{url.password}@", ":***@")
        return url._replace(netloc=netloc).geturl()
    return db_url
