"""Fields of one fixed Python type and no options of their own: raw bytes, booleans and UUIDs."""

from __future__ import annotations

import uuid
from typing import Any

from orm.fields.base import Field
from orm.fields.data._checks import check_convertible


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
        check_convertible(self, value, "bytes")
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
