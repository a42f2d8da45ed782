"""Models for the relation tests (app "models", loaded beside tests.models).

This module deliberately has no ``from __future__ import annotations``: the
relation typing helpers (``fields.ForeignKeyRelation["Cup"]`` ...) are
evaluated when the classes are created, as they are in a user's module.
"""

from orm import fields
from orm.models import Model


# -- a chain of relations: Organizer <- Cup <- Match <-> Player ---------------------------------
class Organizer(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)

    cups: fields.ReverseRelation["Cup"]


class Cup(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)
    organizer: fields.ForeignKeyNullableRelation[Organizer] = fields.ForeignKeyField(
        "models.Organizer", related_name="cups", null=True, on_delete=fields.SET_NULL
    )

    matches: fields.ReverseRelation["Match"]


class Match(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)
    round = fields.IntField(default=1)
    cup: fields.ForeignKeyRelation[Cup] = fields.ForeignKeyField("models.Cup", related_name="matches")
    players: fields.ManyToManyRelation["Player"] = fields.ManyToManyField(
        "models.Player",
        related_name="matches",
        through="match_player",
        forward_key="player_ref",
        backward_key="match_ref",
    )


class Player(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)

    matches: fields.ManyToManyRelation[Match]


class Note(Model):
    """A foreign key with the default related_name (``cup.notes``)."""

    id = fields.IntField(primary_key=True)
    text = fields.CharField(max_length=50)
    cup = fields.ForeignKeyField("models.Cup")


# -- on_delete ------------------------------------------------------------------------------------
class Holder(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)
    #: a many-to-many relation without a reverse accessor, foreign keys or unique pair index
    watchers: fields.ManyToManyRelation["Player"] = fields.ManyToManyField(
        "models.Player", related_name=False, through="holder_watchers", db_constraint=False, create_unique_index=False
    )


class CascadeRef(Model):
    id = fields.IntField(primary_key=True)
    holder = fields.ForeignKeyField("models.Holder", related_name="cascade_refs", on_delete=fields.CASCADE)


class RestrictRef(Model):
    id = fields.IntField(primary_key=True)
    holder = fields.ForeignKeyField("models.Holder", related_name="restrict_refs", on_delete=fields.RESTRICT)


class SetNullRef(Model):
    id = fields.IntField(primary_key=True)
    holder = fields.ForeignKeyField(
        "models.Holder", related_name="set_null_refs", null=True, on_delete=fields.SET_NULL
    )


#: The primary key of the Holder that SetDefaultRef falls back to.
FALLBACK_HOLDER = 1


class SetDefaultRef(Model):
    id = fields.IntField(primary_key=True)
    holder = fields.ForeignKeyField(
        "models.Holder", related_name="set_default_refs", on_delete=fields.SET_DEFAULT, default=FALLBACK_HOLDER
    )


class NoActionRef(Model):
    """NO ACTION, and no reverse accessor on Holder (related_name=False)."""

    id = fields.IntField(primary_key=True)
    holder = fields.ForeignKeyField("models.Holder", related_name=False, on_delete=fields.NO_ACTION)


class LooseRef(Model):
    """A foreign key without a database constraint."""

    id = fields.IntField(primary_key=True)
    holder = fields.ForeignKeyField("models.Holder", related_name="loose_refs", db_constraint=False)


# -- to_field -------------------------------------------------------------------------------------
class Country(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=3, unique=True)
    name = fields.CharField(max_length=50)

    cities: fields.ReverseRelation["City"]


class City(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)
    country: fields.ForeignKeyRelation[Country] = fields.ForeignKeyField(
        "models.Country", related_name="cities", to_field="code"
    )


# -- self references ------------------------------------------------------------------------------
class Category(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)
    parent: fields.ForeignKeyNullableRelation["Category"] = fields.ForeignKeyField(
        "models.Category", related_name="children", null=True
    )

    children: fields.ReverseRelation["Category"]


class Member(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)
    following: fields.ManyToManyRelation["Member"] = fields.ManyToManyField(
        "models.Member", related_name="followers", through="member_follows"
    )

    followers: fields.ManyToManyRelation["Member"]


# -- one to one -----------------------------------------------------------------------------------
class Account(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)

    profile: fields.OneToOneNullableRelation["Profile"]
    passport: fields.OneToOneNullableRelation["Passport"]


class Profile(Model):
    id = fields.IntField(primary_key=True)
    bio = fields.CharField(max_length=100)
    account: fields.OneToOneRelation[Account] = fields.OneToOneField("models.Account", related_name="profile")


class Passport(Model):
    """A one-to-one relation as the primary key."""

    account: fields.OneToOneRelation[Account] = fields.OneToOneField(
        "models.Account", related_name="passport", primary_key=True
    )
    number = fields.CharField(max_length=20)


# -- a cycle of nullable foreign keys: Alpha -> Beta -> Alpha -------------------------------------
class Alpha(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=20)
    beta: fields.ForeignKeyNullableRelation["Beta"] = fields.ForeignKeyField(
        "models.Beta", related_name="alphas", null=True, on_delete=fields.SET_NULL
    )


class Beta(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=20)
    alpha: fields.ForeignKeyNullableRelation[Alpha] = fields.ForeignKeyField(
        "models.Alpha", related_name="betas", null=True, on_delete=fields.SET_NULL
    )
