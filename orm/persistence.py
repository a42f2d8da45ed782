"""Writing instances: insert, update and delete by primary key, and the bulk forms."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager, nullcontext
from typing import TYPE_CHECKING, Any

from orm.exceptions import IntegrityError, OperationalError, ParamsError
from orm.sql.statements import array_insert_sql, bulk_update_sql, insert_sql
from orm.write_plan import Columns, UpdatePlan, WritePlan, generated_readers, update_fields_of, write_plan

if TYPE_CHECKING:
    from orm.backends.base.client import QueryRunner
    from orm.backends.base.dialect import Dialect
    from orm.fields.base import Converter, Field
    from orm.models import Model


def _apply_auto_fields(instance: Model, creating: bool, only: Sequence[Field] | None = None) -> None:
    """Set auto_now / auto_now_add values (only on the ``only`` fields, when given)."""
    for field in instance._meta.db_fields if only is None else only:
        auto_value = getattr(field, "auto_value", None)
        if auto_value is None:
            continue
        name = field.model_field_name
        if creating and getattr(field, "auto_now_add", False) and instance.__dict__.get(name) is not None:
            continue
        value = auto_value(creating)
        if value is not None:
            instance.__dict__[name] = value


def _split_generated(model: type[Model], instance: Model) -> tuple[list[Field], list[Field]]:
    """(fields to insert, generated fields the database fills)."""
    inserted, generated = [], []
    state = instance.__dict__
    for field in model._meta.db_fields:
        if field.generated and state.get(field.model_field_name) is None:
            generated.append(field)
        else:
            inserted.append(field)
    return inserted, generated


def _fill_generated(
    instances: Sequence[Model],
    generated: Sequence[Field],
    result: Any,
    returning: bool,
    dialect: Dialect,
    readers: Sequence[tuple[str, Converter | None]] | None = None,
) -> None:
    """Set the generated values the database gave; ``readers`` are ``generated_readers(generated)``
    when the caller has them already."""
    if not generated:
        return
    if returning:
        pairs = readers if readers is not None else generated_readers(generated, dialect)
        for instance, row in zip(instances, result):
            state = instance.__dict__
            for (name, convert), value in zip(pairs, row):
                state[name] = value if convert is None else convert(value)
    elif len(instances) == 1 and result is not None:
        instances[0].__dict__[generated[0].model_field_name] = result


def _usual_insert(plan: WritePlan, instance: Model) -> bool:
    """Set the instance's auto_now(_add) values; whether the plan's usual INSERT applies to it
    (every generated field left to the database, as opposed to a primary key given, say)."""
    if plan.auto:
        _apply_auto_fields(instance, creating=True, only=plan.auto)
    get = instance.__dict__.get
    for name in plan.generated_names:  # noqa: SIM110 - a loop, not all(): no generator per row
        if get(name) is not None:
            return False
    return True


async def insert(instance: Model, client: QueryRunner) -> None:
    """INSERT the instance and set the values the database generated."""
    model = type(instance)
    dialect = client.dialect
    plan = write_plan(model, dialect)
    state = instance.__dict__
    if _usual_insert(plan, instance):
        generated, returning = plan.generated, plan.returning
        result = await client.insert(plan.insert_sql, plan.insert_columns.params(state), returning)
        _fill_generated((instance,), generated, result, returning, dialect, plan.generated_readers)
    else:
        fields, generated = _split_generated(model, instance)
        returning = dialect.supports_returning and bool(generated)
        sql = insert_sql(model, fields, dialect, returning=[f.column for f in generated] if returning else [])
        result = await client.insert(sql, Columns(fields, dialect).params(state), returning)
        _fill_generated((instance,), generated, result, returning, dialect)
    instance._saved_in_db = True


async def update(instance: Model, client: QueryRunner, names: Sequence[str] | None, must_exist: bool) -> None:
    """UPDATE the instance's row; IntegrityError if ``must_exist`` and there is no row."""
    model = type(instance)
    dialect = client.dialect
    model_plan = write_plan(model, dialect)
    plan = model_plan.update(names)
    state = instance.__dict__
    if plan.keeps_unset_auto_now_add and any(state.get(f.model_field_name) is None
                                             for f in plan.keeps_unset_auto_now_add):
        # An unset auto_now_add value (Model(id=...).save(force_update=True)) keeps what the row holds.
        kept = [f for f in plan.columns.fields
                if not (getattr(f, "auto_now_add", False) and state.get(f.model_field_name) is None)]
        plan = UpdatePlan(model, kept, dialect, whole=False)
    fields = plan.columns.fields
    if not fields:
        return
    if plan.auto:
        _apply_auto_fields(instance, creating=False, only=plan.auto)  # the instance keeps what the row holds
    params = plan.columns.params(state)
    params.append(model_plan.pk_writer(instance.pk))
    changed = await client.execute(plan.sql, params)
    if must_exist and not changed:
        raise IntegrityError(f"Can't update object that doesn't exist. PK: {instance.pk}")


