"""Models for tests/test_model_definition.py: Meta options, abstract bases and mixins."""

from __future__ import annotations

from orm import fields
from orm.indexes import Index
from orm.models import Model


class AutoKeyed(Model):
    """No primary key declared: an ``id`` IntField is added."""

    label = fields.CharField(max_length=20)


class OldStyleKey(Model):
    code = fields.CharField(max_length=8, pk=True)
    label = fields.CharField(max_length=20)


class NewStyleKey(Model):
    number = fields.BigIntField(primary_key=True)
    label = fields.CharField(max_length=20)


class Indexed(Model):
    id = fields.IntField(primary_key=True)
    by_index = fields.CharField(max_length=20, index=True)
    by_db_index = fields.CharField(max_length=20, db_index=True)
    plain = fields.CharField(max_length=20)


class Renamed(Model):
    id = fields.IntField(primary_key=True, source_field="renamed_pk")
    name = fields.CharField(max_length=30, source_field="full_name")
    rank = fields.IntField(default=0, source_field="position")
    parent: fields.ForeignKeyNullableRelation[Renamed] = fields.ForeignKeyField(
        "models.Renamed", related_name="children", null=True, source_field="parent_ref"
    )

    class Meta:
        table = "renamed_things"


class Ranked(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=30)
    rank = fields.IntField()

    class Meta:
        table = "ranking"
        ordering = ["-rank", "name"]
        table_description = "Ranked things, best first"


class Pair(Model):
    id = fields.IntField(primary_key=True)
    left = fields.CharField(max_length=10)
    right = fields.CharField(max_length=10)
    extra = fields.IntField(default=0)

    class Meta:
        unique_together = ("left", "right")
        indexes = (("right", "extra"), Index(fields=("extra", "left"), name="pair_extra_left"))


class Stamped(Model):
    """An abstract base: its fields and ordering go to each subclass."""

    label = fields.CharField(max_length=20, default="")
    weight = fields.IntField(default=1)

    class Meta:
        abstract = True
        ordering = ["label"]


class TitledMixin:
    """A plain mixin contributing a field."""

    title = fields.CharField(max_length=30)

    def shout(self) -> str:
        return self.title.upper()


class Article(Stamped, TitledMixin):
    body = fields.TextField(default="")


class Remark(TitledMixin, Stamped):
    label = fields.CharField(max_length=5, null=True)  # replaces the inherited one

    class Meta:
        table = "remarks"
