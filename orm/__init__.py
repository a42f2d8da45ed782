"""Shellback's ORM: Tortoise ORM's API, Jupyter-first.

from orm import Tortoise, fields, run_async
from orm.models import Model
"""

from orm import fields
from orm.backends.base.client import BaseDBAsyncClient
from orm.connection import connections
from orm.fields.relational import (
    BackwardFKRelation,
    BackwardOneToOneRelation,
    ForeignKeyFieldInstance,
    ManyToManyFieldInstance,
    OneToOneFieldInstance,
)
from orm.models import Model
from orm.runner import run_async
from orm.tortoise import Tortoise

__version__ = "0.1.0"

__all__ = [
    "BackwardFKRelation",
    "BackwardOneToOneRelation",
    "BaseDBAsyncClient",
    "ForeignKeyFieldInstance",
    "ManyToManyFieldInstance",
    "Model",
    "OneToOneFieldInstance",
    "Tortoise",
    "__version__",
    "connections",
    "fields",
    "run_async",
]
