"""PostgreSQL index access methods for ``Meta.indexes`` (Tortoise's ``tortoise.contrib.postgres.indexes``).

    class Meta:
        indexes = [GinIndex(fields=("tags",)), BrinIndex(fields=("created",))]
"""

from __future__ import annotations

from orm.indexes import Index


class PostgreSQLIndex(Index):
    """An index built with one of PostgreSQL's access methods: ``INDEX_TYPE`` names it, as in Tortoise."""

    def kind_and_method(self) -> tuple[str, str]:
        return "", self.INDEX_TYPE


class BloomIndex(PostgreSQLIndex):
    INDEX_TYPE = "BLOOM"  # needs the bloom extension


class BrinIndex(PostgreSQLIndex):
    INDEX_TYPE = "BRIN"


class GinIndex(PostgreSQLIndex):
    INDEX_TYPE = "GIN"


class GistIndex(PostgreSQLIndex):
    INDEX_TYPE = "GIST"


class HashIndex(PostgreSQLIndex):
    INDEX_TYPE = "HASH"


class SpGistIndex(PostgreSQLIndex):
    INDEX_TYPE = "SPGIST"


__all__ = ["BloomIndex", "BrinIndex", "GinIndex", "GistIndex", "HashIndex", "PostgreSQLIndex", "SpGistIndex"]
