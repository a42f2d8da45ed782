"""Tortoise's ``tortoise.backends.base.config_generator``: URLs and config dicts."""

from __future__ import annotations

from typing import Any

from orm.config import expand_db_url as _expand_db_url
from orm.config import generate_config as _generate_config


def expand_db_url(db_url: str, testing: bool = False) -> dict[str, Any]:
    """``{"engine": ..., "credentials": {...}}`` for a URL; with ``testing``, ``{}`` in it becomes a
    random database name."""
    if testing and "{}" in db_url:
        from orm.contrib.test import _fill_placeholder

        db_url = _fill_placeholder(db_url)
    return _expand_db_url(db_url)


def generate_config(
    db_url: str,
    app_modules: dict[str, Any],
    connection_label: str | None = None,
    testing: bool = False,
) -> dict[str, Any]:
    """The config dict for ``db_url`` and ``{app_label: [modules]}`` (connection ``default``)."""
    label = connection_label or "default"
    config = _generate_config(db_url, app_modules, label)
    config["connections"][label] = expand_db_url(db_url, testing)
    return config


__all__ = ["expand_db_url", "generate_config"]
