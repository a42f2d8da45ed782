"""Extra models for the field and validator tests (app label "models")."""

from __future__ import annotations

import json
import re
from decimal import Decimal

from orm import fields
from orm.models import Model
from orm.validators import (
    CommaSeparatedIntegerListValidator,
    MaxValueValidator,
    MinLengthValidator,
    MinValueValidator,
    RegexValidator,
    validate_ipv46_address,
)
from tests.models import Color, Priority


class FieldsRequired(Model):
    """One NOT NULL column of every data field type, none with a default."""

    id = fields.IntField(primary_key=True)
    int_field = fields.IntField()
    bigint_field = fields.BigIntField()
    smallint_field = fields.SmallIntField()
    char_field = fields.CharField(max_length=10)
    text_field = fields.TextField()
    bool_field = fields.BooleanField()
    decimal_field = fields.DecimalField(max_digits=8, decimal_places=2)
    float_field = fields.FloatField()
    datetime_field = fields.DatetimeField()
    date_field = fields.DateField()
    time_field = fields.TimeField()
    timedelta_field = fields.TimeDeltaField()
    json_field = fields.JSONField()
    uuid_field = fields.UUIDField()
    binary_field = fields.BinaryField()
    int_enum = fields.IntEnumField(Priority)
    char_enum = fields.CharEnumField(Color)


class FieldsValidated(Model):
    """Fields carrying validators."""

    id = fields.IntField(primary_key=True)
    username = fields.CharField(
        max_length=20, validators=[MinLengthValidator(3), RegexValidator(r"^[a-z]+$", re.IGNORECASE)]
    )
    score = fields.IntField(default=0, validators=[MinValueValidator(0), MaxValueValidator(100)])
    price = fields.DecimalField(
        max_digits=8, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(Decimal("0.5"))]
    )
    address = fields.CharField(max_length=45, default="127.0.0.1", validators=[validate_ipv46_address])
    numbers = fields.CharField(max_length=50, default="1", validators=[CommaSeparatedIntegerListValidator()])


class FieldsSourced(Model):
    """A data field stored under another column name, with an index, a description and a default."""

    id = fields.IntField(primary_key=True)
    title = fields.CharField(
        max_length=30, source_field="title_col", db_index=True, default="untitled", description="The title"
    )
    code = fields.CharField(max_length=5, unique=True)


_sequence = iter(range(1, 1_000_000))


def next_number() -> int:
    """A callable default: a new number on every call."""
    return next(_sequence)


class FieldsCounted(Model):
    """Callable defaults: one call per instance; a fresh list per instance."""

    id = fields.IntField(primary_key=True)
    number = fields.IntField(default=next_number)
    tags = fields.JSONField(default=list)


def _encode_exotic(value: object) -> str:
    """JSON text for values json.dumps refuses: Decimals as numbers, dates as ISO text."""
    return json.dumps(value, default=lambda v: float(v) if isinstance(v, Decimal) else v.isoformat())


def _decode_exact(text: str | bytes) -> object:
    """JSON with fractional numbers read back as exact Decimals."""
    return json.loads(text, parse_float=Decimal)


class FieldsCodec(Model):
    """A JSONField with its own encoder and decoder."""

    id = fields.IntField(primary_key=True)
    data = fields.JSONField(encoder=_encode_exotic, decoder=_decode_exact, null=True)
