"""Models of Tortoise's docs page "Models" (docs/models.rst), with only ``tortoise`` renamed."""

from __future__ import annotations

from orm import fields
from orm.models import Model


class Tournament(Model):
    id = fields.IntField(primary_key=True)
    name = fields.TextField()
    created = fields.DatetimeField(auto_now_add=True)

    def __str__(self):
        return self.name


class Event(Model):
    id = fields.IntField(primary_key=True)
    name = fields.TextField()
    tournament = fields.ForeignKeyField('models.Tournament', related_name='events', on_delete=fields.RESTRICT)
    participants = fields.ManyToManyField('models.Team', related_name='events', through='event_team')
    modified = fields.DatetimeField(auto_now=True)
    prize = fields.DecimalField(max_digits=10, decimal_places=2, null=True)

    def __str__(self):
        return self.name


class Team(Model):
    id = fields.IntField(primary_key=True)
    name = fields.TextField()

    def __str__(self):
        return self.name


class AbstractTournament(Model):
    id = fields.IntField(primary_key=True)
    name = fields.TextField()
    created = fields.DatetimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name


class TimestampMixin:
    created_at = fields.DatetimeField(null=True, auto_now_add=True)
    modified_at = fields.DatetimeField(null=True, auto_now=True)


class NameMixin:
    name = fields.CharField(40, unique=True)


class MyAbstractBaseModel(Model):
    id = fields.IntField(primary_key=True)

    class Meta:
        abstract = True


class UserModel(TimestampMixin, MyAbstractBaseModel):
    # Overriding the id definition
    # from MyAbstractBaseModel
    id = fields.UUIDField(primary_key=True)

    # Adding additional fields
    first_name = fields.CharField(20, null=True)

    class Meta:
        table = "user"


class RoleModel(TimestampMixin, NameMixin, MyAbstractBaseModel):

    class Meta:
        table = "role"


# -- "ForeignKeyField: The on_delete Parameter" --------------------------------------------------
class Parent(Model):
    id = fields.IntField(primary_key=True)


class CascadeChild(Model):
    id = fields.IntField(primary_key=True)
    parent = fields.ForeignKeyField("models.Parent", on_delete=fields.CASCADE, related_name="cascading")


class RestrictChild(Model):
    id = fields.IntField(primary_key=True)
    parent = fields.ForeignKeyField("models.Parent", on_delete=fields.RESTRICT, related_name="restricting")


class SetNullChild(Model):
    id = fields.IntField(primary_key=True)
    parent = fields.ForeignKeyField("models.Parent", on_delete=fields.SET_NULL, null=True, related_name="nulling")


class SetDefaultChild(Model):
    id = fields.IntField(primary_key=True)
    parent = fields.ForeignKeyField("models.Parent", on_delete=fields.SET_DEFAULT, default=1, related_name="defaulting")
