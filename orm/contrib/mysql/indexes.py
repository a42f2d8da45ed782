"""MySQL/MariaDB index kinds for ``Meta.indexes`` (Tortoise's ``tortoise.contrib.mysql.indexes``).

    class Meta:
        indexes = [FullTextIndex(fields=("body",))]   # lets body__search=... use MATCH ... AGAINST
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from orm.exceptions import ConfigurationError
from orm.indexes import Index


class FullTextIndex(Index):
    """A ``FULLTEXT`` index: what the ``search`` lookup needs on MySQL and MariaDB."""

    INDEX_TYPE = "FULLTEXT"

    def __init__(
        self,
        *expressions: Any,
        fields: Sequence[str] | None = None,
        name: str | None = None,
        parser_name: str | None = None,
    ) -> None:
        super().__init__(*expressions, fields=fields, name=name)
        if parser_name:
            if not parser_name.replace("_", "").isalnum():
                raise ConfigurationError(f"parser_name must be a plain identifier, not {parser_name!r}")
            self.extra = f" WITH PARSER {parser_name}"


class SpatialIndex(Index):
    """A ``SPATIAL`` index (on geometry columns)."""

    INDEX_TYPE = "SPATIAL"


__all__ = ["FullTextIndex", "SpatialIndex"]
