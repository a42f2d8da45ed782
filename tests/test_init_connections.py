"""Before init, schemas and descriptions, the connection registry, and run_async."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import warnings
from pathlib import Path
from typing import Any

import pytest

from orm import Tortoise, run_async
from orm.connection import connections
from orm.exceptions import ConfigurationError
from tests.init_support import MODELS, fresh, rows_in
from tests.models import Product, Team

__all__ = ["fresh"]  # a fixture

ROOT = Path(__file__).resolve().parent.parent


# -- before init ----------------------------------------------------------------------------------


async def test_generate_schemas_before_init(fresh) -> None:
    with pytest.raises(ConfigurationError, match=r"Tortoise\.init"):
        await Tortoise.generate_schemas()


async def test_query_before_init_says_to_call_init(fresh) -> None:
    with pytest.raises(ConfigurationError, match=r"Team.*call Tortoise\.init"):
        await Team.all()
    with pytest.raises(ConfigurationError, match=r"call Tortoise\.init"):
        await Team.create(name="x")
    with pytest.raises(ConfigurationError, match=r"call Tortoise\.init"):
        connections.get("default")


# -- schemas and descriptions ---------------------------------------------------------------------


async def test_describe_models(fresh) -> None:
    await Tortoise.init(db_url="sqlite://:memory:", modules=MODELS)
    described = Tortoise.describe_models()
    assert set(described) == {f"models.{name}" for name in Tortoise.apps["models"]}
    event = described["models.Event"]
    assert event["table"] == "event"
    assert event["pk_field"]["name"] == "id"
    assert {f["name"] for f in event["data_fields"]} >= {"name", "modified", "prize", "tournament_id"}
    assert [f["name"] for f in event["fk_fields"]] == ["tournament"]
    assert event["fk_fields"][0]["python_type"] == "models.Tournament"
    assert [f["name"] for f in event["m2m_fields"]] == ["participants"]
    assert [f["name"] for f in described["models.Tournament"]["backward_fk_fields"]] == ["events"]
    product = described["models.Product"]
    assert product["table"] == "products"
    assert product["description"] == "Things for sale"
    assert product["unique_together"] == (("vendor", "name"),)  # tuples, as Tortoise gives them
    json.dumps(described)  # serializable by default
    only = Tortoise.describe_models([Team], serializable=False)
    assert list(only) == ["models.Team"]


async def test_get_schema_sql_mentions_every_table(fresh) -> None:
    await Tortoise.init(db_url="sqlite://:memory:", modules=MODELS)
    sql = Tortoise.get_schema_sql()
    tables = {model._meta.db_table for model in Tortoise.apps["models"].values()} | {"event_team"}
    for table in tables:
        assert f'CREATE TABLE "{table}"' in sql, table
    assert "IF NOT EXISTS" not in sql
    assert "IF NOT EXISTS" in Tortoise.get_schema_sql(safe=True)
    # the script is what generate_schemas runs
    await connections.get("default").execute_script(sql)
    await Product.create(sku="a", vendor="v", name="n")


async def test_generate_schemas_twice_is_safe(fresh) -> None:
    await Tortoise.init(db_url="sqlite://:memory:", modules=MODELS)
    await Tortoise.generate_schemas()
    await Team.create(name="kept")
    await Tortoise.generate_schemas()
    assert await Team.all().count() == 1


# -- connections ------------------------------------------------------------------------------------


async def test_close_connections_then_query_reconnects(fresh, tmp_path: Path) -> None:
    await Tortoise.init(db_url=f"sqlite://{tmp_path / 'c.db'}", modules=MODELS)
    await Tortoise.generate_schemas()
    await Team.create(name="a")
    client = connections.get("default")
    await Tortoise.close_connections()
    assert client._connected is False
    assert await Team.all().count() == 1
    assert client._connected is True
    assert connections.get("default") is client


async def test_connections_get_and_close_all(fresh) -> None:
    await Tortoise.init(db_url="sqlite://:memory:", modules=MODELS)
    client = connections.get("default")
    assert connections.get("default") is client
    assert Tortoise.get_connection("default") is client
    assert connections.all() == [client]
    with pytest.raises(ConfigurationError, match=r"'defalt'.*'default'"):
        connections.get("defalt")
    await connections.close_all(discard=False)
    assert client._connected is False
    assert connections.get("default") is client
    await connections.close_all()
    with pytest.raises(ConfigurationError, match=r"Tortoise\.init"):
        connections.get("default")


async def test_connect_false_defers_opening(fresh, tmp_path: Path) -> None:
    path = tmp_path / "lazy.db"
    await Tortoise.init(db_url=f"sqlite://{path}", modules=MODELS, connect=False)
    assert not path.exists()
    await Tortoise.generate_schemas()
    assert path.exists()


# -- run_async ----------------------------------------------------------------------------------------

RUN_ASYNC_SCRIPT = """
import json, sys
from orm import Tortoise, run_async
from orm.connection import connections
from tests.models import Team

async def main():
    await Tortoise.init(db_url=sys.argv[1], modules={"models": ["tests.models"]})
    await Tortoise.generate_schemas()
    await Team.create(name="scripted")
    main.client = connections.get("default")
    return await Team.all().values_list("name", flat=True)

result = run_async(main())
print(json.dumps({
    "result": result,
    "closed": main.client._connected is False,
    "opened": len(connections.opened()),
}))
"""


def test_run_async_in_a_script_returns_result_and_closes(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'script.db'}"
    done = subprocess.run(
        [sys.executable, "-c", RUN_ASYNC_SCRIPT, url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"result": ["scripted"], "closed": True, "opened": 0}
    assert rows_in(tmp_path / "script.db", "team") == [("scripted",)]


UNCLOSED_SCRIPT = """
import asyncio, sys
from orm import Tortoise
from tests.models import Team

async def main():
    await Tortoise.init(db_url=sys.argv[1], modules={"models": ["tests.models"]})
    await Tortoise.generate_schemas()
    await Team.create(name="kept")
    # no close_connections(): the program simply ends

asyncio.run(main())
print("end of script")
"""


def test_a_script_that_never_closes_its_sqlite_connection_still_exits(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", UNCLOSED_SCRIPT, f"sqlite://{tmp_path / 'unclosed.db'}"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "end of script"
    assert rows_in(tmp_path / "unclosed.db", "team") == [("kept",)]


def run_in_thread(function: Any) -> Any:
    """Call ``function`` in a thread with no running event loop; return or re-raise its outcome."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = function()
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(60)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


async def test_run_async_without_loop_closes_connections_even_on_error(fresh, tmp_path: Path) -> None:
    clients: list[Any] = []

    async def failing() -> None:
        await Tortoise.init(db_url=f"sqlite://{tmp_path / 't.db'}", modules=MODELS)
        await Tortoise.generate_schemas()
        clients.append(connections.get("default"))
        raise LookupError("from the coroutine")

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(LookupError, match="from the coroutine"):
            run_in_thread(lambda: run_async(failing()))
    assert clients[0]._connected is False
    assert connections.opened() == []
