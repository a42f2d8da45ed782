"""Extra models for the Model API and QuerySet tests (app label "models"), and counters() to fill one."""

from __future__ import annotations

from orm import fields
from orm.models import Model


class Ranked(Model):
    """A model with a default ordering (rank descending, then name)."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)
    rank = fields.IntField()
    score = fields.IntField(default=0)

    class Meta:
        ordering = ["-rank", "name"]


class Counter(Model):
    """Two integer columns and a label, for F() arithmetic and bulk inserts."""

    id = fields.IntField(primary_key=True)
    a = fields.IntField(default=0)
    b = fields.IntField(default=0)
    label = fields.CharField(max_length=30, default="")


class Plain(Model):
    """No custom __str__, so the default one shows."""

    name = fields.CharField(max_length=30)


class StreamLog(Model):
    """Written to from inside an ``async for`` loop."""

    id = fields.IntField(primary_key=True)
    counter_id_seen = fields.IntField()


class AbstractStamped(Model):
    stamp = fields.IntField(default=0)

    class Meta:
        abstract = True


async def counters(n: int = 10) -> list[Counter]:
    """Counters saved with a = 0..n-1, b = a % 3, label "even"/"odd"; returned in a order."""
    objects = [Counter(a=i, b=i % 3, label="even" if i % 2 == 0 else "odd") for i in range(n)]
    await Counter.bulk_create(objects)
    return objects
