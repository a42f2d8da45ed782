"""Field classes (Tortoise's ``tortoise.fields``)."""

import orm.json_lookups
import orm.lookups  # noqa: F401  (registers the lookups on the field classes)
from orm.fields.base import (
    CASCADE,
    NO_ACTION,
    RESTRICT,
    SET_DEFAULT,
    SET_NULL,
    Field,
    OnDelete,
)
from orm.fields.data import (
    BigIntField,
    BinaryField,
    BooleanField,
    CharEnumField,
    CharEnumFieldInstance,
    CharField,
    DateField,
    DatetimeField,
    DecimalField,
    FloatField,
    IntEnumField,
    IntEnumFieldInstance,
    IntField,
    JSONField,
    SmallIntField,
    TextField,
    TimeDeltaField,
    TimeField,
    UUIDField,
)
from orm.fields.relational import (
    BackwardFKRelation,
    BackwardOneToOneRelation,
    ForeignKeyField,
    ForeignKeyFieldInstance,
    ForeignKeyNullableRelation,
    ForeignKeyRelation,
    ManyToManyField,
    ManyToManyFieldInstance,
    OneToOneField,
    OneToOneFieldInstance,
    OneToOneNullableRelation,
    OneToOneRelation,
)
from orm.relations import ManyToManyRelation, ReverseRelation

# Django-style names Tortoise also offers
BigIntegerField = BigIntField
DateTimeField = DatetimeField
DurationField = TimeDeltaField
IntegerField = IntField
SmallIntegerField = SmallIntField
ForeignKey = ForeignKeyField

__all__ = [
    "CASCADE",
    "NO_ACTION",
    "RESTRICT",
    "SET_DEFAULT",
    "SET_NULL",
    "BackwardFKRelation",
    "BackwardOneToOneRelation",
    "BigIntField",
    "BigIntegerField",
    "BinaryField",
    "BooleanField",
    "CharEnumField",
    "CharEnumFieldInstance",
    "CharField",
    "DateField",
    "DateTimeField",
    "DatetimeField",
    "DecimalField",
    "DurationField",
    "Field",
    "FloatField",
    "ForeignKey",
    "ForeignKeyField",
    "ForeignKeyFieldInstance",
    "ForeignKeyNullableRelation",
    "ForeignKeyRelation",
    "IntEnumField",
    "IntEnumFieldInstance",
    "IntField",
    "IntegerField",
    "JSONField",
    "ManyToManyField",
    "ManyToManyFieldInstance",
    "ManyToManyRelation",
    "OnDelete",
    "OneToOneField",
    "OneToOneFieldInstance",
    "OneToOneNullableRelation",
    "OneToOneRelation",
    "ReverseRelation",
    "SmallIntField",
    "SmallIntegerField",
    "TextField",
    "TimeDeltaField",
    "TimeField",
    "UUIDField",
]
