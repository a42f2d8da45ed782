"""Models of Tortoise's examples (examples/complex_filtering.py, functions.py, group_by.py,
signals.py, enum_fields.py, docs "Models"), with only ``tortoise`` renamed to ``orm``."""

from __future__ import annotations

from enum import Enum, IntEnum

from orm import fields
from orm.indexes import Index
from orm.manager import Manager
from orm.models import Model


class Tournament(Model):
    id = fields.IntField(pk=True)
    name = fields.TextField()
    desc = fields.TextField(null=True)

    events: fields.ReverseRelation[Event]

    def __str__(self):
        return self.name


class Event(Model):
    id = fields.IntField(pk=True)
    name = fields.TextField()
    tournament: fields.ForeignKeyRelation[Tournament] = fields.ForeignKeyField(
        "models.Tournament", related_name="events"
    )
    participants: fields.ManyToManyRelation[Team] = fields.ManyToManyField(
        "models.Team", related_name="events", through="event_team"
    )

    def __str__(self):
        return self.name


class Team(Model):
    id = fields.IntField(pk=True)
    name = fields.TextField()

    events: fields.ManyToManyRelation[Event]

    def __str__(self):
        return self.name


class Author(Model):
    name = fields.CharField(max_length=255)


class Book(Model):
    name = fields.CharField(max_length=255)
    author = fields.ForeignKeyField("models.Author", related_name="books")
    rating = fields.FloatField()


class Signal(Model):
    id = fields.IntField(primary_key=True)
    name = fields.TextField()

    class Meta:
        table = "signal"

    def __str__(self):
        return self.name


class Service(IntEnum):
    python_programming = 1
    database_design = 2
    system_administration = 3


class Currency(str, Enum):
    HUF = "HUF"
    EUR = "EUR"
    USD = "USD"


class EnumFields(Model):
    service: Service = fields.IntEnumField(Service)
    currency: Currency = fields.CharEnumField(Currency, default=Currency.HUF)


class StatusManager(Manager):
    def get_queryset(self):
        return super().get_queryset().filter(status=1)


class ManagerModel(Model):
    status = fields.IntField(default=0)
    all_objects = Manager()

    class Meta:
        manager = StatusManager()


class IndexedProduct(Model):
    """A product with indexes.

    The second line is not the table description."""

    #: The product's name
    #: (shown to customers)
    name = fields.CharField(max_length=100)
    vendor = fields.CharField(max_length=100)
    #: Price in {model}'s currency
    price = fields.DecimalField(max_digits=8, decimal_places=2, description="explicit wins")

    class Meta:
        indexes = [Index(fields=("vendor", "name"), name="idx_product_vendor_name"), ("name", "price")]
        unique_together = (("vendor", "name"),)


class Document(Model):
    """JSON data and a nullable column, for the documented differences from Tortoise."""

    title = fields.CharField(max_length=50, null=True)
    data = fields.JSONField(null=True)
