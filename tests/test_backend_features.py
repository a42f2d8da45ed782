"""What the backends add or translate: FOR UPDATE, driver errors, engine configs, the seed on each server."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from orm.config import create_client, expand_db_url
from orm.connection import connections
from orm.exceptions import DBConnectionError, IntegrityError, OperationalError
from orm.transactions import in_transaction
from tests.helpers import Backend, create_namespace, drop_namespace, server_url, url_in
from tests.models import Event, Product, Team


def _acceptance_folder() -> Path:
    """../shared/acceptance beside the checkout (or where ORM_SHARED_DIR / the workplace keeps it)."""
    candidates = [Path(os.environ["ORM_SHARED_DIR"])] if os.environ.get("ORM_SHARED_DIR") else []
    candidates += [Path(__file__).resolve().parents[2] / "shared", Path("/work/shared")]
    return next((c / "acceptance" for c in candidates if (c / "acceptance").is_dir()), candidates[0] / "acceptance")


ACCEPTANCE = _acceptance_folder()


def requires(capability: str):
    """Skip a test on backends whose dialect lacks ``capability`` (a Dialect flag)."""

    def check(db: Backend) -> None:
        dialect = connections.client("default").dialect
        if not getattr(dialect, f"supports_{capability}"):
            pytest.skip(f"{dialect.name} has no {capability.replace('_', ' ')}")

    return check


# -- SELECT ... FOR UPDATE ---------------------------------------------------------------------------
async def test_select_for_update_returns_the_rows_everywhere(db) -> None:
    for sku in ("a", "b"):
        await Product.create(sku=sku, vendor="v", name=sku)
    async with in_transaction():
        rows = await Product.select_for_update().filter(sku="a")
        assert [p.sku for p in rows] == ["a"]
        await Product.filter(sku="a").update(stock=5)
    assert (await Product.get(sku="a")).stock == 5
    sql = Product.select_for_update(nowait=True).filter(sku="a").sql()
    has_clause = connections.client("default").dialect.supports_for_update
    assert ("FOR UPDATE" in sql) == has_clause


async def test_nowait_and_skip_locked_see_the_other_transactions_lock(db) -> None:
    requires("for_update")(db)
    requires("for_update_options")(db)
    a = await Product.create(sku="a", vendor="v", name="a")
    await Product.create(sku="b", vendor="v", name="b")
    locked, release = asyncio.Event(), asyncio.Event()

    async def holder() -> None:
        async with in_transaction():
            await Product.select_for_update().filter(id=a.id)
            locked.set()
            await release.wait()

    task = asyncio.create_task(holder())
    await locked.wait()
    try:
        async with in_transaction():
            with pytest.raises(OperationalError):
                await Product.select_for_update(nowait=True).filter(id=a.id)
        async with in_transaction():
            free = await Product.select_for_update(skip_locked=True).all().order_by("id")
            assert [p.sku for p in free] == ["b"]
    finally:
        release.set()
        await task


async def test_for_update_of_names_tables_where_supported(db) -> None:
    sql = Event.select_for_update(of=("event",)).filter(tournament__name="x").sql()
    dialect = connections.client("default").dialect
    quoted = dialect.quote("event")
    assert (f"OF {quoted}" in sql) == (dialect.supports_for_update and dialect.supports_for_update_of)
    async with in_transaction():
        assert await Event.select_for_update(of=("event",)).filter(tournament__name="x") == []


# -- driver errors keep the database's message -----------------------------------------------------------
async def test_unique_violation_is_an_integrity_error(db) -> None:
    await Product.create(sku="dup", vendor="v", name="one")
    with pytest.raises(IntegrityError) as caught:
        await Product.create(sku="dup", vendor="v", name="two")
    message = str(caught.value).lower()
    assert "unique" in message or "duplicate" in message, message
    assert await Product.filter(sku="dup").count() == 1


async def test_foreign_key_and_not_null_violations(db) -> None:
    client = connections.get("default")
    quote = client.dialect.quote
    with pytest.raises(IntegrityError):
        await Event.create(name="orphan", tournament_id=999_999)
    with pytest.raises(IntegrityError):
        await client.execute_query(f"INSERT INTO {quote('team')} ({quote('name')}) VALUES (NULL)")
    assert await Team.all().count() == 0


async def test_bad_sql_is_an_operational_error_with_the_databases_words(db) -> None:
    client = connections.get("default")
    with pytest.raises(OperationalError) as caught:
        await client.execute_query("SELECT * FROM no_such_table_here")
    assert "no_such_table_here" in str(caught.value)


# -- configuration by engine dict, pool sizes from the URL ---------------------------------------------------
async def test_engine_dict_and_pool_settings(backend: Backend) -> None:
    if not backend.is_server:
        pytest.skip("pools belong to the server backends")
    entry = expand_db_url(backend.url + "&minsize=2&maxsize=7&acquire_timeout=3" if "?" in backend.url
                          else backend.url + "?minsize=2&maxsize=7&acquire_timeout=3")
    client = create_client("probe", {"engine": entry["engine"], "credentials": entry["credentials"]})
    try:
        assert (client.server.minsize, client.server.maxsize, client.server.acquire_timeout) == (2, 7, 3.0)
        rows = await client.execute_query_dict("SELECT 1 AS one")
        assert rows == [{"one": 1}]
    finally:
        await client.close()


async def test_db_create_and_db_delete_make_and_remove_the_database(backend: Backend) -> None:
    if not backend.is_server:
        pytest.skip("SQLite creates its file when it connects")
    name = f"{backend.namespace}_made"
    base, _, query = server_url(backend.name).partition("?")
    entry = expand_db_url(base.rsplit("/", 1)[0] + f"/{name}" + (f"?{query}" if query else ""))
    config = {"engine": entry["engine"], "credentials": entry["credentials"]}
    client = create_client("made", config)
    await client.db_create()
    try:
        await client.execute_script("CREATE TABLE kept (n INT)")
        await client.execute_query("INSERT INTO kept (n) VALUES (1)")
        assert await client.execute_query_dict("SELECT n FROM kept") == [{"n": 1}]
    finally:
        await client.db_delete()
    again = create_client("made_again", config)
    try:
        with pytest.raises((DBConnectionError, OperationalError), match=name):
            await again.execute_query_dict("SELECT 1")
    finally:
        await again.close()


# -- the seed's walk-through on each server --------------------------------------------------------------------
async def test_getting_started_acceptance_runs_on_the_backend(backend: Backend) -> None:
    script = ACCEPTANCE / "getting_started.py"
    if not script.exists():
        pytest.skip("../shared/acceptance is not beside this checkout")
    url = backend.url
    if backend.is_server:  # a namespace of its own: the seed's tables would clash with the suite's
        seed = Backend(backend.name, url_in(backend.name, f"{backend.namespace}_seed"), f"{backend.namespace}_seed")
        await create_namespace(seed)
        url = seed.url
    try:
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
        done = subprocess.run([sys.executable, str(script), url], cwd=ACCEPTANCE, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout.strip().endswith("getting started: ok")
    finally:
        if backend.is_server:
            await drop_namespace(seed)
