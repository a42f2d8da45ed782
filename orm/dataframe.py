"""Query results as pandas DataFrames, built from raw driver rows (no model instances).

Each column's dtype comes from its field: nullable integers (``Int64``),
tz-aware datetimes, ``boolean``, ``string``, categoricals for enum fields,
Decimal kept exact (object) or converted on request, timedeltas.
pandas is imported only when an export is asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from orm import timezone
from orm.exceptions import ConfigurationError, ParamsError
from orm.hydration import extra_converter

if TYPE_CHECKING:
    import pandas as pd

    from orm.backends.base.dialect import Dialect
    from orm.fields.base import Field
    from orm.sql.compiler import Extra



def pandas() -> Any:
    try:
        import pandas as pd
    except ImportError:
        raise ConfigurationError("exporting to a DataFrame needs pandas: pip install 'shellback[notebook]'") from None
    return pd


def _enum_values(field: Field) -> list[Any] | None:
    enum_type = getattr(field, "enum_type", None)
    return [member.value for member in enum_type] if enum_type is not None else None


def _datetimes(pd: Any, values: list[Any]) -> Any:
    iso = next((v for v in values if v is not None), None).__class__ is str
    # stored instants are UTC (naive ones too); with use_tz=False the wall clock is kept
    stamps = pd.to_datetime(values, utc=True, format="ISO8601" if iso else None)
    return stamps.tz_convert(timezone.get_timezone() if timezone.get_use_tz() else None)


def _dates(pd: Any, values: list[Any]) -> Any:
    iso = next((v for v in values if v is not None), None).__class__ is str
    return pd.to_datetime(values, format="ISO8601" if iso else None)


#: Whole-column builders from the driver's own values (no Python conversion per value).
_VECTORISED: dict[str, Any] = {
    # every integer column is Int64: arithmetic on narrower dtypes overflows silently in pandas
    "smallint": lambda pd, v: pd.array(v, dtype="Int64"),
    "int": lambda pd, v: pd.array(v, dtype="Int64"),
    "bigint": lambda pd, v: pd.array(v, dtype="Int64"),
    "float": lambda pd, v: pd.array(v, dtype="float64"),
    "bool": lambda pd, v: pd.array(v, dtype="boolean"),
    "varchar": lambda pd, v: pd.array(v, dtype="string"),
    "text": lambda pd, v: pd.array(v, dtype="string"),
    "datetime": _datetimes,
    "date": _dates,
    "timedelta": lambda pd, v: pd.to_timedelta(v, unit="us"),
}


_CONVERTED_DTYPES = {
    "smallint": "Int64", "int": "Int64", "bigint": "Int64", "float": "float64", "bool": "boolean",
    "varchar": "string", "text": "string",
}


def column(pd: Any, values: list[Any], extra: Extra, dialect: Dialect, decimal: str) -> pd.Series:
    """One DataFrame column, typed by its field; built from the driver's values in one go where possible."""
    field = extra.field
    kind = field.db_type if field is not None else None
    enum_values = _enum_values(field) if field is not None else None
    if not extra.computed and enum_values is not None:  # stored values are the members' values
        return pd.Series(pd.Categorical(values, categories=enum_values, ordered=True))
    if not extra.computed and kind in _VECTORISED and values:
        return pd.Series(_VECTORISED[kind](pd, values))
    if kind == "decimal" and decimal == "float":
        return pd.Series(values, dtype="float64")
    convert = extra_converter(extra, dialect)
    if convert is not None:
        values = [convert(v) for v in values]
    if enum_values is not None:
        raw = [getattr(v, "value", v) for v in values]
        return pd.Series(pd.Categorical(raw, categories=enum_values, ordered=True))
    if kind in _CONVERTED_DTYPES:  # computed values, converted above
        return pd.Series(values, dtype=_CONVERTED_DTYPES[kind])
    if kind in ("datetime", "date", "timedelta") and values:
        return pd.Series(_datetimes(pd, values) if kind == "datetime" else pd.to_datetime(values)
                         if kind == "date" else pd.to_timedelta(values))
    return pd.Series(values, dtype="object")


def frame(
    rows: Sequence[Sequence[Any]],
    columns: Sequence[Extra],
    dialect: Dialect,
    decimal: str = "exact",
    index: str | None = None,
) -> pd.DataFrame:
    """A DataFrame of driver ``rows`` whose columns are described by ``columns``."""
    if decimal not in ("exact", "float"):
        raise ParamsError("decimal= must be 'exact' (Decimal objects) or 'float'")
    pd = pandas()
    by_column = list(zip(*rows)) if rows else [() for _ in columns]
    data = {extra.name: column(pd, list(values), extra, dialect, decimal) for extra, values in zip(columns, by_column)}
    result = pd.DataFrame(data, columns=[extra.name for extra in columns])
    if index is not None:
        if index not in result.columns:
            raise ParamsError(f"index={index!r} is not one of the exported columns {list(result.columns)}")
        result = result.set_index(index)
    return result
