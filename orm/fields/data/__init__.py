"""Data fields: one Python type each, stored in one column."""

from __future__ import annotations

import datetime
import decimal
import enum
import json
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from orm import timezone
from orm.exceptions import ConfigurationError
from orm.fields.base import NO_DEFAULT, Converter, Field
from orm.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator

try:  # optional accelerator
    import orjson

    def json_dumps(value: Any) -> str:
        return orjson.dumps(value).decode()

    json_loads: Callable[[Any], Any] = orjson.loads
except ImportError:  # pragma: no cover - depends on installed extras

    def json_dumps(value: Any) -> str:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)

    json_loads = json.loads

try:  # optional accelerator
    from ciso8601 import parse_datetime as _parse_datetime
except ImportError:  # pragma: no cover - depends on installed extras
    _parse_datetime = datetime.datetime.fromisoformat

if TYPE_CHECKING:
    from orm.backends.base.dialect import Dialect

ENUM = TypeVar("ENUM", bound=enum.Enum)


def _int_option(name: str, value: Any) -> int:
    """A field option that must be an integer (ConfigurationError naming it otherwise)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ConfigurationError(f"{name!r} must be an integer, not {value!r}")
    try:
        return int(value)
    except ValueError:
        raise ConfigurationError(f"{name!r} must be an integer, not {value!r}") from None


def _check_convertible(field: Field, value: Any, kind: str) -> None:
    """ValidationError naming ``field`` when ``value`` cannot be stored in it."""
    if value is not None:
        try:
            field.to_db_value(value)
        except (TypeError, ValueError, OverflowError):
            raise field.invalid(value, f"is not {kind}") from None


def _enum_option(field: str, enum_type: Any) -> None:
    if not (isinstance(enum_type, type) and issubclass(enum_type, enum.Enum)):
        raise ConfigurationError(f"{field} needs an Enum class, not {enum_type!r}")


# -- numbers -----------------------------------------------------------------
class _IntegerField(Field[int]):
    field_type = int
    plain_type = int
    plain_read = True
    allows_generated = True
    min_value: ClassVar[int]
    max_value: ClassVar[int]

    def __init__(self, primary_key: bool | None = None, **kwargs: Any) -> None:
        is_pk = bool(primary_key) or bool(kwargs.get("pk"))
        if is_pk:
            kwargs.setdefault("generated", True)
        super().__init__(primary_key=primary_key, **kwargs)
        self.validators[:0] = [MinValueValidator(self.min_value), MaxValueValidator(self.max_value)]

    def to_db_value(self, value: Any, instance: Any = None) -> Any:
        return value if type(value) is int else int(value)

    def to_python_value(self, value: Any) -> Any:
        return value if value is None or type(value) is int else int(value)

    def user_value(self, value: Any) -> Any:
        number = self.to_python_value(value)
        if number != value and isinstance(value, (float, decimal.Decimal)):
            raise self.invalid(value, "is not a whole number")  # int() would cut the fraction off
        return number

    def _make_writer(self, dialect: Dialect) -> Converter:
        checked = super()._make_writer(dialect)
        if not self._unchanged(_IntegerField, dialect, validators=2):
            return checked
        low, high = self.min_value, self.max_value

        def write(value: Any) -> Any:
            if type(value) is int and low <= value <= high:
                return value
            return checked(value)

        return write

    def validate(self, value: Any) -> None:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            try:
                number = int(value)
            except (TypeError, ValueError, OverflowError):
                raise self.invalid(value, "is not an integer") from None
            if number != value and isinstance(value, (float, decimal.Decimal)):
                raise self.invalid(value, "is not a whole number")
            value = number
        super().validate(value)

    @property
    def constraints(self) -> dict[str, Any]:
        return {"ge": self.min_value, "le": self.max_value}


class IntField(_IntegerField):
    """32-bit integer. ``IntField(primary_key=True)`` is auto-incremented."""

    db_type = "int"
    min_value = -(2**31)
    max_value = 2**31 - 1


class BigIntField(_IntegerField):
    """64-bit integer."""

    db_type = "bigint"
    min_value = -(2**63)
    max_value = 2**63 - 1


class SmallIntField(_IntegerField):
    """16-bit integer."""

    db_type = "smallint"
    min_value = -(2**15)
    max_value = 2**15 - 1


class FloatField(Field[float]):
    """Double-precision float."""

    db_type = "float"
    field_type = float
    plain_type = float
    plain_read = True

    def to_db_value(self, value: Any, instance: Any = None) -> Any:
        return float(value)

    def to_python_value(self, value: Any) -> Any:
        return value if value is None or type(value) is float else float(value)

    def validate(self, value: Any) -> None:
        _check_convertible(self, value, "a float")
        super().validate(value)

    def _make_writer(self, dialect: Dialect) -> Converter:
        checked = super()._make_writer(dialect)
        if not self._unchanged(FloatField, dialect, validators=0, adapted=True):
            return checked
        convert = self.db_converter(dialect)  # with the dialect's guard against NaN and infinities

        def write(value: Any) -> Any:
            return convert(value) if type(value) is float else checked(value)

        return write


class DecimalField(Field[decimal.Decimal]):
    """Exact decimal with ``max_digits`` digits, ``decimal_places`` after the point."""

    db_type = "decimal"
    field_type = decimal.Decimal
    #: Where the driver returns Decimals (PostgreSQL, MySQL) they already have the column's scale.
    plain_read = True

    def __init__(self, max_digits: int, decimal_places: int, **kwargs: Any) -> None:
        max_digits = _int_option("max_digits", max_digits)
        decimal_places = _int_option("decimal_places", decimal_places)
        if max_digits < 1:
            raise ConfigurationError("'max_digits' must be >= 1")
        if not 0 <= decimal_places <= max_digits:
            raise ConfigurationError("'decimal_places' must be between 0 and max_digits")
        super().__init__(**kwargs)
        self.max_digits = max_digits
        self.decimal_places = decimal_places
        self.quant = decimal.Decimal(1).scaleb(-self.decimal_places)
        self.context = decimal.Context(prec=max(self.max_digits + 2, 28))

    def to_db_value(self, value: Any, instance: Any = None) -> Any:
        return self._quantize(value)

    def to_python_value(self, value: Any) -> Any:
        return None if value is None else self._quantize(value)

    def _quantize(self, value: Any) -> decimal.Decimal:
        try:
            number = decimal.Decimal(repr(value) if isinstance(value, float) else value)
        except (decimal.InvalidOperation, TypeError, ValueError):
            raise self.invalid(value, "is not a decimal") from None
        if not number.is_finite():  # NaN and infinity: no decimal column keeps them everywhere
            raise self.invalid(value, "is not a finite decimal")
        try:
            return number.quantize(self.quant, context=self.context)
        except decimal.InvalidOperation:
            raise self.invalid(
                value, f"has too many digits for max_digits={self.max_digits}, decimal_places={self.decimal_places}"
            ) from None

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None:
            self._checked(value)

    def _checked(self, value: Any) -> decimal.Decimal:
        """The value quantized, or the ValidationError saying why it does not fit the column."""
        number = self._quantize(value)
        digits = number.as_tuple()
        integer_digits = len(digits.digits) + int(digits.exponent) if digits.digits else 0
        if integer_digits > self.max_digits - self.decimal_places:
            raise self.invalid(
                value, f"has more than {self.max_digits - self.decimal_places} digits before the decimal point"
            )
        return number

    def _read_shortcut(self, convert: Converter) -> Converter:
        if type(self).to_python_value is not DecimalField.to_python_value:
            return convert
        quant, context, number = self.quant, self.context, decimal.Decimal

        def read(value: Any) -> Any:
            # SQLite's NUMERIC affinity gives floats (and ints): what _quantize does, inline
            if type(value) is float and value - value == 0.0:  # finite
                try:
                    return number(repr(value)).quantize(quant, context=context)
                except decimal.InvalidOperation:
                    pass  # convert() names the problem
            return convert(value)

        return read

    def _make_writer(self, dialect: Dialect) -> Converter:
        checked = super()._make_writer(dialect)
        if not self._unchanged(DecimalField, dialect, validators=0, adapted=True):
            return checked
        fits, adapt = self._checked, dialect.param_adapter(self)
        if adapt is None:

            def write(value: Any) -> Any:
                return checked(value) if value is None else fits(value)  # checking it is converting it
        else:

            def write(value: Any) -> Any:
                return checked(value) if value is None else adapt(fits(value))

        return write

    @property
    def constraints(self) -> dict[str, Any]:
        return {"max_digits": self.max_digits, "decimal_places": self.decimal_places}


# -- text and bytes ------------------------------------------------------------
class CharField(Field[str]):
    """Text of at most ``max_length`` characters (VARCHAR)."""

    db_type = "varchar"
    field_type = str
    plain_type = str
    plain_read = True

    def __init__(self, max_length: int, **kwargs: Any) -> None:
        max_length = _int_option("max_length", max_length)
        if max_length < 1:
            raise ConfigurationError("'max_length' must be >= 1")
        super().__init__(**kwargs)
        self.max_length = max_length
        self.validators.insert(0, MaxLengthValidator(self.max_length))

    def to_db_value(self, value: Any, instance: Any = None) -> Any:
        return value if type(value) is str else str(value)

    def to_python_value(self, value: Any) -> Any:
        return value if value is None or type(value) is str else str(value)

    def _make_writer(self, dialect: Dialect) -> Converter:
        checked = super()._make_writer(dialect)
        if not self._unchanged(CharField, dialect, validators=1):
            return checked
        longest = self.max_length

        def write(value: Any) -> Any:
            if type(value) is str and len(value) <= longest:
                return value
            return checked(value)

        return write

    def validate(self, value: Any) -> None:
        if value is not None:
            if not isinstance(value, str):
                value = str(value)
            if len(value) > self.max_length:  # checked here for a short message (the validator quotes it all)
                raise self.invalid(value, f"is {len(value)} characters long; max_length is {self.max_length}")
        super().validate(value)

    @property
    def constraints(self) -> dict[str, Any]:
        return {"max_length": self.max_length}


class TextField(Field[str]):
    """Text of any length. Not indexable on every database."""

    db_type = "text"
    field_type = str
    plain_type = str
    plain_read = True
    indexable = False

    def to_db_value(self, value: Any, instance: Any = None) -> Any:
        return value if type(value) is str else str(value)

    def to_python_value(self, value: Any) -> Any:
        return value if value is None or type(value) is str else str(value)

    def _make_writer(self, dialect: Dialect) -> Converter:
        checked = super()._make_writer(dialect)
        if not self._unchanged(TextField, dialect, validators=0):
            return checked

        def write(value: Any) -> Any:
            return value if type(value) is str else checked(value)

        return write


class BinaryField(Field[bytes]):
    """Raw bytes (BLOB / BYTEA)."""

    db_type = "binary"
    field_type = bytes
    plain_read = True
    indexable = False

    def to_db_value(self, value: Any, instance: Any = None) -> Any:
        return value if type(value) is bytes else _as_bytes(value)

    def to_python_value(self, value: Any) -> Any:
        return value if value is None or type(value) is bytes else _as_bytes(value)

    def validate(self, value: Any) -> None:
        _check_convertible(self, value, "bytes")
        super().validate(value)


def _as_bytes(value: Any) -> bytes:
    # bytes(5) would be five NUL bytes, and bytes("x") needs an encoding: take only binary data
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"expected bytes, got {type(value).__name__}")


class BooleanField(Field[bool]):
    """True or False."""

    db_type = "bool"
    field_type = bool
    plain_read = True

    def to_db_value(self, value: Any, instance: Any = None) -> Any:
        return bool(value)

    def to_python_value(self, value: Any) -> Any:
        return value if value is None or type(value) is bool else bool(value)

    def user_value(self, value: Any) -> Any:
        self.validate(value)
        return self.to_python_value(value)

    def validate(self, value: Any) -> None:
        # bool("no") is True: take only booleans and 0/1 (numpy's booleans compare equal to those)
        if value is not None and type(value) is not bool:
            try:
                ok = not isinstance(value, (str, bytes)) and value in (0, 1)
            except Exception:
                ok = False
            if not ok:
                raise self.invalid(value, "is not a boolean")
        super().validate(value)


class UUIDField(Field[uuid.UUID]):
    """A UUID; as primary key it defaults to ``uuid.uuid4``."""

    db_type = "uuid"
    field_type = uuid.UUID

    def __init__(self, **kwargs: Any) -> None:
        if (kwargs.get("primary_key") or kwargs.get("pk")) and "default" not in kwargs:
            kwargs["default"] = uuid.uuid4
        super().__init__(**kwargs)

    def to_db_value(self, value: Any, instance: Any = None) -> Any:
        return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))

    def to_python_value(self, value: Any) -> Any:
        if value is None or type(value) is uuid.UUID:
            return value
        if isinstance(value, uuid.UUID):  # a driver's subclass (asyncpg): give the standard type
            return uuid.UUID(int=value.int)
        return uuid.UUID(value.decode() if isinstance(value, bytes) else str(value))

    def validate(self, value: Any) -> None:
        if value is not None and not isinstance(value, uuid.UUID):
            try:
                uuid.UUID(str(value))
            except ValueError:
                raise self.invalid(value, "is not a UUID") from None
        super().validate(value)


class JSONField(Field[Any]):
    """Any JSON-serialisable value. ``encoder``/``decoder`` replace the JSON codec."""

    db_type = "json"
    field_type = object
    indexable = False

    def __init__(
        self,
        encoder: Callable[[Any], str | bytes] = json_dumps,
        decoder: Callable[[str | bytes], Any] = json_loads,
        field_type: type | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.python_type = field_type

    def described_type(self) -> Any:
        return self.python_type if self.python_type is not None else dict | list

    def to_db_value(self, value: Any, instance: Any = None) -> Any:
        if hasattr(value, "model_dump_json"):  # a pydantic model
            return value.model_dump_json()
        encoded = self.encoder(value)
        return encoded.decode() if isinstance(encoded, bytes) else encoded

    def to_python_value(self, value: Any) -> Any:
        if isinstance(value, (str, bytes, bytearray)):
            value = self.decoder(value)
        if self.python_type is not None and hasattr(self.python_type, "model_validate"):
            return self.python_type.model_validate(value)
        return value

    def user_value(self, value: Any) -> Any:
        # a str given by the user is a JSON string value, not JSON text: it is stored encoded
        python_type = self.python_type
        if python_type is not None and hasattr(python_type, "model_validate"):
            return value if isinstance(value, python_type) else python_type.model_validate(value)
        return value

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None:
            try:
                self.to_db_value(value)
            except (TypeError, ValueError) as exc:
                raise self.invalid(value, f"is not JSON serialisable ({exc})") from None

    def _read_shortcut(self, convert: Converter) -> Converter:
        if type(self).to_python_value is not JSONField.to_python_value or self.python_type is not None:
            return convert
        decode = self.decoder

        def read(value: Any) -> Any:
            return decode(value) if type(value) is str else convert(value)  # JSON text, as drivers give it

        return read

    def _make_writer(self, dialect: Dialect) -> Converter:
        checked = super()._make_writer(dialect)
        if not self._unchanged(JSONField, dialect, validators=0, adapted=True):
            return checked
        encode = self.db_converter(dialect)

        def write(value: Any) -> Any:
            if value is not None:
                try:
                    return encode(value)  # checking it is encoding it
                except (TypeError, ValueError):
                    pass  # checked() names the problem
            return checked(value)

        return write


# -- time ------------------------------------------------------------------------
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
        to_db = self.db_converter(dialect)

        def write(value: Any) -> Any:
            if type(value) is datetime.datetime:  # validating it is converting it
                try:
                    return to_db(value)
                except OverflowError:
                    pass  # checked() names the problem
            return checked(value)

        return write

    def _read_shortcut(self, convert: Converter) -> Converter:
        if type(self).to_python_value is not DatetimeField.to_python_value:
            return convert
        settings, aware = timezone.settings(), datetime.datetime

        def read(value: Any) -> Any:
            # what every dialect returns unchanged: an aware datetime already in the configured zone
            if type(value) is aware and value.tzinfo is settings.tzinfo and settings.use_tz:
                return value
            return convert(value)

        return read

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


class DateField(Field[datetime.date]):
    """A calendar date."""

    db_type = "date"
    field_type = datetime.date
    plain_read = True

    def to_db_value(self, value: Any, instance: Any = None) -> Any:
        return _as_date(value)

    def to_python_value(self, value: Any) -> Any:
        return None if value is None else _as_date(value)

    def validate(self, value: Any) -> None:
        _check_convertible(self, value, "a date")
        super().validate(value)


def _as_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    raise TypeError(f"cannot convert {value!r} to a date")


class TimeField(Field[datetime.time]):
    """A time of day."""

    db_type = "time"
    field_type = datetime.time
    plain_read = True

    def to_db_value(self, value: Any, instance: Any = None) -> Any:
        return _as_time(value)

    def to_python_value(self, value: Any) -> Any:
        return None if value is None else _as_time(value)

    def validate(self, value: Any) -> None:
        _check_convertible(self, value, "a time")
        super().validate(value)


def _as_time(value: Any) -> datetime.time:
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


# -- enums -------------------------------------------------------------------------
class _EnumFieldMixin:
    plain_read = False
    enum_type: type[enum.Enum]
    model_field_name: str
    invalid: Callable[[Any, str], Exception]

    def to_db_value(self, value: Any, instance: Any = None) -> Any:
        try:
            return self.enum_type(value).value
        except ValueError:
            raise self.invalid(value, f"is not a member of {self.enum_type.__name__}") from None

    def to_python_value(self, value: Any) -> Any:
        return None if value is None else self.enum_type(value)

    def validate(self, value: Any) -> None:
        if value is not None:
            self.to_db_value(value)
        super().validate(value)  # type: ignore[misc]


def _enum_description(enum_type: type[enum.Enum]) -> str:
    return "\n".join(f"{member.name}: {member.value}" for member in enum_type)


class IntEnumField(_EnumFieldMixin, SmallIntField):
    """An ``IntEnum`` member, stored as its integer value."""

    def __init__(self, enum_type: type[ENUM], description: str | None = None, **kwargs: Any) -> None:
        _enum_option("IntEnumField", enum_type)
        for member in enum_type:
            if not isinstance(member.value, int) or not -(2**15) <= member.value < 2**15:
                raise ConfigurationError("IntEnumField only supports integer enums in 16-bit range")
        kwargs.setdefault("generated", False)
        super().__init__(description=description or _enum_description(enum_type), **kwargs)
        self.enum_type = enum_type

    describe_name = "IntEnumFieldInstance"

    @property
    def field_type(self) -> type:  # type: ignore[override]
        return self.enum_type

    def described_type(self) -> Any:
        return int


class CharEnumField(_EnumFieldMixin, CharField):
    """A string ``Enum`` member, stored as its value. ``max_length`` defaults to the longest."""

    def __init__(
        self,
        enum_type: type[ENUM],
        description: str | None = None,
        max_length: int = 0,
        **kwargs: Any,
    ) -> None:
        _enum_option("CharEnumField", enum_type)
        if not max_length:
            max_length = max(len(str(member.value)) for member in enum_type)
        super().__init__(
            max_length=max_length,
            description=description or _enum_description(enum_type),
            **kwargs,
        )
        self.enum_type = enum_type

    describe_name = "CharEnumFieldInstance"

    @property
    def field_type(self) -> type:  # type: ignore[override]
        return self.enum_type

    def described_type(self) -> Any:
        return str


#: Tortoise's class names of the enum fields (``tortoise.fields.data``).
IntEnumFieldInstance = IntEnumField
CharEnumFieldInstance = CharEnumField

__all__ = [
    "NO_DEFAULT",
    "BigIntField",
    "BinaryField",
    "BooleanField",
    "CharEnumField",
    "CharEnumFieldInstance",
    "CharField",
    "DateField",
    "DatetimeField",
    "DecimalField",
    "FloatField",
    "IntEnumField",
    "IntEnumFieldInstance",
    "IntField",
    "JSONField",
    "SmallIntField",
    "TextField",
    "TimeDeltaField",
    "TimeField",
    "UUIDField",
    "json_dumps",
    "json_loads",
]
