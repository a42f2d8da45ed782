"""PostgreSQL functions (Tortoise's ``tortoise.contrib.postgres.functions``)."""

from orm.contrib._random import RandomFunction


class Random(RandomFunction):
    """A random number: ``RANDOM()``."""

    database_func = "RANDOM"


__all__ = ["Random"]
