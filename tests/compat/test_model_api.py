"""Tortoise's model-level public API: describe(), Model[pk], Meta.indexes, managers, listeners,
``#:`` field comments, and the module paths Tortoise programs import (renamed to ``orm``)."""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest

from orm import Tortoise, fields
from orm.connection import connections
from orm.exceptions import ObjectDoesNotExistError, OperationalError
from orm.indexes import Index
from orm.signals import Signals
from tests.compat.models_examples import Event, IndexedProduct, Signal, Team, Tournament
from tests.helpers import orm_session

MODULES = ["tests.compat.models_examples"]


@pytest.fixture
async def db(backend):
    async with orm_session(backend, MODULES) as b:
        yield b


# -- module paths ------------------------------------------------------------------------------
#: module -> names a Tortoise program imports from it (``tortoise`` renamed to ``orm``)
PUBLIC_NAMES = {
    "orm": "Tortoise run_async connections Model BaseDBAsyncClient fields BackwardFKRelation "
    "BackwardOneToOneRelation ForeignKeyFieldInstance ManyToManyFieldInstance OneToOneFieldInstance",
    "orm.models": "Model",
    "orm.fields": "IntField BigIntField SmallIntField CharField TextField BooleanField DecimalField FloatField "
    "DatetimeField DateField TimeField TimeDeltaField JSONField UUIDField BinaryField IntEnumField CharEnumField "
    "ForeignKeyField OneToOneField ManyToManyField ForeignKeyRelation ForeignKeyNullableRelation "
    "OneToOneRelation OneToOneNullableRelation ManyToManyRelation ReverseRelation BackwardFKRelation "
    "BackwardOneToOneRelation Field CASCADE RESTRICT SET_NULL SET_DEFAULT NO_ACTION OnDelete "
    "IntegerField SmallIntegerField BigIntegerField DateTimeField DurationField ForeignKey",
    "orm.fields.base": "Field CASCADE RESTRICT SET_NULL SET_DEFAULT NO_ACTION OnDelete",
    "orm.fields.data": "IntField CharField JSONField DatetimeField CharEnumFieldInstance IntEnumFieldInstance",
    "orm.fields.relational": "ForeignKeyFieldInstance OneToOneFieldInstance ManyToManyFieldInstance "
    "BackwardFKRelation BackwardOneToOneRelation ForeignKeyField OneToOneField ManyToManyField",
    "orm.queryset": "QuerySet QuerySetSingle ValuesQuery ValuesListQuery CountQuery ExistsQuery UpdateQuery "
    "DeleteQuery AwaitableQuery RawSQLQuery",
    "orm.query_utils": "Prefetch Q",
    "orm.expressions": "Q F Subquery RawSQL Case When Function Aggregate",
    "orm.functions": "Count Sum Avg Min Max Lower Upper Trim Length Coalesce Concat Function Aggregate",
    "orm.exceptions": "BaseORMException FieldError ParamsError ConfigurationError TransactionManagementError "
    "OperationalError IntegrityError NoValuesFetched NotExistOrMultiple MultipleObjectsReturned DoesNotExist "
    "ObjectDoesNotExistError IncompleteInstanceError DBConnectionError ValidationError UnSupportedError",
    "orm.transactions": "in_transaction atomic",
    "orm.signals": "Signals pre_save post_save pre_delete post_delete",
    "orm.validators": "Validator RegexValidator MaxLengthValidator MinLengthValidator MinValueValidator "
    "MaxValueValidator CommaSeparatedIntegerListValidator validate_ipv4_address validate_ipv6_address "
    "validate_ipv46_address",
    "orm.indexes": "Index",
    "orm.timezone": "now localtime make_aware make_naive is_aware is_naive get_timezone get_use_tz "
    "get_default_timezone",
    "orm.manager": "Manager",
    "orm.connection": "connections get_connection get_connections",
    "orm.router": "ConnectionRouter",
    "orm.utils": "get_schema_sql generate_schema_for_client chunk",
    "orm.backends.base.client": "BaseDBAsyncClient Capabilities TransactionContext",
    "orm.backends.base.config_generator": "expand_db_url generate_config",
    "orm.contrib.test": "initializer finalizer env_initializer getDBConfig TestCase IsolatedTestCase "
    "TruncationTestCase SimpleTestCase init_memory_sqlite requireCapability MEMORY_SQLITE tortoise_test_context "
    "truncate_all_models TortoiseContext SkipTest expectedFailure skip skipIf skipUnless",
    "orm.contrib.test.condition": "NotEQ In NotIn Condition",
    "orm.contrib.pydantic": "pydantic_model_creator pydantic_queryset_creator PydanticModel PydanticListModel",
    "orm.contrib.fastapi": "RegisterTortoise register_tortoise tortoise_exception_handlers",
    "orm.contrib.postgres.functions": "Random",
    "orm.contrib.mysql.functions": "Rand",
    "orm.contrib.sqlite.functions": "Random",
}


@pytest.mark.parametrize("module", sorted(PUBLIC_NAMES))
def test_tortoise_module_paths_are_importable_under_orm(module: str) -> None:
    imported = importlib.import_module(module)
    missing = [name for name in PUBLIC_NAMES[module].split() if not hasattr(imported, name)]
    assert missing == [], f"{module} lacks {missing}"


