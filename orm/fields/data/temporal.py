"""Time fields: datetimes (time-zone aware by default), dates, times of day and durations."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from orm import timezone
from orm.exceptions import ConfigurationError
from orm.fields.base import NO_DEFAULT, Converter, Field
from orm.fields.data._checks import check_convertible

try:  # optional accelerator
    from ciso8601 import parse_datetime as _parse_datetime
except ImportError:  # pragma: no cover - depends on installed extras
    _parse_datetime = datetime.datetime.fromisoformat

if TYPE_CHECKING:
    from orm.backends.base.dialect import Dialect

VALUE = TypeVar("VALUE")


class DatetimeField(Field[datetime.datetime]):
    """Date and time. ``auto_now`` sets it on every save, ``auto_now_add`` on create.

    With ``use_tz`` (the default) values are stored as UTC and read back aware
    in the configured time zone; naive input is taken to be in that zone.
    """

    db_type = "datetime"
    field_type = datetime.datetime

    def __init__(self, auto_now: bool = False, auto_now_add: bool = False, **kwargs: Any) -> None:
        if auto_now and auto_now_add:
            raise ConfigurationError("You can choose only 'auto_now' or 'auto_now_add'")
        super().__init__(**kwargs)
        self.auto_now = auto_now
        self.auto_now_add = auto_now_add
        if auto_now or auto_now_add:  # the value is set on save
            self.has_default = True
            if self.default is NO_DEFAULT:
                self.default = None

    @property
    def constraints(self) -> dict[str, Any]:
        return {"readOnly": True} if self.auto_now or self.auto_now_add else {}

    def describe(self, serializable: bool = True) -> dict[str, Any]:
        return {**super().describe(serializable), "auto_now_add": self.auto_now_add, "auto_now": self.auto_now}

    def to_db_value(self, value: Any, instance: Any = None) -> Any:
        value = _as_datetime(value)
        if timezone.get_use_tz():
            if value.utcoffset() is None:
                value = value.replace(tzinfo=timezone.get_default_timezone())
            return value.astimezone(timezone.UTC)
        if value.utcoffset() is not None:
            return timezone.make_naive(value)
        return value

    def to_python_value(self, value: Any) -> Any:
        if value is None:
            return None
        value = _as_datetime(value)
        if timezone.get_use_tz():
            tz = timezone.get_default_timezone()
            if value.utcoffset() is None:
                return value.replace(tzinfo=tz)
            return value if value.tzinfo is tz else value.astimezone(tz)
        if value.utcoffset() is not None:
            return timezone.make_naive(value)
        return value

    def validate(self, value: Any) -> None:
        if value is not None:
            try:
                _as_datetime(value)
            except (TypeError, ValueError):
                raise self.invalid(value, "is not a datetime") from None
            try:
                self.to_db_value(value)
            except OverflowError:  # datetime(1, 1, 1) at UTC+5 is in year 0 in UTC
                raise self.invalid(value, "is out of range in UTC (years 1 to 9999)") from None
        super().validate(value)

    def _make_writer(self, dialect: Dialect) -> Converter:
        checked = super()._make_writer(dialect)
        if not self._unchanged(DatetimeField, dialect, validators=0, adapted=True):
            return checked
        to_db, adapt = self.db_converter(dialect), dialect.param_adapter(self)
        settings, utc = timezone.settings(), timezone.UTC

        def write(value: Any) -> Any:
            if type(value) is datetime.datetime:  # validating it is converting it
                if value.tzinfo is utc and settings.use_tz:  # to_db_value's astimezone(UTC) keeps it as it is
                    return value if adapt is None else adapt(value)
                try:
                    return to_db(value)
                except OverflowError:
                    pass  # checked() names the problem
            return checked(value)

        return write

    def _read_shortcut(self, convert: Converter) -> Converter:
        if type(self).to_python_value is not DatetimeField.to_python_value:
            return convert
        settings, aware, parse = timezone.settings(), datetime.datetime, _parse_datetime

        def read(value: Any) -> Any:
            # what every dialect returns unchanged: an aware datetime already in the configured zone
            kind = type(value)
            if kind is aware:
                if value.tzinfo is settings.tzinfo and settings.use_tz:
                    return value
            elif kind is str and settings.use_tz:
                # text (SQLite): with use_tz every dialect's converter hands it to to_python_value, which parses
                # it and keeps it as it is when it is in the configured zone (UTC as stored, by default)
                parsed = parse(value)
                if parsed.tzinfo is settings.tzinfo:
                    return parsed
            return convert(value)

        return read

    def user_converter(self) -> Converter | None:
        convert = super().user_converter()
        cls = type(self)
        if (
            convert is None
            or cls.user_value is not Field.user_value
            or cls.to_python_value is not DatetimeField.to_python_value
        ):
            return convert
        settings, aware = timezone.settings(), datetime.datetime

        def user(value: Any) -> Any:
            # what to_python_value returns as it is; the settings are read at each call (Tortoise.init may change them)
            if type(value) is aware and value.tzinfo is settings.tzinfo and settings.use_tz:
                return value
            return convert(value)

        return user

    def gives_auto_value(self) -> bool:
        # a plain DatetimeField's auto_value always gives None: single-row writes skip it
        return self.auto_now or self.auto_now_add or type(self).auto_value is not DatetimeField.auto_value

    def auto_value(self, creating: bool) -> datetime.datetime | None:
        """The value auto_now/auto_now_add gives on save, or None."""
        if self.auto_now or (self.auto_now_add and creating):
            return self.to_python_value(timezone.now())
        return None


def _as_datetime(value: Any) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str):
        return _parse_datetime(value)
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day)
    if isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(value, tz=timezone.UTC)
    raise TypeError(f"cannot convert {value!r} to a datetime")


class _ParsedField(Field[VALUE]):
    """A value that one function, ``parse``, makes from what the user or the driver gives; the
    driver takes the Python value as it is."""

    plain_read = True
    #: What the value is, for the error message: "a date".
    kind: ClassVar[str]

    @staticmethod
    def parse(value: Any) -> Any:
        """``value`` as the field's type; TypeError or ValueError when it is not one."""
        raise NotImplementedError

    def to_db_value(self, value: Any, instance: Any = None) -> Any:
        return self.parse(value)

    def to_python_value(self, value: Any) -> Any:
        return None if value is None else self.parse(value)

    def validate(self, value: Any) -> None:
        check_convertible(self, value, self.kind)
        super().validate(value)


