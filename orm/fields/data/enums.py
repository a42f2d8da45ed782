"""Enum fields: an ``IntEnum`` stored as a small integer, a string ``Enum`` as VARCHAR."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, TypeVar

from orm.exceptions import ConfigurationError
from orm.fields.data.numeric import SmallIntField
from orm.fields.data.text import CharField

ENUM = TypeVar("ENUM", bound=enum.Enum)


def _enum_option(field: str, enum_type: Any) -> None:
    if not (isinstance(enum_type, type) and issubclass(enum_type, enum.Enum)):
        raise ConfigurationError(f"{field} needs an Enum class, not {enum_type!r}")


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
