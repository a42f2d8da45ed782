"""Number fields: integers of three widths, floats and exact decimals."""

from __future__ import annotations

import decimal
from typing import TYPE_CHECKING, Any, ClassVar

from orm.backends.base.dialect import FloatGuard
from orm.exceptions import ConfigurationError
from orm.fields.base import Converter, Field
from orm.fields.data._checks import check_convertible, int_option
from orm.validators import MaxValueValidator, MinValueValidator

if TYPE_CHECKING:
    from orm.backends.base.dialect import Dialect


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
        check_convertible(self, value, "a float")
        super().validate(value)

    def _make_writer(self, dialect: Dialect) -> Converter:
        checked = super()._make_writer(dialect)
        if not self._unchanged(FloatField, dialect, validators=0, adapted=True):
            return checked
        convert = self.db_converter(dialect)  # with the dialect's guard against NaN and infinities
        adapt = dialect.param_adapter(self)
        finite = adapt.finite if isinstance(adapt, FloatGuard) else adapt  # what the guard lets a finite float through

        def write(value: Any) -> Any:
            if type(value) is float:
                if value - value == 0.0:  # finite: float() keeps it as it is, the guard lets it through
                    return value if finite is None else finite(value)
                return convert(value)
            return checked(value)

        return write


class DecimalField(Field[decimal.Decimal]):
    """Exact decimal with ``max_digits`` digits, ``decimal_places`` after the point."""

    db_type = "decimal"
    field_type = decimal.Decimal
    #: Where the driver returns Decimals (PostgreSQL, MySQL) they already have the column's scale.
    plain_read = True

    def __init__(self, max_digits: int, decimal_places: int, **kwargs: Any) -> None:
        max_digits = int_option("max_digits", max_digits)
        decimal_places = int_option("decimal_places", decimal_places)
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
        return self._quick_quantize(convert)

    def user_converter(self) -> Converter | None:
        convert = super().user_converter()
        if convert is None or type(self).user_value is not Field.user_value:
            return convert
        return self._quick_quantize(convert)

    def _quick_quantize(self, convert: Converter) -> Converter:
        """``convert`` with what ``_quantize`` does to a finite float (SQLite's NUMERIC affinity gives
        floats), Decimal or int written inline; anything else, or a failure, goes to ``convert``."""
        cls = type(self)
        if cls.to_python_value is not DecimalField.to_python_value or cls._quantize is not DecimalField._quantize:
            return convert
        # Context.quantize(a, b) is a.quantize(b, context=...) without the slow keyword call
        quant, quantize, scaleb, number = self.quant, self.context.quantize, self.context.scaleb, decimal.Decimal
        places = self.decimal_places
        factor, float_factor = 10**places, float(10**places)  # exact as a float up to 10**22
        # Where a float's spacing (ulp) is below 0.22 * 10**-places, at most one decimal with `places`
        # places reads back as that float. When n / 10**places does (n = round(value * 10**places),
        # exact there), that decimal is repr(value) and what quantizing it gives: n * 10**-places,
        # without formatting and parsing repr (the SQLite reader: 710 ns -> 430 ns). Zero keeps the general
        # path (its sign).
        bound = 10.0 ** (15 - places) if places <= 15 else 0.0

        def quick(value: Any) -> Any:
            kind = type(value)
            try:
                if kind is float:
                    if -bound < value < bound:
                        scaled = round(value * float_factor)
                        if scaled and scaled / factor == value:
                            return scaleb(number(scaled), -places)
                    if value - value == 0.0:  # finite
                        return quantize(number(repr(value)), quant)
                elif kind is number:
                    if value.is_finite():
                        return quantize(value, quant)
                elif kind is int:
                    return quantize(number(value), quant)
            except ArithmeticError:
                pass  # convert() names the problem
            return convert(value)

        return quick

    def _make_writer(self, dialect: Dialect) -> Converter:
        checked = super()._make_writer(dialect)
        if not self._unchanged(DecimalField, dialect, validators=0, adapted=True):
            return checked
        fits, adapt = self._checked, dialect.param_adapter(self)
        if type(self)._checked is not DecimalField._checked:

            def write(value: Any) -> Any:
                return checked(value) if value is None else fits(value) if adapt is None else adapt(fits(value))

            return write
        quick = self._quick_quantize(self._quantize)
        # _checked's digit count as a comparison: a quantized value has -decimal_places as its exponent, so it
        # has at most max_digits digits exactly when its magnitude is below 10 ** (max_digits - decimal_places)
        high = decimal.Decimal(1).scaleb(self.max_digits - self.decimal_places)
        low = -high

        def write_checked(value: Any) -> Any:
            if value is None:
                return checked(value)
            number = quick(value)  # checking it is converting it
            if not low < number < high:
                number = fits(value)  # the error naming the problem
            return number if adapt is None else adapt(number)

        return write_checked

    @property
    def constraints(self) -> dict[str, Any]:
        return {"max_digits": self.max_digits, "decimal_places": self.decimal_places}
