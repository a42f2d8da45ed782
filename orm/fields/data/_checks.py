"""Checks the data fields share: integer options and values a field cannot convert."""

from __future__ import annotations

from typing import Any

from orm.exceptions import ConfigurationError
from orm.fields.base import Field


def int_option(name: str, value: Any) -> int:
    """A field option that must be an integer (ConfigurationError naming it otherwise)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ConfigurationError(f"{name!r} must be an integer, not {value!r}")
    try:
        return int(value)
    except ValueError:
        raise ConfigurationError(f"{name!r} must be an integer, not {value!r}") from None


def check_convertible(field: Field, value: Any, kind: str) -> None:
    """ValidationError naming ``field`` when ``value`` cannot be stored in it."""
    if value is not None:
        try:
            field.to_db_value(value)
        except (TypeError, ValueError, OverflowError):
            raise field.invalid(value, f"is not {kind}") from None
