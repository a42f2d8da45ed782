"""IPython extension for Shellback's ORM: ``%load_ext notebook_ext``.

- ``%orm_init URL [--modules ...] [--generate-schemas]`` binds the models (by
  default those defined in the notebook) to a database, on the kernel's loop;
- ``await`` works in cells, and ``run_async(coro)`` too;
- querysets and results render as HTML tables (``%config ORMDisplay.max_rows``);
- ``%%run_async`` runs a cell as a coroutine where top-level await is off;
- ``%%orm_sql [-o NAME]`` runs SQL, binding ``{var}``/``:var`` notebook variables as parameters;
- ``%orm_graph [APP]`` (or ``relation_graph()``) draws the models and their relations.
"""

from __future__ import annotations

from typing import Any

from notebook_ext.graph import relation_graph

__all__ = ["load_ipython_extension", "relation_graph", "unload_ipython_extension"]


def load_ipython_extension(ipython: Any) -> None:
    """Called by ``%load_ext notebook_ext``."""
    from notebook_ext import display, interrupts
    from notebook_ext.magics import ORMMagics
    from notebook_ext.sql_magic import SQLMagics

    ipython.register_magics(ORMMagics)
    ipython.register_magics(SQLMagics)
    display.register(ipython)
    interrupts.register(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """Called by ``%unload_ext notebook_ext``: the display formatters are removed."""
    from notebook_ext import display, interrupts

    display.unregister(ipython)
    interrupts.unregister(ipython)