class DateField(_ParsedField[datetime.date]):
    """A calendar date."""

    db_type = "date"
    field_type = datetime.date
    kind = "a date"

    @staticmethod
    def parse(value: Any) -> datetime.date:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            return datetime.date.fromisoformat(value[:10])
        raise TypeError(f"cannot convert {value!r} to a date")


class TimeField(_ParsedField[datetime.time]):
    """A time of day."""

    db_type = "time"
    field_type = datetime.time
    kind = "a time"

    @staticmethod
    def parse(value: Any) -> datetime.time:
        if isinstance(value, datetime.time):
            return value
        if isinstance(value, datetime.timedelta):  # MySQL returns TIME as a timedelta
            seconds = int(value.total_seconds())
            return datetime.time(seconds // 3600, seconds // 60 % 60, seconds % 60, value.microseconds)
        if isinstance(value, str):
            return datetime.time.fromisoformat(value)
        raise TypeError(f"cannot convert {value!r} to a time")


class TimeDeltaField(Field[datetime.timedelta]):
    """A duration, stored as a whole number of microseconds."""

    db_type = "timedelta"
    field_type = datetime.timedelta

    def to_db_value(self, value: Any, instance: Any = None) -> Any:
        if isinstance(value, datetime.timedelta):
            return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
        return int(value)

    def to_python_value(self, value: Any) -> Any:
        if value is None or isinstance(value, datetime.timedelta):
            return value
        return datetime.timedelta(microseconds=int(value))

    def validate(self, value: Any) -> None:
        if value is None:
            return super().validate(value)
        try:
            microseconds = self.to_db_value(value)
        except (TypeError, ValueError):
            raise self.invalid(value, "is not a timedelta") from None
        if not -(2**63) <= microseconds < 2**63:
            raise self.invalid(value, "does not fit in 64-bit microseconds (about ±292,000 years)")
        super().validate(value)
