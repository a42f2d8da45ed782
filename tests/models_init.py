"""A second app for tests/test_init.py (configured on its own connection)."""

from __future__ import annotations

from orm import fields
from orm.models import Model


class Note(Model):
    id = fields.IntField(primary_key=True)
    text = fields.CharField(max_length=100)
    written = fields.DatetimeField(null=True)
