"""``%orm_init``, ``%orm_close``, ``%orm_graph`` and ``%%run_async``."""

from __future__ import annotations

import ast
import inspect
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from IPython.core.magic import Magics, cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from notebook_ext.kernel import run_sync
from orm import Tortoise
from orm.apps import registry
from orm.config import load_config_file, safe_url
from orm.connection import connections
from orm.exceptions import ConfigurationError

_RESULT = "__orm_cell_result__"


@magics_class
class ORMMagics(Magics):
    """Magics binding the ORM to the kernel's event loop."""

    @magic_arguments()
    @argument("db_url", nargs="?", default=None, help="Database URL (default sqlite://:memory:).")
    @argument("--modules", nargs="+", metavar="MODULE",
              help="Modules holding the models (default: the models defined in this notebook).")
    @argument("--app", default="models", help='App label of the models (default "models").')
    @argument("--generate-schemas", action="store_true", help="Create the tables that do not exist yet.")
    @argument("--config", metavar="FILE_OR_VARIABLE",
              help="A Tortoise config dict: a notebook variable or a JSON/YAML file.")
    @argument("--no-tz", action="store_true", help="Keep datetimes naive (use_tz=False).")
    @argument("--timezone", default=None, help="Time zone datetimes are read back in (default UTC).")
    @line_magic
    def orm_init(self, line: str) -> None:
        """Initialise the ORM on this kernel's event loop (again, if it already was).

        Examples::

            %orm_init sqlite://:memory: --generate-schemas
            %orm_init postgres://user@127.0.0.1:5432/db --modules app.models
            %orm_init --config TORTOISE_ORM
        """
        args = parse_argstring(self.orm_init, line)
        options: dict[str, Any] = {"use_tz": not args.no_tz}
        if args.timezone:
            options["timezone"] = args.timezone
        config = self._config(args.config) if args.config else None
        with secrets_hidden(_secrets(args.db_url, config)):
            if config is not None:
                if args.db_url or args.modules:
                    raise ConfigurationError("%orm_init takes a URL (with --modules) or --config, not both")
                run_sync(Tortoise.init(config=config, **options))
            else:
                modules: list[Any] = list(args.modules) if args.modules else [self.shell.user_module]
                db_url = args.db_url or "sqlite://:memory:"
                run_sync(Tortoise.init(db_url=db_url, modules={args.app: modules}, **options))
            if args.generate_schemas:
                run_sync(Tortoise.generate_schemas())
        print(self._summary(args.generate_schemas))

    def _config(self, name: str) -> dict[str, Any]:
        value = self.shell.user_ns.get(name)
        if isinstance(value, dict):
            return value
        if os.path.exists(name):
            return load_config_file(name)
        raise ConfigurationError(f"--config {name!r} is neither a dict in the notebook nor a file")

    @staticmethod
    def _summary(created: bool) -> str:
        targets = []
        for alias, info in connections.db_config.items():
            where = safe_url(info) if isinstance(info, str) else info.get("engine", "?")
            targets.append(f"{alias}: {where}")
        lines = [f"ORM ready on {'; '.join(targets)}"]
        for app, models in registry.apps.items():
            lines.append(f"  app {app!r}: {', '.join(models) or 'no models'}")
        if created:
            lines.append("  tables created (where missing)")
        return "\n".join(lines)

    @line_magic
    def orm_close(self, line: str) -> None:
        """Close every database connection (a later query reconnects)."""
        run_sync(Tortoise.close_connections())
        print("ORM connections closed")

    @magic_arguments()
    @argument("app", nargs="?", default=None, help="Only this app's models (default: every app).")
    @argument("--counts", action="store_true", help="Show every table's row count (one COUNT query each).")
    @argument("--mermaid", action="store_true", help="Print Mermaid erDiagram text instead of drawing.")
    @line_magic
    def orm_graph(self, line: str) -> Any:
        """Show the initialised models and their relations: a widget, with an SVG for static viewers.

        Pick a model to highlight its neighbours and see its fields and row count; filter by app; zoom.

        Examples::

            %orm_graph
            %orm_graph shop --counts
            %orm_graph --mermaid
        """
        from notebook_ext.graph import relation_graph

        args = parse_argstring(self.orm_graph, line)
        graph = relation_graph(args.app, counts=args.counts)
        if args.mermaid:
            print(graph.to_mermaid(), end="")
            return None
        return graph

    @cell_magic
    def run_async(self, line: str, cell: str) -> Any:
        """Run the cell as a coroutine on the kernel's loop (for front-ends without top-level await).

        Variables the cell assigns stay in the notebook; the last expression is the cell's value.
        """
        tree = ast.parse(cell, mode="exec")
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = tree.body[-1]
            tree.body[-1] = ast.copy_location(
                ast.Assign(targets=[ast.Name(_RESULT, ast.Store())], value=last.value), last
            )
            ast.fix_missing_locations(tree)
        code = compile(tree, "<%%run_async>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        namespace = self.shell.user_ns
        outcome = eval(code, namespace)
        if inspect.iscoroutine(outcome):
            run_sync(outcome)
        return namespace.pop(_RESULT, None)


# -- keeping passwords out of tracebacks ----------------------------------------------------------------
def _secrets(db_url: str | None, config: dict[str, Any] | None) -> list[str]:
    """The passwords in a URL or a config dict (its URLs and ``credentials``)."""
    found: list[str] = []

    def visit(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                visit(v, str(k))
        elif isinstance(value, str):
            if key.lower() in ("password", "passwd", "pwd") and value:
                found.append(value)
            elif "://" in value:
                try:
                    password = urlsplit(value).password
                except ValueError:
                    password = None
                if password:
                    found.append(password)

    visit(db_url)
    visit(config)
    return found


@contextmanager
def secrets_hidden(secrets: list[str]) -> Iterator[None]:
    """Errors raised inside show only their type and message, with each secret replaced by ``***``.

    IPython prints a traceback's frames with their source lines, and the cell's line
    (``run_line_magic('orm_init', 'postgres://user:password@...')``) is one of them.
    """
    try:
        yield
    except Exception as exc:
        if not secrets:
            raise
        message = f"{type(exc).__name__}: {exc}"
        for secret in secrets:
            message = message.replace(secret, "***")
        lines = [message, "(traceback hidden by %orm_init: it would show the database password)"]
        exc._render_traceback_ = lambda: lines  # type: ignore[attr-defined]
        if any(secret in str(exc) for secret in secrets):
            exc.args = (message.split(": ", 1)[1],)
        raise
