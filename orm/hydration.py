"""Rows to results: instances, dicts, tuples, built by functions compiled once per layout.

A builder is generated Python source (names and indexes only, every name
``repr``-quoted) so that turning a row into an instance costs one dict
literal: no ``__init__``, no per-column loop, and no conversion call where
the driver already returns the Python type.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any

from orm.codegen import generated_function
from orm.sql.cache import StatementCache

if TYPE_CHECKING:
    from orm.backends.base.dialect import Dialect
    from orm.fields.base import Field
    from orm.sql.compiler import Extra, RowLayout

Row = Sequence[Any]
_builders = StatementCache(maxsize=2048)


def _cell(index: int, converter: Callable[[Any], Any] | None, env: dict[str, Any]) -> str:
    """Source of one cell's value, registering its converter in ``env``."""
    if converter is None:
        return f"row[{index}]"
    name = f"c{index}"
    env[name] = converter
    return f"{name}(row[{index}])"


def extra_converter(extra: Extra, dialect: Dialect) -> Callable[[Any], Any] | None:
    """Conversion of an annotation or values() column; computed values are always converted
    (the driver's type follows the expression, not the field typing it)."""
    field = extra.field
    if field is None:
        return None
    if not extra.computed:
        return field.python_converter(dialect)
    to_python = field.to_python_value
    return lambda value: None if value is None else to_python(value)


#: Up to this many entries a dict display is built in one step; beyond it CPython grows the dict
#: entry by entry and merges chunks, and copying a template holding the keys is faster (36 entries:
#: 1.5 us -> 1.0 us).
_LITERAL_MAX = 16


def _dict_lines(target: str, items: Sequence[tuple[str, str]], env: dict[str, Any], indent: str) -> list[str]:
    """Source lines setting ``target`` to a dict of ``(key, value source)`` items, in their order."""
    if len(items) <= _LITERAL_MAX:
        return [f"{indent}{target} = {{" + ", ".join(f"{key!r}: {value}" for key, value in items) + "}"]
    template = f"T{len(env)}"
    env[template] = dict.fromkeys(key for key, _ in items)
    return [f"{indent}{target} = {template}.copy()"] + [f"{indent}{target}[{key!r}] = {value}" for key, value in items]


def _instance_items(
    fields: Sequence[Field], start: int, dialect: Dialect, env: dict[str, Any], partial: bool
) -> list[tuple[str, str]]:
    items = [("_saved_in_db", "True")]
    if partial:
        items.append(("_partial", "True"))
    for offset, field in enumerate(fields):
        items.append((field.model_field_name, _cell(start + offset, field.python_converter(dialect), env)))
    return items


def _instance_source(layout: RowLayout, dialect: Dialect, env: dict[str, Any]) -> str:
    env["new"] = object.__new__
    env["M"] = layout.model
    lines = [
        "def build(row):",
        "    obj = new(M)",
        *_dict_lines("state", _instance_items(layout.fields, 0, dialect, env, layout.partial), env, "    "),
        "    obj.__dict__ = state",
    ]
    position = len(layout.fields)
    owners = {(): "obj"}
    for number, related in enumerate(layout.related):
        var, model_name = f"r{number}", f"R{number}"
        env[model_name] = related.model
        pk_index = position + related.fields.index(related.model._meta.pk)
        state = _instance_items(related.fields, position, dialect, env, False)
        owner = owners[related.path[:-1]]
        lines += [
            f"    if row[{pk_index}] is None:",
            f"        {var} = None",
            "    else:",
            f"        {var} = new({model_name})",
            *_dict_lines("state", state, env, "        "),
            f"        {var}.__dict__ = state",
            f"    if {owner} is not None:",
            f"        {owner}.__dict__[{'_' + related.path[-1]!r}] = {var}",
        ]
        owners[related.path] = var
        position += len(related.fields)
    for offset, extra in enumerate(layout.extras):
        cell = _cell(position + offset, extra_converter(extra, dialect), env)
        lines.append(f"    obj.__dict__[{extra.name!r}] = {cell}")
    lines.append("    return obj")
    return "\n".join(lines)


def _values_source(layout: RowLayout, dialect: Dialect, env: dict[str, Any], kind: str) -> str:
    cells = [_cell(i, extra_converter(extra, dialect), env) for i, extra in enumerate(layout.extras)]
    if kind == "dict":
        items = [(extra.name, cell) for extra, cell in zip(layout.extras, cells)]
        return "\n".join(["def build(row):", *_dict_lines("d", items, env, "    "), "    return d"])
    body = cells[0] if kind == "flat" else "(" + "".join(f"{c}, " for c in cells) + ")"
    return f"def build(row):\n    return {body}"


def builder(layout: RowLayout, dialect: Dialect, kind: str = "instance") -> Callable[[Row], Any]:
    """The function turning one row of ``layout`` into an instance, dict, tuple or value."""
    key: Hashable = (layout, kind, type(dialect))
    found = _builders.get(key)
    if found is not None:
        return found
    env: dict[str, Any] = {}
    if kind == "instance":
        source = _instance_source(layout, dialect, env)
    else:
        source = _values_source(layout, dialect, env, kind)
    build = generated_function(source, env, f"builder {layout.model.__name__}")
    _builders.put(key, build)
    return build


def hydrate(rows: Sequence[Row], layout: RowLayout, dialect: Dialect, kind: str = "instance") -> list[Any]:
    """All rows as results of ``kind``: instance, dict, tuple or flat."""
    build = builder(layout, dialect, kind)
    return [build(row) for row in rows]
