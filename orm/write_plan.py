"""What writing an instance of a model needs on one dialect, worked out once.

``save()`` and ``delete()`` are the hot path of single-row writes: the fields to
write, their checked converters (``Field.writer``), the SQL and the references
to maintain depend only on the model and the dialect, so they are looked up
here instead of being recomputed for every row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from orm.codegen import generated_function
from orm.exceptions import FieldError
from orm.sql.statements import delete_sql, insert_sql, update_sql

if TYPE_CHECKING:
    from orm.backends.base.dialect import Dialect
    from orm.fields.base import Converter, Field
    from orm.models import Model


class Columns:
    """Fields written together by one statement: their attribute names and checked converters."""

    __slots__ = ("fields", "names", "params", "writers")

    def __init__(self, fields: Sequence[Field], dialect: Dialect) -> None:
        self.fields = list(fields)
        self.names = [f.model_field_name for f in fields]
        self.writers = [f.writer(dialect) for f in fields]
        #: ``params(state)``: the statement's parameters from an instance's ``__dict__`` (ValidationError
        #: if invalid), in column order.
        self.params: Params = _params_function(self.names, self.writers)

    def arrays_of(self, instances: Sequence[Model]) -> list[list[Any]]:
        """The parameters of several instances as one list per column (an array INSERT's)."""
        rows = [self.params(instance.__dict__) for instance in instances]
        return [list(column) for column in zip(*rows)]

    def params_of(self, instances: Sequence[Model]) -> list[Any]:
        """The parameters of several instances, one after the other (a multi-row INSERT's)."""
        row = self.params
        params: list[Any] = []
        extend = params.extend
        for instance in instances:
            extend(row(instance.__dict__))
        return params


Params = Callable[[dict[str, Any]], list[Any]]


def _params_function(names: Sequence[str], writers: Sequence[Callable[[Any], Any]]) -> Params:
    """``[write(state.get(name)) for each column]`` as one generated list display (names ``repr``-quoted):
    no zip, tuple unpacking and loop step per value."""
    env: dict[str, Any] = {f"w{number}": write for number, write in enumerate(writers)}
    cells = ", ".join(f"w{number}(get({name!r}))" for number, name in enumerate(names))
    source = f"def params(state):\n    get = state.get\n    return [{cells}]"
    return generated_function(source, env, "write params")


class UpdatePlan:
    """``UPDATE ... WHERE pk = ?`` of some columns."""

    __slots__ = ("auto", "columns", "keeps_unset_auto_now_add", "sql")

    def __init__(self, model: type[Model], fields: Sequence[Field], dialect: Dialect, whole: bool) -> None:
        self.columns = Columns(fields, dialect)
        self.auto = auto_fields(fields)
        #: Saving the whole row leaves an unset auto_now_add column as the row holds it.
        self.keeps_unset_auto_now_add = [f for f in self.auto if whole and getattr(f, "auto_now_add", False)]
        self.sql = update_sql(model, fields, dialect)


class WritePlan:
    """A model's single-row INSERT, UPDATE and DELETE on one dialect."""

    def __init__(self, model: type[Model], dialect: Dialect) -> None:
        meta = model._meta
        self.model = model
        self.dialect = dialect
        db_fields = list(meta.db_fields)
        self.auto = auto_fields(db_fields)
        self.generated = [f for f in db_fields if f.generated]
        # The usual insert: every generated field left to the database.
        inserted = [f for f in db_fields if not f.generated]
        self.insert_columns = Columns(inserted, dialect)
        returning = [f.column for f in self.generated] if dialect.supports_returning else []
        self.returning = bool(returning)
        self.insert_sql = insert_sql(model, inserted, dialect, returning=returning)
        self.generated_names = [f.model_field_name for f in self.generated]
        self.generated_readers = generated_readers(self.generated, dialect)
        self.pk_writer: Callable[[Any], Any] = meta.pk.db_converter(dialect)
        self.delete_sql = delete_sql(model, dialect)
        self._updates: dict[tuple[str, ...] | None, UpdatePlan] = {}
        self._set_default_references: list[Any] | None = None

    def update(self, names: Sequence[str] | None) -> UpdatePlan:
        """The plan updating ``names`` (every non-key column when None)."""
        key = tuple(names) if names is not None else None
        plan = self._updates.get(key)
        if plan is None:
            plan = UpdatePlan(self.model, update_fields_of(self.model, names), self.dialect, names is None)
            self._updates[key] = plan
        return plan

    @property
    def set_default_references(self) -> list[Any]:
        """Foreign keys to the model with ON DELETE SET DEFAULT that the database cannot apply itself."""
        if self._set_default_references is None:
            self._set_default_references = _set_default_references(self.model, self.dialect)
        return self._set_default_references


def write_plan(model: type[Model], dialect: Dialect) -> WritePlan:
    """The model's plan on ``dialect`` (built on first use, kept by the dialect instance)."""
    plans = dialect.write_plans
    plan = plans.get(model)
    if plan is None:
        plan = plans[model] = WritePlan(model, dialect)
    return plan


def auto_fields(fields: Sequence[Field]) -> list[Field]:
    """The fields whose ``auto_value`` may give a value on save."""
    return [f for f in fields if f.gives_auto_value()]


def generated_readers(fields: Sequence[Field], dialect: Dialect) -> list[tuple[str, Converter | None]]:
    """(attribute name, converter of the value the database returns or None) of each generated field."""
    return [(f.model_field_name, f.python_converter(dialect)) for f in fields]


def update_fields_of(model: type[Model], names: Sequence[str] | None) -> list[Field]:
    """The columns an update writes: the named fields, or every non-key column."""
    meta = model._meta
    if names is None:
        return [f for f in meta.db_fields if not f.pk]
    fields = []
    for name in names:
        field = meta.field(name)
        if not field.has_db_field:
            kind = getattr(field, "relation_kind", None)
            if kind not in ("fk", "o2o"):
                raise FieldError(f"{model.__name__}.{name} is a relation set and has no column to update")
            field = meta.fields_map[field.source_field]
        if field.pk:
            raise FieldError(f"{model.__name__}.{name} is the primary key and cannot be updated")
        fields.append(field)
    return fields


def _set_default_references(model: type[Model], dialect: Dialect) -> list[Any]:
    if dialect.supports_on_delete_set_default:
        return []
    from orm.apps import registry
    from orm.fields.base import OnDelete

    return [
        field
        for other in registry.models()
        for field in other._meta.fields_map.values()
        if getattr(field, "relation_kind", None) in ("fk", "o2o")
        and field.related_model is model
        and field.db_constraint
        and field.on_delete == OnDelete.SET_DEFAULT
    ]
