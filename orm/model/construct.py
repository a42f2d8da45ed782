"""``Model(**kwargs)``: a constructor generated once per model, as hydration's row builders are.

A loop over the model's fields pays, for every field, a dict test, a type test and several
attribute lookups; a wide model spends most of its construction there. The generated function
does the same steps in the same order with the names, plain types and converters written into
its code, so a field costs one dict test and, where its value needs no conversion, a type test.

What stays live (read at each call, as the loop did): defaults (``Field.default_value``, so a
callable default is called per instance) and ``has_default``, and the time-zone settings inside
converters. What is fixed when the function is built, and rebuilt by ``ModelOptions.refresh``
whenever the fields change (``Tortoise.init`` wiring relations): the field list, each field's
plain type and converter, and which ``<fk>_id`` column a relation fills.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from orm.codegen import generated_function
from orm.exceptions import ConfigurationError, unknown_field

if TYPE_CHECKING:
    from orm.model.options import ModelOptions

#: ``constructor(instance, kwargs)``: sets the instance's field values from ``Model(**kwargs)``.
Constructor = Callable[[Any, dict[str, Any]], None]


def build_constructor(meta: ModelOptions) -> Constructor:
    """The constructor of ``meta``'s model with its current fields."""
    if meta.abstract:

        def abstract(instance: Any, kwargs: dict[str, Any]) -> None:
            raise ConfigurationError(f"{type(instance).__name__} is abstract and cannot be instantiated")

        return abstract
    fields_map = meta.fields_map
    env: dict[str, Any] = {
        "FM": fields_map,
        "DB": frozenset(f.model_field_name for f in meta.db_fields),
        "unknown_field": unknown_field,
    }
    lines = [
        "def construct(self, kw):",
        # the usual call names only columns; anything else is a relation or a mistake
        "    if kw.keys() <= DB:",
        "        rel = False",
        "    else:",
        "        for key in kw:",  # every name is checked before any value is converted
        "            if key not in FM:",
        "                raise unknown_field(type(self), key, FM)",
        "        rel = True",
        "    d = self.__dict__",
    ]
    for number, field in enumerate(meta.db_fields):
        lines += _field_lines(number, field, env)
    if len(fields_map) > len(env["DB"]):  # relations are assigned after the columns, in kwargs order
        lines += [
            "    if rel:",
            "        for name, value in kw.items():",
            "            f = FM[name]",
            "            if not f.has_db_field:",
            "                f.assign(self, value)",
        ]
    source = "\n".join(lines)
    return generated_function(source, env, f"constructor {meta.model.__name__}")


def _field_lines(number: int, field: Any, env: dict[str, Any]) -> list[str]:
    name = repr(field.model_field_name)
    env[f"f{number}"] = field
    convert = field.user_converter()
    if convert is None:  # stored as given
        given = [f"        d[{name}] = kw[{name}]"]
    else:
        env[f"c{number}"] = convert
        if field.plain_type is None:
            given = [f"        d[{name}] = c{number}(kw[{name}])"]
        else:
            env[f"t{number}"] = field.plain_type
            given = [f"        v = kw[{name}]", f"        d[{name}] = v if type(v) is t{number} else c{number}(v)"]
    # a ``<fk>_id`` column is left to the relation when the relation itself is given
    otherwise = "    else:" if field.reference is None else f"    elif {field.reference.model_field_name!r} not in kw:"
    return [
        f"    if {name} in kw:",
        *given,
        otherwise,
        f"        d[{name}] = f{number}.default_value() if f{number}.has_default else None",
    ]
