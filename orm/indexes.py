"""Index objects for ``Meta.indexes`` (Tortoise's ``tortoise.indexes``).

    class Meta:
        indexes = [Index(fields=("vendor", "name"), name="idx_vendor_name")]

A plain tuple of field names in ``Meta.indexes`` makes the same index with a
generated name. Expression indexes are not supported.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from orm.exceptions import ConfigurationError

if TYPE_CHECKING:
    from orm.backends.base.schema import SchemaGenerator
    from orm.models import Model


class Index:
    """An index on ``fields`` (field names, in order), named ``name`` or by the table and columns."""

    #: A kind of index (``FULLTEXT``): ``CREATE FULLTEXT INDEX ...``.
    INDEX_TYPE = ""

    def __init__(self, *expressions: Any, fields: Sequence[str] | None = None, name: str | None = None) -> None:
        if expressions:
            raise ConfigurationError("Index(*expressions) is not supported; give fields=(...) instead")
        if not fields:
            raise ConfigurationError("an Index needs at least one field: Index(fields=(...))")
        if isinstance(fields, str):
            fields = (fields,)
        self.fields = list(fields)
        self.name = name
        self.expressions: tuple[Any, ...] = ()
        self.extra = ""

    def describe(self) -> dict[str, Any]:
        return {
            "fields": list(self.fields),
            "expressions": [],
            "name": self.name,
            "type": self.INDEX_TYPE,
            "extra": self.extra,
        }

    def index_name(self, schema_generator: SchemaGenerator, model: type[Model]) -> str:
        from orm.backends.base.schema import constraint_name

        if self.name:
            return self.name
        columns = [schema_generator.column_of(model, name) for name in self.fields]
        return constraint_name("idx", model._meta.db_table, columns)

    def get_sql(self, schema_generator: SchemaGenerator, model: type[Model], safe: bool) -> str:
        """The CREATE INDEX statement for ``model``'s table."""
        columns = [schema_generator.column_of(model, name) for name in self.fields]
        kind, method = self.kind_and_method()
        sql = schema_generator.dialect.create_index_sql(
            model._meta.db_table, self.index_name(schema_generator, model), columns, False, safe, method
        )
        if kind:  # a subclass's kind of index, as in Tortoise: ``CREATE FULLTEXT INDEX ...``
            sql = sql.replace("CREATE INDEX", f"CREATE {kind} INDEX", 1)
        return sql + self.extra

    def kind_and_method(self) -> tuple[str, str]:
        """(kind of index, access method) this class's ``INDEX_TYPE`` names."""
        return self.INDEX_TYPE, ""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.describe() == other.describe()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self), tuple(self.fields), self.name))

    def __repr__(self) -> str:
        name = f", name={self.name!r}" if self.name else ""
        return f"{type(self).__name__}(fields={tuple(self.fields)!r}{name})"


__all__ = ["Index"]
