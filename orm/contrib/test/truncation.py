"""Emptying every table of the initialised models, children before parents."""

from __future__ import annotations

from orm.apps import registry
from orm.connection import connections
from orm.exceptions import ConfigurationError
from orm.models import Model
from orm.tortoise import Tortoise


def _delete_order(models: list[type[Model]]) -> list[type[Model]]:
    """Models that point to others first, so that rows are deleted before the rows they reference."""
    remaining = list(models)
    ordered: list[type[Model]] = []
    while remaining:
        referenced = {
            field.related_model
            for model in remaining
            for name in model._meta.fk_fields | model._meta.o2o_fields
            if (field := model._meta.fields_map[name]).related_model is not model
        }
        batch = [m for m in remaining if m not in referenced] or remaining[:1]  # a cycle: break it anywhere
        ordered.extend(batch)
        remaining = [m for m in remaining if m not in batch]
    return ordered


async def truncate_all_models() -> None:
    """Delete every row of every initialised model's table (many-to-many tables included)."""
    if not Tortoise._inited:
        raise ConfigurationError("truncate_all_models() needs an initialised ORM: call Tortoise.init() first")
    by_connection: dict[str, list[type[Model]]] = {}
    for model in registry.models():
        by_connection.setdefault(model._meta.default_connection or "default", []).append(model)
    for alias, models in by_connection.items():
        client = connections.get(alias)
        quote = client.dialect.quote
        through = sorted(
            {
                f.through
                for m in models
                for name in m._meta.m2m_fields
                if (f := m._meta.fields_map[name]).through
            }
        )
        tables = through + [m._meta.db_table for m in _delete_order(models)]
        name = client.capabilities.dialect
        if name == "postgres":
            await client.execute_script(f"TRUNCATE {', '.join(quote(t) for t in tables)} CASCADE")
        elif name == "mysql":
            async with client.in_transaction() as tx:  # one connection, so the session setting applies
                await tx.execute_script("SET FOREIGN_KEY_CHECKS = 0")
                for table in tables:
                    await tx.execute_script(f"DELETE FROM {quote(table)}")
                await tx.execute_script("SET FOREIGN_KEY_CHECKS = 1")
        elif name == "sqlite":  # one connection; the pragma cannot change inside a transaction
            await client.execute_script("PRAGMA foreign_keys = OFF")
            try:
                for table in tables:
                    await client.execute_script(f"DELETE FROM {quote(table)}")
            finally:
                await client.execute_script("PRAGMA foreign_keys = ON")
        else:
            for table in tables:
                await client.execute_script(f"DELETE FROM {quote(table)}")
