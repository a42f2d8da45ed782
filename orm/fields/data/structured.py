"""JSON values (dicts, lists, pydantic models) and the JSON codec, orjson where installed."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from orm.fields.base import Converter, Field

if TYPE_CHECKING:
    from orm.backends.base.dialect import Dialect

try:  # optional accelerator
    import orjson

    def json_dumps(value: Any) -> str:
        return orjson.dumps(value).decode()

    json_loads: Callable[[Any], Any] = orjson.loads
except ImportError:  # pragma: no cover - depends on installed extras

    def json_dumps(value: Any) -> str:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)

    json_loads = json.loads


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

    def user_converter(self) -> Converter | None:
        if type(self).user_value is JSONField.user_value and self.python_type is None:
            return None  # user_value keeps every value as given
        return super().user_converter()

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
        # what to_db_value makes of a dict or list with the default codec (not a pydantic model, str out)
        plain = json_dumps if self.encoder is json_dumps and dialect.param_adapter(self) is None else None

        def write(value: Any) -> Any:
            if plain is not None and (type(value) is dict or type(value) is list):
                try:
                    return plain(value)
                except (TypeError, ValueError):
                    pass  # checked() names the problem
            if value is not None:
                try:
                    return encode(value)  # checking it is encoding it
                except (TypeError, ValueError):
                    pass  # checked() names the problem
            return checked(value)

        return write
