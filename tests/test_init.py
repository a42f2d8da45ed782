"""Tortoise.init: configuration forms, re-initialising, database URLs and configuration errors."""

from __future__ import annotations

import json
import sqlite3
import sys
import textwrap
import types
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from orm import Tortoise
from orm import timezone as orm_timezone
from orm.connection import connections
from orm.exceptions import ConfigurationError
from tests.init_support import MODELS, fresh, rows_in
from tests.models import Event, Team, Tournament
from tests.models_init import Note

__all__ = ["fresh"]  # a fixture


def make_module(name: str, source: str, module: types.ModuleType | None = None) -> types.ModuleType:
    """Run ``source`` in a module (a new one, or ``module`` again, as re-running a notebook cell)."""
    module = module or types.ModuleType(name)
    exec(textwrap.dedent(source), module.__dict__)
    return module


async def pragma(name: str) -> Any:
    rows = await connections.get("default").execute_query_dict(f"PRAGMA {name}")
    return next(iter(rows[0].values()))


# -- the three ways to configure ------------------------------------------------------------


async def test_init_with_db_url_and_modules(fresh, tmp_path: Path) -> None:
    path = tmp_path / "url.db"
    await Tortoise.init(db_url=f"sqlite://{path}", modules=MODELS)
    await Tortoise.generate_schemas()
    await Team.create(name="a")
    assert set(Tortoise.apps["models"]) >= {"Tournament", "Event", "Team", "Product"}
    assert Tortoise.apps["models"]["Team"] is Team
    await Tortoise.close_connections()
    assert rows_in(path, "team") == [("a",)]


async def test_init_with_config_dict_and_two_connections(fresh, tmp_path: Path) -> None:
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    await Tortoise.init(
        config={
            "connections": {
                "first": f"sqlite://{first}",
                "second": {"engine": "tortoise.backends.sqlite", "credentials": {"file_path": str(second)}},
            },
            "apps": {
                "models": {"models": ["tests.models"], "default_connection": "first"},
                "notes": {"models": ["tests.models_init"], "default_connection": "second"},
            },
        }
    )
    await Tortoise.generate_schemas()
    await Team.create(name="team")
    await Note.create(text="note")
    assert Note._meta.app == "notes"
    assert Note._meta.db is connections.get("second")
    assert Team._meta.db is connections.get("first")
    await Tortoise.close_connections()
    with sqlite3.connect(first) as raw:
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "team" in tables and "note" not in tables
    with sqlite3.connect(second) as raw:
        assert raw.execute("SELECT text FROM note").fetchall() == [("note",)]


