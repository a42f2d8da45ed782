"""Validators for field values (Tortoise's ``tortoise.validators``).

A validator is any callable that raises ``ValidationError`` for a bad value;
pass them in a field's ``validators=[...]``.
"""

from __future__ import annotations

import ipaddress
import re
from decimal import Decimal
from typing import Any

from orm.exceptions import ValidationError


class Validator:
    """Base class of the validators below."""

    def __call__(self, value: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class RegexValidator(Validator):
    """Value must match ``pattern`` (searched, with ``flags``)."""

    def __init__(self, pattern: str, flags: int | re.RegexFlag = 0) -> None:
        self.regex = re.compile(pattern, flags)

    def __call__(self, value: Any) -> None:
        if not self.regex.match(value):
            raise ValidationError(f"Value '{value}' does not match regex '{self.regex.pattern}'")


class MaxLengthValidator(Validator):
    """Value's length must be at most ``max_length``."""

    def __init__(self, max_length: int) -> None:
        self.max_length = max_length

    def __call__(self, value: Any) -> None:
        if value is None:
            raise ValidationError("Value must not be None")
        if len(value) > self.max_length:
            raise ValidationError(f"Length of '{value}' {len(value)} > {self.max_length}")


class MinLengthValidator(Validator):
    """Value's length must be at least ``min_length``."""

    def __init__(self, min_length: int) -> None:
        self.min_length = min_length

    def __call__(self, value: Any) -> None:
        if value is None:
            raise ValidationError("Value must not be None")
        if len(value) < self.min_length:
            raise ValidationError(f"Length of '{value}' {len(value)} < {self.min_length}")


class _NumericBound(Validator):
    def __init__(self, bound: int | float | Decimal) -> None:
        if not isinstance(bound, (int, float, Decimal)):
            raise ValidationError("Value must be a numeric value and is required")
        self.bound = bound

    def _check_type(self, value: Any) -> None:
        if not isinstance(value, (int, float, Decimal)):
            raise ValidationError("Value must be a numeric value and is required")


class MinValueValidator(_NumericBound):
    """Value must be at least ``min_value``."""

    def __init__(self, min_value: int | float | Decimal) -> None:
        super().__init__(min_value)
        self.min_value = min_value

    def __call__(self, value: Any) -> None:
        self._check_type(value)
        if value < self.min_value:
            raise ValidationError(f"Value should be greater or equal to {self.min_value}")


class MaxValueValidator(_NumericBound):
    """Value must be at most ``max_value``."""

    def __init__(self, max_value: int | float | Decimal) -> None:
        super().__init__(max_value)
        self.max_value = max_value

    def __call__(self, value: Any) -> None:
        self._check_type(value)
        if value > self.max_value:
            raise ValidationError(f"Value should be less or equal to {self.max_value}")


class CommaSeparatedIntegerListValidator(Validator):
    """Value must be integers separated by commas, e.g. ``"1,2,-3"``."""

    def __init__(self, allow_negative: bool = False) -> None:
        sign = "-?" if allow_negative else ""
        self.regex = RegexValidator(rf"^{sign}\d+(?:,{sign}\d+)*\Z")

    def __call__(self, value: Any) -> None:
        self.regex(value)


def validate_ipv4_address(value: Any) -> None:
    """Value must be an IPv4 address."""
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        raise ValidationError(f"'{value}' is not a valid IPv4 address.") from None


def validate_ipv6_address(value: Any) -> None:
    """Value must be an IPv6 address."""
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        raise ValidationError(f"'{value}' is not a valid IPv6 address.") from None


def validate_ipv46_address(value: Any) -> None:
    """Value must be an IPv4 or IPv6 address."""
    try:
        validate_ipv4_address(value)
    except ValidationError:
        try:
            validate_ipv6_address(value)
        except ValidationError:
            raise ValidationError(f"'{value}' is not a valid IPv4 or IPv6 address.") from None
