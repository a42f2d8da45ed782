"""A small hand-written schema for the relation graph tests: every kind of relation once."""

from __future__ import annotations

from types import ModuleType

from orm import fields
from orm.models import Model


class League(Model):
    name = fields.CharField(max_length=100)


class Club(Model):
    name = fields.CharField(max_length=50)
    league = fields.ForeignKeyField("models.League", related_name="clubs")
    rival = fields.ForeignKeyField("models.Club", related_name="rivals_of", null=True)


class Player(Model):
    name = fields.CharField(max_length=50)
    club = fields.ForeignKeyField("models.Club", related_name="players", null=True)
    clubs_played = fields.ManyToManyField("models.Club", related_name="former_players", through="player_history")


class Contract(Model):
    player = fields.OneToOneField("models.Player", related_name="contract")
    salary = fields.DecimalField(max_digits=12, decimal_places=2)
    signed = fields.DatetimeField(null=True)


def archive_module() -> ModuleType:
    """A second app, ``archive``: another ``Club`` (same name, other app) and a ``Season`` pointing to it."""
    module = ModuleType("graph_archive")
    club = type("Club", (Model,), {"__module__": module.__name__, "name": fields.CharField(max_length=50),
                                   "Meta": type("Meta", (), {"table": "archived_club"})})
    season = type("Season", (Model,), {"__module__": module.__name__, "year": fields.IntField(),
                                       "club": fields.ForeignKeyField("archive.Club", related_name="seasons")})
    module.Club, module.Season = club, season
    return module
