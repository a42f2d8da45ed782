"""This project's ``orm`` through its Tortoise-style API, and ``to_dataframe()`` for the export (L)."""

from __future__ import annotations

from typing import Any

from benchmarks.contenders.tortoise_api import TortoiseApi, define_models
from benchmarks.data import Shape
from orm import Tortoise, fields
from orm.models import Model
from orm.transactions import in_transaction

MODELS = define_models(__name__, fields, Model, "orm")
__models__ = list(MODELS.values())


class OrmContender(TortoiseApi):
    name = "orm"
    prefix = "orm"
    description = "this project (Tortoise-style API; DataFrames with QuerySet.to_dataframe())"
    tortoise = Tortoise
    in_transaction = staticmethod(in_transaction)
    models = MODELS
    models_module = __name__

    def connection(self) -> Any:
        return Tortoise.get_connection(self.connection_name)

    async def export_frame(self, shape: Shape) -> Any:
        return await self.models[shape.name, True].all().to_dataframe()
