"""SQL functions SQLite lacks, registered on each connection the client opens.

Registering per connection (never process-wide) keeps other users of
``sqlite3`` in the same kernel unaffected, and lets the generated SQL stay the
same shape as on the server databases.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def _parse(value: Any) -> datetime.datetime | datetime.date | datetime.time | None:
    if not isinstance(value, str):
        return None
    try:
        if len(value) == 10 and value[4] == "-":
            return datetime.date.fromisoformat(value)
        if len(value) >= 5 and value[2] == ":":
            return datetime.time.fromisoformat(value)
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        return None


def _extract(part: str, value: Any) -> int | None:
    moment = _parse(value)
    if moment is None:
        return None
    if part == "quarter":
        return (moment.month - 1) // 3 + 1  # type: ignore[union-attr]
    if part == "week":
        return moment.isocalendar()[1]  # type: ignore[union-attr]
    if part == "microsecond":
        return moment.microsecond  # type: ignore[union-attr]
    return getattr(moment, part, None)


@lru_cache(maxsize=256)
def _compiled(pattern: str, flags: int) -> re.Pattern[str]:
    return re.compile(pattern, flags)


def _regexp(pattern: Any, value: Any) -> int | None:
    if pattern is None or value is None:
        return None
    return int(_compiled(pattern, 0).search(str(value)) is not None)


def _iregexp(pattern: Any, value: Any) -> int | None:
    if pattern is None or value is None:
        return None
    return int(_compiled(pattern, re.IGNORECASE).search(str(value)) is not None)


def _mod(dividend: Any, divisor: Any) -> float | None:
    """MOD as the server databases compute it for fractions: the sign of the dividend; NULL for x % 0."""
    if dividend is None or divisor is None:
        return None
    try:
        return math.fmod(float(dividend), float(divisor))
    except (TypeError, ValueError):  # a zero divisor, or text that is not a number
        return None


def _json_contains(document: Any, wanted: Any) -> int | None:
    if document is None or wanted is None:
        return None
    from orm.json_lookups import contains

    try:
        return int(contains(json.loads(document), json.loads(wanted)))
    except (TypeError, ValueError):
        return 0


def _json_extract(document: Any, path: Any) -> Any:
    """``json_extract`` with the path given as a JSON array of keys (array indexes as digits):
    any key can be named, and the SQL value comes back as json_extract gives it."""
    if document is None or path is None:
        return None
    try:
        value = json.loads(document)
        for part in json.loads(path):
            if isinstance(value, list) and part.isdigit():
                value = value[int(part)]
            elif isinstance(value, dict):
                value = value[part]
            else:
                return None
    except (ValueError, TypeError, KeyError, IndexError):
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        return float(value)
    return value


#: name -> (number of arguments, function)
FUNCTIONS: dict[str, tuple[int, Callable[..., Any]]] = {
    "orm_lower": (1, _lower),
    "orm_upper": (1, _upper),
    "orm_extract": (2, _extract),
    "orm_mod": (2, _mod),
    "regexp": (2, _regexp),
    "orm_iregexp": (2, _iregexp),
    "orm_json_contains": (2, _json_contains),
    "orm_json_extract": (2, _json_extract),
}


def register(conn: Any) -> None:
    """Register the functions on a ``sqlite3.Connection``."""
    for name, (arity, function) in FUNCTIONS.items():
        conn.create_function(name, arity, function, deterministic=True)