async def test_init_with_json_config_file(fresh, tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    db_path = tmp_path / "file.db"
    path.write_text(
        json.dumps(
            {
                "connections": {"default": f"sqlite://{db_path}"},
                "apps": {"models": {"models": ["tests.models"], "default_connection": "default"}},
                "use_tz": False,
                "timezone": "Asia/Tokyo",
            }
        )
    )
    await Tortoise.init(config_file=str(path))
    await Tortoise.generate_schemas()
    await Team.create(name="from-file")
    assert orm_timezone.get_use_tz() is False
    assert orm_timezone.get_timezone() == "Asia/Tokyo"
    await Tortoise.close_connections()
    assert rows_in(db_path, "team") == [("from-file",)]


async def test_config_file_errors_name_the_file(fresh, tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    with pytest.raises(ConfigurationError, match=r"missing\.json"):
        await Tortoise.init(config_file=str(missing))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(ConfigurationError, match=r"broken\.json.*JSON"):
        await Tortoise.init(config_file=str(broken))


async def test_use_tz_and_timezone_from_config(fresh) -> None:
    config = {"connections": {"default": "sqlite://:memory:"}, "apps": {"models": MODELS["models"]}}
    await Tortoise.init(config={**config, "timezone": "Asia/Tokyo"})
    await Tortoise.generate_schemas()
    stored = await Tournament.create(name="aware")
    created = (await Tournament.get(id=stored.id)).created
    assert created.utcoffset() is not None
    assert created.tzinfo is not None and str(created.tzinfo) == "Asia/Tokyo"
    assert abs(created - datetime.now(timezone.utc)).total_seconds() < 60

    await Tortoise.init(config={**config, "use_tz": False})
    await Tortoise.generate_schemas()
    stored = await Tournament.create(name="naive")
    created = (await Tournament.get(id=stored.id)).created
    assert created.tzinfo is None
    assert orm_timezone.get_use_tz() is False


async def test_init_arguments_override_config_time_settings(fresh) -> None:
    await Tortoise.init(
        config={
            "connections": {"default": "sqlite://:memory:"},
            "apps": {"models": MODELS["models"]},
            "use_tz": True,
            "timezone": "UTC",
        },
        use_tz=False,
        timezone="Europe/Paris",
    )
    assert orm_timezone.get_use_tz() is False
    assert orm_timezone.get_timezone() == "Europe/Paris"


# -- re-initialising ------------------------------------------------------------------------------


async def test_reinit_closes_old_connection_and_uses_new_database(fresh, tmp_path: Path) -> None:
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    await Tortoise.init(db_url=f"sqlite://{one}", modules=MODELS)
    await Tortoise.generate_schemas()
    await Team.create(name="in-one")
    old_client = connections.client("default")
    await Tortoise.init(db_url=f"sqlite://{two}", modules=MODELS)
    assert old_client._connected is False
    assert connections.client("default") is not old_client
    await Tortoise.generate_schemas()
    assert await Team.all().count() == 0
    await Team.create(name="in-two")
    await Tortoise.close_connections()
    assert rows_in(one, "team") == [("in-one",)]
    assert rows_in(two, "team") == [("in-two",)]


async def test_reinit_many_times_keeps_relations_working(fresh) -> None:
    for round_ in range(3):
        await Tortoise.init(db_url="sqlite://:memory:", modules=MODELS)
        await Tortoise.generate_schemas()
        tournament = await Tournament.create(name=f"t{round_}")
        await Event.create(name="e", tournament=tournament)
        assert await Event.filter(tournament__name=f"t{round_}").count() == 1
        assert sorted(Tournament._meta.fetch_fields) == ["events"]
        assert [f for f in Event._meta.fields_map if f.endswith("_id")] == ["tournament_id"]


OWNER_V1 = """
    from orm import fields
    from orm.models import Model

    class Owner(Model):
        name = fields.CharField(max_length=20)

    class Pet(Model):
        name = fields.CharField(max_length=20)
        owner = fields.ForeignKeyField("models.Owner", related_name="pets")
"""

OWNER_V2 = """
    class Owner(Model):
        code = fields.CharField(max_length=5, primary_key=True)
        name = fields.CharField(max_length=20)
        nickname = fields.CharField(max_length=20, null=True)
"""


async def test_reinit_after_redefining_a_model_in_the_same_module(fresh) -> None:
    module = make_module("dyn_owner_models", OWNER_V1)
    await Tortoise.init(db_url="sqlite://:memory:", modules={"models": [module]})
    await Tortoise.generate_schemas()
    old_owner = module.Owner
    await module.Pet.create(name="rex", owner=await old_owner.create(name="ann"))

    make_module("dyn_owner_models", OWNER_V2, module)  # the cell defining Owner is run again
    assert module.Owner is not old_owner
    await Tortoise.init(db_url="sqlite://:memory:", modules={"models": [module]})
    await Tortoise.generate_schemas()
    assert Tortoise.apps["models"]["Owner"] is module.Owner
    owner = await module.Owner.create(code="B1", name="bob", nickname="bobby")
    pet = await module.Pet.create(name="fido", owner=owner)
    fetched = await module.Pet.get(id=pet.id).prefetch_related("owner")
    assert type(fetched.owner) is module.Owner
    assert (fetched.owner.code, fetched.owner.nickname) == ("B1", "bobby")
    assert [p.name for p in await owner.pets.all()] == ["fido"]
    assert "nickname" in Tortoise.get_schema_sql()


async def test_reinit_with_a_new_module_object(fresh) -> None:
    first = make_module(
        "dyn_thing_v1",
        """
        from orm import fields
        from orm.models import Model

        class Thing(Model):
            name = fields.CharField(max_length=20)
    """,
    )
    second = make_module(
        "dyn_thing_v2",
        """
        from orm import fields
        from orm.models import Model

        class Thing(Model):
            name = fields.CharField(max_length=20)
            size = fields.IntField(default=3)
    """,
    )
    await Tortoise.init(db_url="sqlite://:memory:", modules={"models": [first]})
    assert Tortoise.apps["models"]["Thing"] is first.Thing
    await Tortoise.init(db_url="sqlite://:memory:", modules={"models": [second]})
    await Tortoise.generate_schemas()
    assert Tortoise.apps["models"] == {"Thing": second.Thing}
    await second.Thing.create(name="x")
    assert await second.Thing.all().values_list("name", "size") == [("x", 3)]
    with pytest.raises(ConfigurationError, match=r"call Tortoise\.init"):
        await first.Thing.all()


async def test_module_without_models_warns(fresh) -> None:
    empty = types.ModuleType("dyn_empty")
    with pytest.warns(RuntimeWarning, match="dyn_empty.*no models"):
        await Tortoise.init(db_url="sqlite://:memory:", modules={"models": ["tests.models", empty]})


async def test_init_failing_half_way_leaves_nothing_configured(fresh) -> None:
    await Tortoise.init(db_url="sqlite://:memory:", modules=MODELS)
    config = {"connections": {"default": "sqlite://:memory:"}, "apps": {"models": {"models": []}}}
    with pytest.raises(ConfigurationError, match="'models' lists no model modules"):
        await Tortoise.init(config=config)
    assert not Tortoise._inited and Tortoise.apps == {}
    assert connections.db_config == {}
    with pytest.raises(ConfigurationError, match=r"call Tortoise\.init"):
        await Team.all()


async def test_bad_url_or_module_is_refused_before_the_old_setup_is_closed(fresh) -> None:
    await Tortoise.init(db_url="sqlite://:memory:", modules=MODELS)
    await Tortoise.generate_schemas()
    await Team.create(name="survivor")
    with pytest.raises(ConfigurationError, match="mangodb"):
        await Tortoise.init(db_url="mangodb://x/y", modules=MODELS)
    with pytest.raises(ConfigurationError, match="no_such_module"):
        await Tortoise.init(db_url="sqlite://:memory:", modules={"models": ["tests.no_such_module"]})
    assert await Team.all().values_list("name", flat=True) == ["survivor"]


async def test_unresolvable_relation_leaves_orm_uninitialised(fresh) -> None:
    broken = make_module(
        "dyn_broken_fk",
        """
        from orm import fields
        from orm.models import Model

        class Dangling(Model):
            target = fields.ForeignKeyField("models.Missing")
        """,
    )
    with pytest.raises(ConfigurationError, match="Missing"):
        await Tortoise.init(db_url="sqlite://:memory:", modules={"models": ["tests.models", broken]})
    assert not Tortoise._inited and Tortoise.apps == {}
    with pytest.raises(ConfigurationError, match=r"call Tortoise\.init"):
        await Team.all()
    await Tortoise.init(db_url="sqlite://:memory:", modules=MODELS)
    await Tortoise.generate_schemas()
    assert await Team.all().count() == 0


# -- URL forms ------------------------------------------------------------------------------------


async def test_memory_url_is_fresh_each_init(fresh) -> None:
    await Tortoise.init(db_url="sqlite://:memory:", modules=MODELS)
    await Tortoise.generate_schemas()
    await Team.create(name="gone")
    await Tortoise.init(db_url="sqlite://:memory:", modules=MODELS)
    await Tortoise.generate_schemas()
    assert await Team.all().count() == 0


async def test_relative_url_is_relative_to_the_working_directory(
    fresh, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    await Tortoise.init(db_url="sqlite://relative.db", modules=MODELS)
    await Tortoise.generate_schemas()
    await Team.create(name="rel")
    await Tortoise.close_connections()
    assert rows_in(tmp_path / "relative.db", "team") == [("rel",)]


async def test_absolute_url(fresh, tmp_path: Path) -> None:
    path = tmp_path / "sub" / "abs.db"
    path.parent.mkdir()
    url = "sqlite:///" + str(path).lstrip("/")
    assert url.startswith("sqlite:///")
    await Tortoise.init(db_url=url, modules=MODELS)
    await Tortoise.generate_schemas()
    await Team.create(name="abs")
    await Tortoise.close_connections()
    assert rows_in(path, "team") == [("abs",)]


async def test_default_pragmas_of_a_file_database(fresh, tmp_path: Path) -> None:
    await Tortoise.init(db_url=f"sqlite://{tmp_path / 'p.db'}", modules=MODELS)
    assert await pragma("journal_mode") == "wal"
    assert await pragma("foreign_keys") == 1
    assert await pragma("busy_timeout") == 5000


async def test_pragmas_from_url_query(fresh, tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'q.db'}?journal_mode=delete&foreign_keys=off&busy_timeout=1234"
    await Tortoise.init(db_url=url, modules=MODELS)
    assert await pragma("journal_mode") == "delete"
    assert await pragma("foreign_keys") == 0
    assert await pragma("busy_timeout") == 1234


async def test_sqlite_folder_must_exist(fresh, tmp_path: Path) -> None:
    with pytest.raises(ConnectionError, match="does not exist"):
        await Tortoise.init(db_url=f"sqlite://{tmp_path / 'nope' / 'x.db'}", modules=MODELS)


# -- configuration errors ---------------------------------------------------------------------------


async def test_unknown_url_scheme(fresh) -> None:
    with pytest.raises(ConfigurationError, match="unknown database URL scheme 'mangodb'"):
        await Tortoise.init(db_url="mangodb://localhost/x", modules=MODELS)
    with pytest.raises(ConfigurationError, match="not a database URL"):
        await Tortoise.init(db_url="db.sqlite3", modules=MODELS)


async def test_db_url_without_modules(fresh) -> None:
    with pytest.raises(ConfigurationError, match="modules"):
        await Tortoise.init(db_url="sqlite://:memory:")


async def test_exactly_one_configuration_source(fresh) -> None:
    config = {"connections": {"default": "sqlite://:memory:"}, "apps": {"models": MODELS["models"]}}
    with pytest.raises(ConfigurationError, match="exactly one"):
        await Tortoise.init(config=config, db_url="sqlite://:memory:", modules=MODELS)
    with pytest.raises(ConfigurationError, match="exactly one"):
        await Tortoise.init()


async def test_module_that_cannot_be_imported(fresh) -> None:
    with pytest.raises(ConfigurationError, match=r"'models'.*tests\.no_such_module"):
        await Tortoise.init(db_url="sqlite://:memory:", modules={"models": ["tests.no_such_module"]})


async def test_app_with_unknown_connection(fresh) -> None:
    config = {
        "connections": {"default": "sqlite://:memory:"},
        "apps": {"models": {"models": ["tests.models"], "default_connection": "defualt"}},
    }
    with pytest.raises(ConfigurationError, match=r"'models'.*'defualt'.*not configured.*'default'"):
        await Tortoise.init(config=config)


async def test_config_missing_sections(fresh) -> None:
    with pytest.raises(ConfigurationError, match="connections"):
        await Tortoise.init(config={"apps": {"models": MODELS["models"]}})
    with pytest.raises(ConfigurationError, match="apps"):
        await Tortoise.init(config={"connections": {"default": "sqlite://:memory:"}})


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("postgres:///test", "needs a host"),
        ("postgres://user@localhost:5432", "needs a database name"),
        ("mysql://root@127.0.0.1/", "needs a database name"),
        ("postgres://localhost:notaport/test", "port"),
    ],
)
async def test_server_url_problems(fresh, url: str, problem: str) -> None:
    with pytest.raises(ConfigurationError, match=problem):
        await Tortoise.init(db_url=url, modules=MODELS)


async def test_unknown_timezone(fresh) -> None:
    with pytest.raises(ConfigurationError, match="Mars/Olympus"):
        await Tortoise.init(db_url="sqlite://:memory:", modules=MODELS, timezone="Mars/Olympus")


async def test_missing_driver_names_the_extra(fresh, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(sys.modules):
        if name == "asyncpg" or name.startswith(("asyncpg.", "orm.backends.asyncpg")):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "asyncpg", None)  # `import asyncpg` now fails
    with pytest.raises(ConfigurationError, match=r"asyncpg.*shellback\[postgres\]"):
        await Tortoise.init(db_url="postgres://postgres@127.0.0.1:5432/test", modules=MODELS)


async def test_missing_driver_for_mysql_names_the_extra(fresh, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(sys.modules):
        if name == "asyncmy" or name.startswith(("asyncmy.", "orm.backends.mysql")):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "asyncmy", None)
    with pytest.raises(ConfigurationError, match=r"asyncmy.*shellback\[mysql\]"):
        await Tortoise.init(db_url="mysql://root@127.0.0.1:3306/test", modules=MODELS)