def test_field_aliases_are_the_same_classes() -> None:
    assert fields.IntegerField is fields.IntField and fields.BigIntegerField is fields.BigIntField
    assert fields.SmallIntegerField is fields.SmallIntField and fields.DateTimeField is fields.DatetimeField
    assert fields.DurationField is fields.TimeDeltaField and fields.ForeignKey is fields.ForeignKeyField


# -- Model[pk] ----------------------------------------------------------------------------------
async def test_subscript_gets_by_primary_key(db) -> None:
    tournament = await Tournament.create(name="Cup")
    fetched = await Tournament[tournament.pk]
    assert (fetched.pk, fetched.name) == (tournament.pk, "Cup")


async def test_subscript_of_a_missing_key_raises_object_does_not_exist_error(db) -> None:
    with pytest.raises(ObjectDoesNotExistError) as info:
        await Tournament[12345]
    error = info.value
    assert isinstance(error, KeyError) and isinstance(error, Tournament.DoesNotExist.__mro__[1])
    assert (error.model, error.pk_name, error.pk_val) == (Tournament, "id", 12345)
    assert str(error) == "Tournament has no object with id=12345"
    with pytest.raises(KeyError):  # `except KeyError` works as in Tortoise
        await Tournament[12345]


async def test_subscript_with_a_value_of_the_wrong_type_is_a_missing_key(db) -> None:
    with pytest.raises(ObjectDoesNotExistError, match="no object with id='abc'"):
        await Tournament["abc"]


# -- describe ----------------------------------------------------------------------------------
FIELD_KEYS = {
    "name", "field_type", "db_column", "python_type", "generated", "nullable", "unique", "indexed",
    "default", "db_default", "description", "docstring", "constraints", "db_field_types",
}


