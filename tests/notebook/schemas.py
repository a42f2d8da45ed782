"""Model modules built at run time for the relation-graph tests.

:func:`make_module` declares ``n`` models with random but seeded data fields,
foreign keys, one-to-ones, many-to-manys and self-references, in a module object
that ``Tortoise.init(modules={"models": [module]})`` accepts.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import ModuleType
from typing import Any

from orm import Tortoise, fields
from orm.connection import connections
from orm.models import Model

WORDS = ("Tournament", "Event", "Team", "Player", "Venue", "Ticket", "Invoice", "Customer", "Address", "Order",
         "Product", "Category", "Supplier", "Review", "Tag", "Author", "Comment", "Payment", "Shipment", "Log")


def _data_fields(rng: random.Random) -> dict[str, Any]:
    choices = {
        "name": lambda: fields.CharField(max_length=rng.choice((40, 255))),
        "created_at": lambda: fields.DatetimeField(auto_now_add=True),
        "price": lambda: fields.DecimalField(max_digits=10, decimal_places=2),
        "active": lambda: fields.BooleanField(default=True),
        "notes": lambda: fields.TextField(null=True),
        "rank": lambda: fields.IntField(null=True),
    }
    chosen = rng.sample(sorted(choices), rng.randint(1, 4))
    return {"id": fields.IntField(primary_key=True)} | {name: choices[name]() for name in chosen}


def _relation(rng: random.Random, own: str, target: str, number: int) -> tuple[str, str, Any]:
    """A random relation from ``own`` to ``target``: (kind, field name, field)."""
    kind = rng.choices(("fk", "o2o", "m2m"), weights=(6, 1, 2))[0]
    name = f"{kind}{number}_{target.lower()}"
    related = f"{own.lower()}_{name}"
    if kind == "fk":
        return kind, name, fields.ForeignKeyField(f"models.{target}", related_name=related, null=rng.random() < 0.3)
    if kind == "o2o":
        return kind, name, fields.OneToOneField(f"models.{target}", related_name=related, null=True)
    through = f"{own.lower()}_{name}"
    return kind, name, fields.ManyToManyField(f"models.{target}", related_name=related, through=through)


def make_module(n: int, seed: int) -> ModuleType:
    """A module of ``n`` models related at random (seeded); each model may point to itself."""
    rng = random.Random(seed)
    module = ModuleType(f"graph_schema_{n}_{seed}")
    names = [f"{rng.choice(WORDS)}{i}" for i in range(n)]
    relations: list[tuple[str, str, str, str]] = []  # (kind, source, field, target)
    for own in names:
        attrs = {"__module__": module.__name__, **_data_fields(rng)}
        targets = [names[rng.randrange(n)] for _ in range(rng.choice((0, 1, 1, 2, 2, 3)))]
        if rng.random() < 0.15:
            targets.append(own)
        for number, target in enumerate(targets):
            kind, name, field = _relation(rng, own, target, number)
            attrs[name] = field
            relations.append((kind, own, name, target))
        setattr(module, own, type(own, (Model,), attrs))
    module.RELATIONS = relations  # type: ignore[attr-defined]
    return module


@asynccontextmanager
async def initialised(
    *modules: ModuleType | str, apps: tuple[str, ...] = ("models",), tables: bool = True
) -> AsyncIterator[None]:
    """The ORM initialised on ``sqlite://:memory:`` with one app per module (tables created unless told)."""
    await Tortoise.init(db_url="sqlite://:memory:", modules={app: [m] for app, m in zip(apps, modules)})
    try:
        if tables:
            await Tortoise.generate_schemas()
        yield
    finally:
        await connections.close_all(discard=True)
        Tortoise._reset()
