"""What ``orm`` and Tortoise ORM share: the Tortoise API, so one body of idiomatic code drives both.

Only public API: ``Model.create``, ``bulk_create``, ``filter().order_by()``, ``values()``,
``values_list()``, ``get(pk=...)``, ``save()`` (with ``update_fields``), ``delete()``
and ``in_transaction()``. Each library gets its own model classes (``define_models``) and tables.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

from benchmarks.backends import Target
from benchmarks.contenders import Contender, Row
from benchmarks.data import SHAPES, Column, Shape
from benchmarks.ops import PAGE


def _field(fields: ModuleType, column: Column) -> Any:
    options: dict[str, Any] = {"null": column.null}
    if column.default is not None:
        options["default"] = column.default
    if column.index:
        options["db_index"] = True
    kind = column.kind
    if kind == "varchar":
        return fields.CharField(max_length=column.length, **options)
    if kind == "decimal":
        return fields.DecimalField(max_digits=12, decimal_places=4, **options)
    field_class = {"datetime": fields.DatetimeField, "smallint": fields.SmallIntField, "float": fields.FloatField,
                   "int": fields.IntField, "bigint": fields.BigIntField, "text": fields.TextField,
                   "json": fields.JSONField}[kind]
    return field_class(**options)


def define_models(module: str, fields: ModuleType, model_base: type, prefix: str) -> dict[tuple[str, bool], type]:
    """A model class per shape and table (working, export): ``SmallRow``, ``SmallExport``, ``WideRow``..."""
    models = {}
    for shape in SHAPES.values():
        for export in (False, True):
            attrs: dict[str, Any] = {
                "__module__": module,
                "id": fields.IntField(primary_key=True),
                **{column.name: _field(fields, column) for column in shape.columns},
                "Meta": type("Meta", (), {"table": shape.table(prefix, export)}),
            }
            name = f"{shape.name.title()}{'Export' if export else 'Row'}"
            models[shape.name, export] = type(name, (model_base,), attrs)
    return models


class TortoiseApi(Contender):
    """Set by each library's module: its ``Tortoise`` class, ``in_transaction``, models and their module."""

    tortoise: Any
    in_transaction: Callable[..., Any]
    models: dict[tuple[str, bool], Any]
    models_module: str

    def connection(self) -> Any:
        raise NotImplementedError

    @property
    def connection_name(self) -> str:
        # one name per backend: Tortoise caches each model's INSERT/DELETE SQL by connection name and table,
        # across Tortoise.init calls, so a second backend under the same name would get the first one's SQL
        return f"bench_{self.backend}"

    def db_url(self, target: Target) -> str:
        if target.name == "sqlite":
            return f"sqlite://{target.sqlite_path(self.name)}"
        return f"{target.url}{'&' if '?' in target.url else '?'}schema={target.schema}"

    async def setup(self, target: Target, shapes: Sequence[Shape]) -> None:
        self.backend = target.name
        await self.tortoise.init(config={
            "connections": {self.connection_name: self.db_url(target)},
            "apps": {"models": {"models": [self.models_module], "default_connection": self.connection_name}},
        })
        await self.tortoise.generate_schemas()

    async def close(self) -> None:
        await self.tortoise.close_connections()

    async def execute(self, sql: str) -> None:
        await self.connection().execute_script(sql)

    async def fetch_one(self, sql: str) -> Sequence[Any]:
        return list((await self.connection().execute_query_dict(sql))[0].values())

    async def seed(self, shape: Shape, rows: list[Row], export: bool = False) -> None:
        model = self.models[shape.name, export]
        await model.bulk_create([model(**row) for row in rows])

    async def load(self, shape: Shape, ids: list[int]) -> list[Any]:
        return await self.models[shape.name, False].filter(id__in=ids).order_by("id")

    # -- the timed operations ---------------------------------------------------------------------
    async def insert_single(self, shape: Shape, rows: list[Row]) -> Any:
        model = self.models[shape.name, False]
        return [await model.create(**row) for row in rows]

    async def insert_batch(self, shape: Shape, rows: list[Row]) -> Any:
        model = self.models[shape.name, False]
        async with self.in_transaction(self.connection_name):
            return [await model.create(**row) for row in rows]

    async def bulk_insert(self, shape: Shape, rows: list[Row]) -> Any:
        model = self.models[shape.name, False]
        return await model.bulk_create([model(**row) for row in rows])

    async def load_all(self, shape: Shape) -> list[Any]:
        return await self.models[shape.name, False].filter(level__gte=0).order_by("id")

    async def pages(self, shape: Shape, offsets: list[int]) -> list[Any]:
        model, result = self.models[shape.name, False], []
        for offset in offsets:
            result.extend(await model.all().order_by("id").offset(offset).limit(PAGE))
        return result

    async def get_by_pk(self, shape: Shape, ids: list[int]) -> list[Any]:
        model = self.models[shape.name, False]
        return [await model.get(pk=pk) for pk in ids]

    async def dicts(self, shape: Shape) -> list[Any]:
        return await self.models[shape.name, False].filter(level__gte=0).order_by("id").values()

    async def tuples(self, shape: Shape) -> list[Any]:
        return await self.models[shape.name, False].filter(level__gte=0).order_by("id").values_list()

    async def update_whole(self, shape: Shape, objects: list[Any], values: list[tuple[int, str]]) -> Any:
        async with self.in_transaction(self.connection_name):
            for obj, (level, text) in zip(objects, values):
                obj.level, obj.text = level, text
                await obj.save()

    async def update_field(self, shape: Shape, objects: list[Any], levels: list[int]) -> Any:
        async with self.in_transaction(self.connection_name):
            for obj, level in zip(objects, levels):
                obj.level = level
                await obj.save(update_fields=["level"])

    async def delete(self, shape: Shape, objects: list[Any]) -> Any:
        async with self.in_transaction(self.connection_name):
            for obj in objects:
                await obj.delete()

    async def export_frame(self, shape: Shape) -> Any:
        import pandas as pd

        rows = await self.models[shape.name, True].all().values_list(*shape.names)
        return pd.DataFrame.from_records(rows, columns=shape.names)
