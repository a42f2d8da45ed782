"""Models of the reliability tests (tests/reliability), app label "models"."""

from __future__ import annotations

from orm import fields
from orm.models import Model


class Note(Model):
    """Free text, JSON and bytes: where hostile values go."""

    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=255, null=True)
    body = fields.TextField(null=True)
    data = fields.JSONField(null=True)
    blob = fields.BinaryField(null=True)


class Counter(Model):
    """A unique name (get_or_create races) and a value bumped by concurrent tasks."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, unique=True)
    value = fields.IntField(default=0)


class Reading(Model):
    """Numbers, times and dates at their edges."""

    id = fields.IntField(primary_key=True)
    amount = fields.DecimalField(max_digits=30, decimal_places=10, null=True)
    price = fields.DecimalField(max_digits=12, decimal_places=4, null=True)
    ratio = fields.FloatField(null=True)
    at = fields.DatetimeField(null=True)
    day = fields.DateField(null=True)
    count = fields.IntField(null=True)
