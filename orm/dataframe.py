"""Query results as pandas (or polars) DataFrames, built from raw driver rows (no model instances).

Each column's dtype comes from its field: nullable integers (``Int64``),
tz-aware datetimes, ``boolean``, ``string``, categoricals for enum fields,
Decimal kept exact (object) or converted on request, timedeltas.
pandas and polars are imported only when an export is asked for.

In a Jupyter kernel, an export of more than :data:`PROGRESS_AFTER` rows shows
tqdm's notebook progress bar while the rows arrive; scripts show none.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from orm import timezone
from orm.exceptions import ConfigurationError, ParamsError
from orm.hydration import extra_converter

if TYPE_CHECKING:
    import pandas as pd

    from orm.backends.base.client import QueryRunner
    from orm.backends.base.dialect import Dialect
    from orm.fields.base import Field
    from orm.sql.compiler import Extra

#: Exports longer than this show a progress bar in a notebook.
PROGRESS_AFTER = 10_000
#: Rows read per round trip while a progress bar may be wanted.
CHUNK = 5_000


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


# -- reading the rows, with a progress bar in notebooks ------------------------------------------------
def _in_kernel() -> bool:
    """Whether this runs in a Jupyter kernel (IPython is never imported to find out)."""
    if "ipykernel" not in sys.modules or "IPython" not in sys.modules:
        return False
    shell = sys.modules["IPython"].get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _bar_factory(progress: bool | None) -> Callable[..., Any] | None:
    """tqdm's notebook bar (``progress=None``: only in a kernel), its text bar when forced, or None."""
    if progress is False or (progress is None and not _in_kernel()):
        return None
    try:
        if _in_kernel():
            from tqdm.notebook import tqdm
        else:
            from tqdm import tqdm
    except ImportError:  # tqdm (or ipywidgets for its notebook bar) is not installed: no bar
        return None
    return tqdm  # type: ignore[no-any-return]


def _start_bar(factory: Callable[..., Any], done: int) -> Any:
    try:
        return factory(desc="reading rows", unit=" rows", unit_scale=True, initial=done)
    except ImportError:  # tqdm's notebook bar needs ipywidgets
        return None


async def fetch_rows(
    runner: QueryRunner, sql: str, params: Sequence[Any], progress: bool | None = None
) -> list[Sequence[Any]]:
    """Every row of a query; in chunks, with a progress bar once past ``PROGRESS_AFTER`` rows, when wanted.

    ``progress``: None shows the bar in notebooks only, True always, False never.
    """
    factory = _bar_factory(progress)
    if factory is None:
        return await runner.fetch_all(sql, params)
    rows: list[Sequence[Any]] = []
    bar, tried = None, False
    try:
        async for chunk in runner.stream(sql, params, CHUNK):
            rows.extend(chunk)
            if bar is not None:
                bar.update(len(chunk))
            elif not tried and (progress or len(rows) > PROGRESS_AFTER):
                bar, tried = _start_bar(factory, len(rows)), True
    finally:
        if bar is not None:
            bar.close()
    return rows


# -- polars ------------------------------------------------------------------------------------------------
def _polars() -> Any:
    try:
        import polars as pl
    except ImportError:
        raise ConfigurationError("exporting to a polars DataFrame needs polars: pip install polars") from None
    return pl


def _polars_dtype(pl: Any, field: Field | None, decimal: str) -> Any:
    """The polars dtype of a field's values (None: let polars infer it)."""
    if field is None:
        return None
    enum_values = _enum_values(field)
    if enum_values is not None:
        return pl.Enum(enum_values) if all(isinstance(v, str) for v in enum_values) else pl.Int64
    kind = field.db_type
    if kind == "decimal":
        return pl.Float64 if decimal == "float" else pl.Decimal(field.max_digits, field.decimal_places)  # type: ignore[attr-defined]
    if kind == "datetime":
        return pl.Datetime("us", timezone.get_timezone() if timezone.get_use_tz() else None)
    simple = {
        "smallint": pl.Int64, "int": pl.Int64, "bigint": pl.Int64, "float": pl.Float64, "bool": pl.Boolean,
        "varchar": pl.String, "text": pl.String, "date": pl.Date, "time": pl.Time, "timedelta": pl.Duration("us"),
        "binary": pl.Binary, "uuid": pl.String, "json": pl.Object,
    }
    return simple.get(kind)


def polars_column(pl: Any, values: list[Any], extra: Extra, dialect: Dialect, decimal: str) -> Any:
    """One polars Series, typed by its field; values converted as a model instance would hold them."""
    field = extra.field
    convert = extra_converter(extra, dialect)
    if convert is not None:
        values = [convert(v) for v in values]
    if field is not None and _enum_values(field):  # enum members as their values (looked up once)
        values = [getattr(v, "value", v) for v in values]
    dtype = _polars_dtype(pl, field, decimal)
    if field is not None and field.db_type == "uuid":
        values = [None if v is None else str(v) for v in values]
    if dtype is pl.Float64:
        values = [None if v is None else float(v) for v in values]
    return pl.Series(extra.name, values, dtype=dtype)


def polars_frame(
    rows: Sequence[Sequence[Any]], columns: Sequence[Extra], dialect: Dialect, decimal: str = "exact"
) -> Any:
    """A polars DataFrame of driver ``rows`` whose columns are described by ``columns``."""
    if decimal not in ("exact", "float"):
        raise ParamsError("decimal= must be 'exact' (polars Decimal) or 'float'")
    pl = _polars()
    by_column = list(zip(*rows)) if rows else [() for _ in columns]
    return pl.DataFrame([polars_column(pl, list(values), extra, dialect, decimal)
                         for extra, values in zip(columns, by_column)])
