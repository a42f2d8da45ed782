"""Row builders (``orm.hydration``) give the same instances and dicts whether their dicts are
written as one display (up to 16 entries) or copied from a template (wider rows): same keys in
the same order, same converted values, partial flags, related instances and extras."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from orm import fields
from orm.backends.sqlite.dialect import SQLiteDialect
from orm.hydration import builder
from orm.models import Model
from orm.sql.compiler import Extra, RelatedLayout, RowLayout

UTC = datetime.timezone.utc
DIALECT = SQLiteDialect()
STORED = "2024-01-02 03:04:05.000006+00:00"  # SQLite's text for WHEN
WHEN = datetime.datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=UTC)


class Wide(Model):
    id = fields.IntField(primary_key=True)
    when = fields.DatetimeField(null=True)
    locals().update({f"n{i}": fields.IntField(null=True) for i in range(20)})


class Narrow(Model):
    id = fields.IntField(primary_key=True)
    when = fields.DatetimeField(null=True)
    name = fields.CharField(max_length=10, null=True)


def columns(model: type[Model]) -> tuple[Any, ...]:
    return tuple(model._meta.db_fields)


def stored_row(model: type[Model], first: int) -> list[Any]:
    """A row of ``model``'s columns as SQLite gives them: the key, the datetime as text, then numbers."""
    return [first, STORED, *range(first + 1, first + len(columns(model)) - 1)]


def expected_state(model: type[Model], row: list[Any], partial: bool = False) -> dict[str, Any]:
    state: dict[str, Any] = {"_saved_in_db": True}
    if partial:
        state["_partial"] = True
    for field, value in zip(columns(model), row):
        state[field.model_field_name] = WHEN if value == STORED else value
    return state


@pytest.mark.parametrize("model", [Narrow, Wide])
@pytest.mark.parametrize("partial", [False, True])
def test_instances(model: type[Model], partial: bool) -> None:
    row = stored_row(model, 1)
    build = builder(RowLayout(model, columns(model), partial=partial), DIALECT)
    obj = build(tuple(row))
    assert type(obj) is model
    assert list(obj.__dict__.items()) == list(expected_state(model, row, partial).items())
    assert build(tuple(row)).__dict__ is not obj.__dict__  # a template is copied, never shared


@pytest.mark.parametrize(("main", "other"), [(Narrow, Wide), (Wide, Narrow), (Wide, Wide)])
def test_related_instances_and_extras(main: type[Model], other: type[Model]) -> None:
    kept = columns(other)
    related = (RelatedLayout(("other",), other, kept), RelatedLayout(("other", "more"), other, kept))
    layout = RowLayout(
        main,
        columns(main),
        related=related,
        extras=(Extra("total", None, False), Extra("stamp", Narrow._meta.fields_map["when"], False)),
    )
    build = builder(layout, DIALECT)
    own, first, second = stored_row(main, 1), stored_row(other, 100), stored_row(other, 200)
    obj = build((*own, *first, *second, 7, STORED))
    related = obj.__dict__.pop("_other")
    assert list(obj.__dict__.items()) == [*expected_state(main, own).items(), ("total", 7), ("stamp", WHEN)]
    nested = related.__dict__.pop("_more")
    assert list(related.__dict__.items()) == list(expected_state(other, first).items())
    assert list(nested.__dict__.items()) == list(expected_state(other, second).items())
    empty = build((*own, *[None] * len(first), *second, 7, STORED))  # no related row: None, and nothing below it
    assert empty.__dict__["_other"] is None and type(empty.__dict__["_saved_in_db"]) is bool


@pytest.mark.parametrize("width", [3, 16, 17, 40])
def test_dicts_and_tuples(width: int) -> None:
    when = Narrow._meta.fields_map["when"]
    extras = tuple(Extra(f"v{i}", when if i % 5 == 0 else None, False) for i in range(width))
    layout = RowLayout(Narrow, extras=extras)
    row = tuple(STORED if i % 5 == 0 else i for i in range(width))
    values = [WHEN if i % 5 == 0 else i for i in range(width)]
    assert list(builder(layout, DIALECT, "dict")(row).items()) == [(f"v{i}", v) for i, v in enumerate(values)]
    assert builder(layout, DIALECT, "tuple")(row) == tuple(values)


def test_a_repeated_dict_key_keeps_its_first_place_and_last_value() -> None:
    extras = tuple(Extra("same" if i in (2, 30) else f"v{i}", None, False) for i in range(40))
    made = builder(RowLayout(Narrow, extras=extras), DIALECT, "dict")(tuple(range(40)))
    assert list(made)[2] == "same" and made["same"] == 30 and len(made) == 39
