"""Models shared by the test suite (app label "models")."""

from __future__ import annotations

import datetime
import enum
import uuid

from orm import fields
from orm.models import Model


class Color(str, enum.Enum):
    RED = "red"
    GREEN = "green"
    BLUE = "blue"


class Priority(enum.IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3


class Tournament(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=255)
    description = fields.TextField(null=True)
    created = fields.DatetimeField(auto_now_add=True)

    events: fields.ReverseRelation[Event]

    def __str__(self) -> str:
        return self.name


class Event(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=255)
    tournament: fields.ForeignKeyRelation[Tournament] = fields.ForeignKeyField(
        "models.Tournament", related_name="events"
    )
    participants: fields.ManyToManyRelation[Team] = fields.ManyToManyField(
        "models.Team", related_name="events", through="event_team"
    )
    modified = fields.DatetimeField(auto_now=True)
    prize = fields.DecimalField(max_digits=10, decimal_places=2, null=True)

    def __str__(self) -> str:
        return self.name


class Team(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=255)

    events: fields.ManyToManyRelation[Event]

    def __str__(self) -> str:
        return self.name


class AllFields(Model):
    """One nullable column of every data field type."""

    id = fields.IntField(primary_key=True)
    int_field = fields.IntField(null=True)
    bigint_field = fields.BigIntField(null=True)
    smallint_field = fields.SmallIntField(null=True)
    char_field = fields.CharField(max_length=100, null=True)
    text_field = fields.TextField(null=True)
    bool_field = fields.BooleanField(null=True)
    decimal_field = fields.DecimalField(max_digits=12, decimal_places=4, null=True)
    wide_decimal = fields.DecimalField(max_digits=30, decimal_places=10, null=True)
    float_field = fields.FloatField(null=True)
    datetime_field = fields.DatetimeField(null=True)
    date_field = fields.DateField(null=True)
    time_field = fields.TimeField(null=True)
    timedelta_field = fields.TimeDeltaField(null=True)
    json_field = fields.JSONField(null=True)
    uuid_field = fields.UUIDField(null=True)
    binary_field = fields.BinaryField(null=True)
    int_enum = fields.IntEnumField(Priority, null=True)
    char_enum = fields.CharEnumField(Color, null=True)


def _default_code() -> str:
    return uuid.uuid4().hex[:8]


class WithDefaults(Model):
    id = fields.IntField(primary_key=True)
    count = fields.IntField(default=7)
    code = fields.CharField(max_length=8, default=_default_code)
    active = fields.BooleanField(default=True)
    color = fields.CharEnumField(Color, default=Color.GREEN)
    created = fields.DatetimeField(auto_now_add=True)
    updated = fields.DatetimeField(auto_now=True)
    day = fields.DateField(default=datetime.date(2020, 1, 1))
    note = fields.CharField(max_length=20, null=True)


class UUIDKeyed(Model):
    id = fields.UUIDField(primary_key=True)
    name = fields.CharField(max_length=50)


class CharKeyed(Model):
    code = fields.CharField(max_length=10, primary_key=True)
    label = fields.CharField(max_length=50)


class Product(Model):
    """Unique columns and unique_together, for integrity errors and upserts."""

    id = fields.IntField(primary_key=True)
    sku = fields.CharField(max_length=20, unique=True)
    vendor = fields.CharField(max_length=20, db_index=True)
    name = fields.CharField(max_length=50)
    price = fields.DecimalField(max_digits=10, decimal_places=2, default=0)
    stock = fields.IntField(default=0)

    class Meta:
        table = "products"
        unique_together = (("vendor", "name"),)
        table_description = "Things for sale"
