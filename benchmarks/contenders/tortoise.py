"""Tortoise ORM 1.1.9 with its defaults (the same Tortoise-API code as ``orm``, its own models and tables)."""

from __future__ import annotations

from typing import Any

from tortoise import Tortoise, connections, fields
from tortoise.models import Model
from tortoise.transactions import in_transaction

from benchmarks.contenders.tortoise_api import TortoiseApi, define_models

MODELS = define_models(__name__, fields, Model, "tortoise")
__models__ = list(MODELS.values())


class TortoiseContender(TortoiseApi):
    name = "tortoise"
    prefix = "tortoise"
    description = "Tortoise ORM with defaults (DataFrames: values_list() + DataFrame.from_records)"
    tortoise = Tortoise
    in_transaction = staticmethod(in_transaction)
    models = MODELS
    models_module = __name__

    def connection(self) -> Any:
        return connections.get(self.connection_name)
