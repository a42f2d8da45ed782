"""Text fields: bounded (VARCHAR) and unbounded (TEXT)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from orm.exceptions import ConfigurationError
from orm.fields.base import Converter, Field
from orm.fields.data._checks import int_option
from orm.validators import MaxLengthValidator

if TYPE_CHECKING:
    from orm.backends.base.dialect import Dialect


class _StringField(Field[str]):
    """A str; any other value is stored as its ``str()``."""

    field_type = str
    plain_type = str
    plain_read = True

    def to_db_value(self, value: Any, instance: Any = None) -> Any:
        return value if type(value) is str else str(value)

    def to_python_value(self, value: Any) -> Any:
        return value if value is None or type(value) is str else str(value)


class CharField(_StringField):
    """Text of at most ``max_length`` characters (VARCHAR)."""

    db_type = "varchar"

    def __init__(self, max_length: int, **kwargs: Any) -> None:
        max_length = int_option("max_length", max_length)
        if max_length < 1:
            raise ConfigurationError("'max_length' must be >= 1")
        super().__init__(**kwargs)
        self.max_length = max_length
        self.validators.insert(0, MaxLengthValidator(self.max_length))

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


class TextField(_StringField):
    """Text of any length. Not indexable on every database."""

    db_type = "text"
    indexable = False

    def _make_writer(self, dialect: Dialect) -> Converter:
        checked = super()._make_writer(dialect)
        if not self._unchanged(TextField, dialect, validators=0):
            return checked

        def write(value: Any) -> Any:
            return value if type(value) is str else checked(value)

        return write
