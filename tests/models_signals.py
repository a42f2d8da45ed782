"""Models for tests/test_signals.py (app label "models", next to tests.models)."""

from __future__ import annotations

from orm import fields
from orm.models import Model


class Signalled(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)
    score = fields.IntField(default=0)


class AlsoSignalled(Model):
    id = fields.IntField(primary_key=True)
    label = fields.CharField(max_length=50, unique=True)
