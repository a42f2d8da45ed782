"""MySQL/MariaDB functions (Tortoise's ``tortoise.contrib.mysql.functions``)."""

from orm.contrib._random import RandomFunction


class Rand(RandomFunction):
    """A random number: ``RAND()``."""

    database_func = "RAND"


__all__ = ["Rand"]
