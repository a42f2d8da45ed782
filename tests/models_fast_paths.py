"""Models whose fields or managers change what the fast paths of save() and get() may assume."""

from __future__ import annotations

from typing import Any

from orm import fields
from orm.manager import Manager
from orm.models import Model


class ShoutingField(fields.CharField):
    """Stores upper case: its own to_db_value must not be skipped by the plain-str fast path."""

    def to_db_value(self, value: Any, instance: Any = None) -> Any:
        return None if value is None else str(value).upper()


class TrimmedField(fields.CharField):
    """Strips what the user gives: its own to_python_value must not be skipped for str values."""

    def to_python_value(self, value: Any) -> Any:
        return None if value is None else str(value).strip()


class EvenField(fields.IntField):
    """Accepts only even numbers, through a validate() of its own."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and value % 2:
            raise self.invalid(value, "is odd")


class Customised(Model):
    id = fields.IntField(primary_key=True)
    loud = ShoutingField(max_length=20, null=True)
    trimmed = TrimmedField(max_length=20, null=True)
    even = EvenField(default=0)


class ActiveManager(Manager):
    def get_queryset(self) -> Any:
        return super().get_queryset().filter(active=True)


class Archived(Model):
    """Rows with active=False are invisible through the model's manager."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=20)
    active = fields.BooleanField(default=True)

    class Meta:
        manager = ActiveManager()