async def delete(instance: Model, client: QueryRunner) -> int:
    """DELETE the instance's row; returns the number of rows deleted."""
    model = type(instance)
    if not instance._saved_in_db or instance.pk is None:
        raise OperationalError("Can't delete unpersisted record")
    plan = write_plan(model, client.dialect)
    pk = plan.pk_writer(instance.pk)
    references = plan.set_default_references
    if not references:
        return await client.execute(plan.delete_sql, [pk])
    async with client.in_transaction() as tx:
        await set_defaults(references, model._meta.manager.get_queryset().filter(pk=instance.pk), tx)
        return await tx.execute(plan.delete_sql, [pk])


def set_default_references(model: type[Model], dialect: Dialect) -> list[Any]:
    """Foreign keys to ``model`` with ON DELETE SET DEFAULT that the database cannot apply itself."""
    return write_plan(model, dialect).set_default_references


async def set_defaults(references: Sequence[Any], targets: Any, client: QueryRunner) -> None:
    """Point the rows referencing ``targets`` (a queryset about to be deleted) at their defaults."""
    for fk in references:
        keys = targets.values_list(fk.to_field, flat=True)
        referencing = fk.model._meta.manager.get_queryset().using_db(client)
        await referencing.filter(**{f"{fk.id_attr}__in": keys}).update(**{fk.id_attr: fk.default})


def _atomic(client: QueryRunner, batches: int) -> AbstractAsyncContextManager[Any]:
    return client.in_transaction() if batches > 1 else nullcontext()


def _batches(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


async def bulk_create(
    model: type[Model],
    objects: Sequence[Model],
    client: QueryRunner,
    batch_size: int | None = None,
    ignore_conflicts: bool = False,
    update_fields: Iterable[str] | None = None,
    on_conflict: Iterable[str] | None = None,
) -> list[Model]:
    """INSERT many instances in as few statements as the parameter limit allows.

    Generated primary keys are filled in where the database returns them
    (RETURNING), which Tortoise does not do.
    """
    objects = list(objects)
    for obj in objects:
        if not isinstance(obj, model):
            raise ParamsError(f"bulk_create of {model.__name__} got a {type(obj).__name__}")
    if not objects:
        return []
    dialect = client.dialect
    meta = model._meta
    conflict_columns = [meta.field(n).column for n in on_conflict or ()]
    updates = update_fields_of(model, list(update_fields)) if update_fields else []
    plan = write_plan(model, dialect)
    usual = tuple(plan.insert_columns.fields)
    groups: dict[tuple[Field, ...], tuple[list[Field], list[Model]]] = {usual: (plan.generated, [])}
    for obj in objects:
        if _usual_insert(plan, obj):
            groups[usual][1].append(obj)
        else:
            fields, generated = _split_generated(model, obj)
            groups.setdefault(tuple(fields), (generated, []))[1].append(obj)
    returning_ok = dialect.supports_returning and not ignore_conflicts and not updates
    arrays = dialect.supports_array_insert and not ignore_conflicts and not updates
    plans = []
    for fields, (generated, members) in groups.items():
        arrays_here = arrays and bool(fields)
        size = max(1, len(members) if arrays_here else dialect.max_params // max(len(fields), 1))
        if batch_size:
            size = min(size, batch_size)
        columns = plan.insert_columns if fields is usual else Columns(fields, dialect)
        plans.extend((fields, columns, generated, batch) for batch in _batches(members, size))
    async with _atomic(client, len(plans)) as tx:
        runner = tx if tx is not None else client  # the batches run in the transaction
        for fields, columns, generated, batch in plans:
            returning = [f.column for f in generated] if returning_ok else []
            if arrays and fields:
                sql = array_insert_sql(model, fields, dialect, returning)
                params = columns.arrays_of(batch)
            else:
                sql = insert_sql(
                    model, fields, dialect, len(batch), returning, ignore_conflicts, conflict_columns, updates
                )
                params = columns.params_of(batch)
            result = await runner.insert(sql, params, bool(returning))
            _fill_generated(batch, generated, result, bool(returning), dialect)
            for obj in batch:
                obj._saved_in_db = True
    return objects


async def bulk_update(
    model: type[Model],
    objects: Sequence[Model],
    names: Iterable[str],
    client: QueryRunner,
    batch_size: int | None = None,
) -> int:
    """UPDATE the named fields of many instances, one statement per batch; returns rows changed."""
    objects = list(objects)
    fields = update_fields_of(model, list(names))
    if not fields:
        raise ParamsError("bulk_update() needs at least one field name")
    if not objects:
        return 0
    dialect = client.dialect
    for obj in objects:
        if obj.pk is None:
            raise OperationalError(f"bulk_update: a {model.__name__} has no primary key (not saved)")
    width = 2 * len(fields) + 1
    size = max(1, dialect.max_params // width)
    if batch_size:
        size = min(size, batch_size)
    batches = _batches(objects, size)
    to_pk = model._meta.pk.db_converter(dialect)
    columns = Columns(fields, dialect)
    changed = 0
    async with _atomic(client, len(batches)) as tx:
        runner = tx if tx is not None else client  # the batches run in the transaction
        for batch in batches:
            pks = [to_pk(obj.pk) for obj in batch]
            values = [columns.params(obj.__dict__) for obj in batch]
            changed += await runner.execute(*bulk_update_sql(model, fields, dialect, pks, values))
    return changed
