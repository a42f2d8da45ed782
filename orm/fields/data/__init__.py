"""Data fields: one Python type each, stored in one column (Tortoise's ``tortoise.fields.data``).

One module per kind of value; every field is importable from here as before.
"""

from orm.fields.base import NO_DEFAULT
from orm.fields.data.enums import CharEnumField, CharEnumFieldInstance, IntEnumField, IntEnumFieldInstance
from orm.fields.data.numeric import BigIntField, DecimalField, FloatField, IntField, SmallIntField
from orm.fields.data.simple import BinaryField, BooleanField, UUIDField
from orm.fields.data.structured import JSONField, json_dumps, json_loads
from orm.fields.data.temporal import DateField, DatetimeField, TimeDeltaField, TimeField
from orm.fields.data.text import CharField, TextField

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
