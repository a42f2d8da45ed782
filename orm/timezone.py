"""Time-zone settings and helpers (Tortoise's ``tortoise.timezone``).

``use_tz`` (default True) stores datetimes as UTC and returns aware values in
the configured ``timezone`` (default UTC); with ``use_tz=False`` values are
stored and returned naive. Both are set by ``Tortoise.init``.
"""

from __future__ import annotations

from datetime import datetime, time, tzinfo
from datetime import timezone as _tz
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from orm.exceptions import ConfigurationError

UTC = _tz.utc


class _Settings:
    use_tz: bool = True
    timezone: str = "UTC"
    tzinfo: tzinfo = UTC


_settings = _Settings()


def parse_timezone(name: str) -> tzinfo:
    """Return the tzinfo for an IANA name such as ``"Europe/Paris"``."""
    if name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigurationError(f"unknown timezone {name!r}") from exc


def configure(use_tz: bool = True, timezone: str = "UTC") -> None:
    """Set the process-wide time-zone behaviour (called by ``Tortoise.init``)."""
    _settings.tzinfo = parse_timezone(timezone)
    _settings.use_tz = bool(use_tz)
    _settings.timezone = timezone


def settings() -> _Settings:
    """The live settings object (``use_tz``, ``tzinfo``): read its attributes at the time of use."""
    return _settings


def get_use_tz() -> bool:
    """Whether datetimes are stored as UTC and returned aware."""
    return _settings.use_tz


def get_timezone() -> str:
    """The configured time-zone name."""
    return _settings.timezone


def get_default_timezone() -> tzinfo:
    """The configured time zone as a tzinfo."""
    return _settings.tzinfo


def now() -> datetime:
    """The current time: aware in UTC when ``use_tz``, else naive local time."""
    if _settings.use_tz:
        return datetime.now(tz=UTC)
    return datetime.now()


def is_aware(value: datetime | time) -> bool:
    """True when ``value`` carries a usable UTC offset."""
    return value.utcoffset() is not None


def is_naive(value: datetime | time) -> bool:
    """True when ``value`` has no UTC offset."""
    return value.utcoffset() is None


def localtime(value: datetime | None = None, timezone: str | None = None) -> datetime:
    """Convert an aware datetime to the configured (or given) time zone."""
    if value is None:
        value = datetime.now(tz=UTC)
    if is_naive(value):
        raise ValueError("localtime() cannot be applied to a naive datetime")
    tz = _settings.tzinfo if timezone is None else parse_timezone(timezone)
    return value.astimezone(tz)


def make_aware(value: datetime, timezone: str | None = None) -> datetime:
    """Attach the configured (or given) time zone to a naive datetime."""
    if is_aware(value):
        raise ValueError(f"make_aware expects a naive datetime, got {value}")
    tz = _settings.tzinfo if timezone is None else parse_timezone(timezone)
    return value.replace(tzinfo=tz)


def make_naive(value: datetime, timezone: str | None = None) -> datetime:
    """Convert an aware datetime to the configured (or given) zone and drop the zone."""
    if is_naive(value):
        raise ValueError("make_naive() cannot be applied to a naive datetime")
    tz = _settings.tzinfo if timezone is None else parse_timezone(timezone)
    return value.astimezone(tz).replace(tzinfo=None)
