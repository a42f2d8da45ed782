"""SQLAlchemy 2.1's async ORM: ``AsyncSession`` with ``expire_on_commit=False``.

Declarative models over the same column spec; aiosqlite / asyncpg underneath. Column
types follow ``orm``'s and Tortoise's tables (AUTOINCREMENT ids on SQLite, JSONB on
PostgreSQL). Reads use ``select()`` (objects via ``scalars()``, dicts via
``mappings()``, tuples via rows), bulk insert the ORM bulk ``insert()`` with a list
of dicts (``render_nulls=True``, as its docs advise for rows with None in varying
columns), the export ``DataFrame.from_records`` of a core ``select()``.

Single-row writes (B, I, J, K) flush after each object, so that, as with the other
contenders, every object is written by its own statement when its call returns.
``SqlAlchemyUnitOfWork`` is the same code letting the unit of work flush once at
commit (SQLAlchemy batches those statements): reported for information, no target.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Double, Integer, Numeric, SmallInteger, String, Text, insert, select
from sqlalchemy import exc as sa_exc
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, mapped_column

from benchmarks.backends import Target
from benchmarks.contenders import Contender, Row
from benchmarks.data import SHAPES, Column, Shape
from benchmarks.ops import PAGE

# SQLite has no decimal type: SQLAlchemy warns once that it goes through float/str conversion
warnings.filterwarnings("ignore", category=sa_exc.SAWarning, message=".*Decimal objects natively.*")


def _type(column: Column) -> Any:
    kind = column.kind
    if kind == "varchar":
        return String(column.length)
    return {"datetime": DateTime(timezone=True), "smallint": SmallInteger(), "float": Double(), "int": Integer(),
            "bigint": BigInteger(), "text": Text(), "decimal": Numeric(12, 4),
            "json": JSON().with_variant(JSONB(), "postgresql")}[kind]


def define_models(prefix: str) -> tuple[type[DeclarativeBase], dict[tuple[str, bool], Any]]:
    """A declarative base and a mapped class per shape and table (working, export)."""

    class Base(DeclarativeBase):
        pass

    models = {}
    for shape in SHAPES.values():
        for export in (False, True):
            attrs: dict[str, Any] = {
                "__tablename__": shape.table(prefix, export),
                "__table_args__": {"sqlite_autoincrement": True},
                "id": mapped_column(Integer, primary_key=True),
            }
            for column in shape.columns:
                attrs[column.name] = mapped_column(_type(column), nullable=column.null, default=column.default,
                                                   index=column.index)
            name = f"{shape.name.title()}{'Export' if export else 'Row'}"
            models[shape.name, export] = type(name, (Base,), attrs)
    return Base, models


class SqlAlchemyContender(Contender):
    name = "sqlalchemy"
    prefix = "sa"
    description = "SQLAlchemy async ORM (AsyncSession, expire_on_commit=False), a flush per written object"
    #: flush after each written object (B, I, J, K), as the other contenders write each row when asked
    flush_each = True

    async def setup(self, target: Target, shapes: Sequence[Shape]) -> None:
        self.base, self.models = define_models(self.prefix)
        if target.name == "sqlite":
            self.engine = create_async_engine(f"sqlite+aiosqlite:///{target.sqlite_path(self.name)}")
        else:
            self.engine = create_async_engine(target.url_for("postgresql+asyncpg"),
                                              connect_args={"server_settings": {"search_path": target.schema}})
        self.session = async_sessionmaker(self.engine, expire_on_commit=False)
        async with self.engine.begin() as conn:
            await conn.run_sync(self.base.metadata.create_all)

    async def close(self) -> None:
        await self.engine.dispose()

    async def execute(self, sql: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(sql_text(sql))

    async def fetch_one(self, sql: str) -> Sequence[Any]:
        async with self.engine.connect() as conn:
            return (await conn.execute(sql_text(sql))).one()

    async def seed(self, shape: Shape, rows: list[Row], export: bool = False) -> None:
        # render_nulls: send None as NULL, so rows with None in different columns still share one batch
        # (by default the ORM bulk insert leaves those keys out and splits into a statement per key set)
        statement = insert(self.models[shape.name, export]).execution_options(render_nulls=True)
        async with self.session() as session, session.begin():
            await session.execute(statement, rows)

    async def load(self, shape: Shape, ids: list[int]) -> list[Any]:
        model = self.models[shape.name, False]
        async with self.session() as session:
            return list((await session.scalars(select(model).where(model.id.in_(ids)).order_by(model.id))).all())

    async def _flush(self, session: AsyncSession) -> None:
        if self.flush_each:
            await session.flush()

    # -- the timed operations ---------------------------------------------------------------------
    async def insert_single(self, shape: Shape, rows: list[Row]) -> Any:
        model, result = self.models[shape.name, False], []
        for row in rows:
            async with self.session() as session, session.begin():
                obj = model(**row)
                session.add(obj)
            result.append(obj)
        return result

    async def insert_batch(self, shape: Shape, rows: list[Row]) -> Any:
        model, result = self.models[shape.name, False], []
        async with self.session() as session, session.begin():
            for row in rows:
                obj = model(**row)
                session.add(obj)
                await self._flush(session)
                result.append(obj)
        return result

    async def bulk_insert(self, shape: Shape, rows: list[Row]) -> Any:
        await self.seed(shape, rows)

    def _filter(self, shape: Shape, *columns: Any) -> Any:
        model = self.models[shape.name, False]
        return select(*(columns or (model,))).where(model.level >= 0).order_by(model.id)

    async def load_all(self, shape: Shape) -> list[Any]:
        async with self.session() as session:
            return list((await session.scalars(self._filter(shape))).all())

    async def pages(self, shape: Shape, offsets: list[int]) -> list[Any]:
        model, result = self.models[shape.name, False], []
        async with self.session() as session:
            for offset in offsets:
                statement = select(model).order_by(model.id).offset(offset).limit(PAGE)
                result.extend((await session.scalars(statement)).all())
        return result

    async def get_by_pk(self, shape: Shape, ids: list[int]) -> list[Any]:
        model = self.models[shape.name, False]
        async with self.session() as session:
            return [await session.get(model, pk) for pk in ids]

    async def dicts(self, shape: Shape) -> list[Any]:
        columns = self.models[shape.name, False].__table__.columns
        async with self.session() as session:
            return list((await session.execute(self._filter(shape, *columns))).mappings().all())

    async def tuples(self, shape: Shape) -> list[Any]:
        columns = self.models[shape.name, False].__table__.columns
        async with self.session() as session:
            return list((await session.execute(self._filter(shape, *columns))).tuples().all())

    async def update_whole(self, shape: Shape, objects: list[Any], values: list[tuple[int, str]]) -> Any:
        async with self.session() as session, session.begin():
            for obj, (level, text) in zip(objects, values):
                session.add(obj)
                obj.level, obj.text = level, text
                await self._flush(session)

    async def update_field(self, shape: Shape, objects: list[Any], levels: list[int]) -> Any:
        async with self.session() as session, session.begin():
            for obj, level in zip(objects, levels):
                session.add(obj)
                obj.level = level
                await self._flush(session)

    async def delete(self, shape: Shape, objects: list[Any]) -> Any:
        async with self.session() as session, session.begin():
            for obj in objects:
                await session.delete(obj)
                await self._flush(session)

    async def export_frame(self, shape: Shape) -> Any:
        import pandas as pd

        table = self.models[shape.name, True].__table__
        async with self.session() as session:
            result = await session.execute(select(*table.columns))
            return pd.DataFrame.from_records(result.all(), columns=list(result.keys()))


class SqlAlchemyUnitOfWork(SqlAlchemyContender):
    name = "sa_uow"
    prefix = "sau"
    ops = "BIJK"
    description = "the same SQLAlchemy code flushing once at commit (its unit of work batches the statements)"
    flush_each = False
