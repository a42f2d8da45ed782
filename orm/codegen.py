"""Functions generated from Python source once, for the hot paths (row builders, constructors,
write parameters): the per-field work is written out instead of looped over at every call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def generated_function(source: str, env: dict[str, Any], label: str) -> Callable[..., Any]:
    """Compile ``source`` (one ``def``, its globals in ``env``) and return the function it defines.

    ``label`` names it in tracebacks and profiles (``<orm builder Event>``). Every name in the source
    comes from model metadata, ``repr``-quoted, never from user input.
    """
    exec(compile(source, f"<orm {label}>", "exec"), env)
    name = source[source.index("def ") + 4 : source.index("(")]
    return env[name]  # type: ignore[no-any-return]