def by_name(described: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {d["name"]: d for d in described}


async def test_describe_has_tortoise_keys_for_every_kind_of_field(db) -> None:
    event = Event.describe()
    assert set(event) == {
        "name", "app", "table", "abstract", "description", "docstring", "unique_together", "indexes",
        "pk_field", "data_fields", "fk_fields", "backward_fk_fields", "o2o_fields", "backward_o2o_fields",
        "m2m_fields",
    }
    assert set(event["pk_field"]) == FIELD_KEYS
    fk = event["fk_fields"][0]
    assert set(fk) == FIELD_KEYS - {"db_column", "db_field_types"} | {"db_constraint", "raw_field", "on_delete"}
    assert (fk["field_type"], fk["python_type"], fk["raw_field"], fk["on_delete"]) == (
        "ForeignKeyFieldInstance", "models.Tournament", "tournament_id", "CASCADE",
    )
    m2m = event["m2m_fields"][0]
    assert {k: m2m[k] for k in ("model_name", "related_name", "through", "forward_key", "backward_key")} == {
        "model_name": "models.Team", "related_name": "events", "through": "event_team",
        "forward_key": "team_id", "backward_key": "event_id",
    }
    assert (m2m["_generated"], Team.describe()["m2m_fields"][0]["_generated"]) == (False, True)
    backward = Tournament.describe()["backward_fk_fields"][0]
    assert (backward["name"], backward["field_type"], backward["python_type"]) == (
        "events", "BackwardFKRelation", "models.Event",
    )
    assert "db_column" not in backward and backward["db_constraint"] is True
    raw = by_name(event["data_fields"])["tournament_id"]
    assert (raw["db_column"], raw["python_type"], raw["indexed"]) == ("tournament_id", "int", False)
    json.dumps(Tortoise.describe_models())


async def test_describe_value_formats(db) -> None:
    pk = Tournament.describe()["pk_field"]
    assert (pk["db_default"], pk["constraints"], pk["db_field_types"][""]) == (
        "__NOT_SET__", {"ge": -(2**31), "le": 2**31 - 1}, "INT",
    )
    data = by_name(Tournament.describe()["data_fields"])
    assert data["name"]["db_field_types"] == {"": "TEXT", "mysql": "LONGTEXT"}
    raw_types = Tournament.describe(serializable=False)
    assert raw_types["pk_field"]["field_type"] is fields.IntField and raw_types["pk_field"]["python_type"] is int


async def test_describe_indexes_unique_together_and_comments(db) -> None:
    desc = IndexedProduct.describe()
    assert desc["indexes"] == [
        {"fields": ["vendor", "name"], "expressions": [], "name": "idx_product_vendor_name", "type": "", "extra": ""},
        ("name", "price"),
    ]
    assert desc["unique_together"] == (("vendor", "name"),)
    # the docstring's first line is the table description, as in Tortoise
    assert (desc["description"], desc["docstring"]) == (
        "A product with indexes.", "A product with indexes.\n\nThe second line is not the table description.",
    )
    data = by_name(desc["data_fields"])
    assert (data["name"]["docstring"], data["name"]["description"]) == (
        "The product's name\n(shown to customers)", "The product's name",
    )
    assert (data["price"]["docstring"], data["price"]["description"]) == (
        "Price in IndexedProduct's currency", "explicit wins",
    )
    assert data["vendor"]["docstring"] is None
    raw = IndexedProduct.describe(serializable=False)["indexes"][0]
    assert isinstance(raw, Index) and raw.name == "idx_product_vendor_name"


async def test_meta_indexes_are_created(db) -> None:
    client = connections.get("default")
    sql = Tortoise.get_schema_sql()
    assert "idx_product_vendor_name" in sql
    dialect = client.capabilities.dialect
    if dialect == "sqlite":
        rows = await client.execute_query_dict(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'indexedproduct'"
        )
    elif dialect == "postgres":
        rows = await client.execute_query_dict(
            "SELECT indexname AS name FROM pg_indexes WHERE tablename = 'indexedproduct' AND schemaname = $1"
            if db.name == "asyncpg"
            else "SELECT indexname AS name FROM pg_indexes WHERE tablename = 'indexedproduct' AND schemaname = %s",
            [db.namespace],
        )
    else:
        rows = await client.execute_query_dict(
            "SELECT DISTINCT index_name AS name FROM information_schema.statistics "
            "WHERE table_name = 'indexedproduct' AND table_schema = %s",
            [db.namespace],
        )
    names = {row["name"] for row in rows}
    assert "idx_product_vendor_name" in names
    assert any("name" in n and "price" in n for n in names if n != "idx_product_vendor_name"), names


def test_index_subclass_and_equality() -> None:
    class BTreeIndex(Index):
        INDEX_TYPE = ""

    a = Index(fields=("a", "b"), name="x")
    assert a == Index(fields=["a", "b"], name="x") and a != Index(fields=("a",), name="x")
    assert BTreeIndex(fields=("a", "b"), name="x") != a  # a subclass is another kind of index
    assert repr(a) == "Index(fields=('a', 'b'), name='x')"


# -- register_listener --------------------------------------------------------------------------
async def test_register_listener_calls_function_once_per_signal(db) -> None:
    seen: list[tuple[str, bool]] = []

    async def on_saved(sender, instance, created, using_db, update_fields) -> None:
        seen.append((instance.name, created))

    Signal.register_listener(Signals.post_save, on_saved)
    Signal.register_listener(Signals.post_save, on_saved)  # twice: still called once
    try:
        signal = await Signal.create(name="a")
        await signal.save()
    finally:
        Signal._meta.signals["post_save"].clear()
    assert seen == [("a", True), ("a", False)]


def test_register_listener_refuses_what_cannot_be_called() -> None:
    from orm.exceptions import ConfigurationError

    with pytest.raises(ConfigurationError, match="not callable"):
        Signal.register_listener(Signals.pre_save, "nope")  # type: ignore[arg-type]


# -- capabilities --------------------------------------------------------------------------------
async def test_capabilities_name_the_dialect_as_tortoise_does(db) -> None:
    await connections.get("default").execute_query("SELECT 1")  # connected (MariaDB is detected then)
    expected = {"sqlite": "sqlite", "asyncpg": "postgres", "psycopg": "postgres", "mysql": "mysql"}[db.name]
    assert connections.get("default").capabilities.dialect == expected


async def test_delete_of_an_unsaved_instance_is_refused(db) -> None:
    with pytest.raises(OperationalError, match="unpersisted"):
        await Tournament(name="x").delete()


async def test_random_functions_of_each_database(db) -> None:
    from orm.contrib.mysql.functions import Rand
    from orm.contrib.postgres.functions import Random as PostgresRandom
    from orm.contrib.sqlite.functions import Random as SqliteRandom

    for name in ("a", "b", "c"):
        await Tournament.create(name=name)
    function = {"sqlite": SqliteRandom, "asyncpg": PostgresRandom, "psycopg": PostgresRandom, "mysql": Rand}[db.name]
    rows = await Tournament.annotate(r=function()).order_by("r").values("name", "r")
    assert sorted(row["name"] for row in rows) == ["a", "b", "c"]
    assert all(isinstance(row["r"], float) for row in rows)
    assert [row["r"] for row in rows] == sorted(row["r"] for row in rows)
    assert repr(function()) == f"{function.__name__}()"


async def test_index_subclass_sets_the_kind_of_index(db) -> None:
    class FullTextIndex(Index):  # as tortoise.contrib.mysql.indexes defines it
        INDEX_TYPE = "FULLTEXT"

    client = connections.get("default")
    generator = client.schema_generator(client)
    sql = FullTextIndex(fields=("name",), name="ft_product_name").get_sql(generator, IndexedProduct, safe=False)
    quote = client.dialect.quote
    assert sql == f"CREATE FULLTEXT INDEX {quote('ft_product_name')} ON {quote('indexedproduct')} ({quote('name')})"
    if db.name == "mysql":  # the one database here that has full-text indexes
        await client.execute_script(sql)
        rows = await client.execute_query_dict(
            "SELECT index_type FROM information_schema.statistics WHERE index_name = 'ft_product_name' "
            "AND table_schema = %s",
            [db.namespace],
        )
        assert [r["index_type"] for r in rows] == ["FULLTEXT"]
