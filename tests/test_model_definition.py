"""Declaring models: primary keys, indexes, column names, Meta options, abstract bases and mixins."""

from __future__ import annotations

import re
import warnings

import pytest

from orm import Tortoise, fields
from orm.connection import connections
from orm.exceptions import ConfigurationError, IntegrityError
from orm.indexes import Index
from orm.models import Model
from tests.helpers import orm_session
from tests.models_definition import (
    Article,
    AutoKeyed,
    Indexed,
    NewStyleKey,
    OldStyleKey,
    Pair,
    Ranked,
    Remark,
    Renamed,
    Stamped,
    TitledMixin,
)


@pytest.fixture
async def db(backend):
    async with orm_session(backend, ["tests.models", "tests.models_definition"]) as b:
        yield b


def q(name: str) -> str:
    """An identifier quoted as the configured database quotes it."""
    return connections.get("default").dialect.quote(name)


def create_table_sql(table: str) -> str:
    """The CREATE TABLE statement of one table, from the schema script."""
    sql = Tortoise.get_schema_sql()
    match = re.search(rf"CREATE TABLE {re.escape(q(table))} \((.*?)\n\)", sql, re.S)
    assert match, f"no CREATE TABLE for {table} in:\n{sql}"
    return match.group(0)


def index_statements(table: str) -> list[str]:
    return [line for line in Tortoise.get_schema_sql().splitlines() if "INDEX" in line and f"ON {q(table)}" in line]


# -- primary keys -------------------------------------------------------------------------------


async def test_automatic_id_primary_key(db) -> None:
    pk = AutoKeyed._meta.pk
    assert (AutoKeyed._meta.pk_attr, type(pk)) == ("id", fields.IntField)
    assert next(iter(AutoKeyed._meta.fields_map)) == "id"
    first = await AutoKeyed.create(label="a")
    second = await AutoKeyed.create(label="b")
    assert isinstance(first.id, int) and second.id > first.id
    assert first.pk == first.id
    assert (await AutoKeyed.get(pk=second.id)).label == "b"
    assert "PRIMARY KEY" in create_table_sql("autokeyed")


async def test_pk_true_and_primary_key_true(db) -> None:
    assert OldStyleKey._meta.pk_attr == "code"
    assert NewStyleKey._meta.pk_attr == "number"
    assert "id" not in OldStyleKey._meta.fields_map
    await OldStyleKey.create(code="A-1", label="old")
    await NewStyleKey.create(number=2**40, label="new")
    assert (await OldStyleKey.get(pk="A-1")).label == "old"
    assert (await NewStyleKey.get(number=2**40)).pk == 2**40
    with pytest.raises(IntegrityError):
        await OldStyleKey.create(code="A-1", label="again")


def test_two_primary_keys_are_refused() -> None:
    with pytest.raises(ConfigurationError, match=r"TwoKeys.*several primary keys.*first.*second"):

        class TwoKeys(Model):
            first = fields.IntField(primary_key=True)
            second = fields.CharField(max_length=5, pk=True)


def test_id_that_is_not_a_primary_key_is_refused() -> None:
    with pytest.raises(ConfigurationError, match=r"NotKey\.id is not a primary key"):

        class NotKey(Model):
            id = fields.IntField()


def test_primary_key_from_a_mixin_and_one_declared_is_refused() -> None:
    class KeyMixin:
        key = fields.IntField(primary_key=True)

    with pytest.raises(ConfigurationError, match="several primary keys"):

        class Doubled(KeyMixin, Model):
            other = fields.IntField(primary_key=True)


# -- indexes --------------------------------------------------------------------------------------


async def test_index_and_db_index_create_indexes(db) -> None:
    assert Indexed._meta.fields_map["by_index"].index
    assert Indexed._meta.fields_map["by_db_index"].index
    assert not Indexed._meta.fields_map["plain"].index
    statements = index_statements("indexed")
    assert len(statements) == 2
    assert any(f"({q('by_index')})" in s for s in statements)
    assert any(f"({q('by_db_index')})" in s for s in statements)
    assert not any(q("plain") in s for s in statements)


async def test_meta_indexes_in_schema(db) -> None:
    statements = index_statements("pair")
    assert len(statements) == 2, statements
    assert [s for s in statements if f"({q('right')}, {q('extra')})" in s], statements
    named = [s for s in statements if q("pair_extra_left") in s]
    assert len(named) == 1 and f"({q('extra')}, {q('left')})" in named[0]


def test_index_objects() -> None:
    index = Index(fields=("a", "b"), name="n")
    assert index == Index(fields=["a", "b"], name="n")
    assert index.describe()["fields"] == ["a", "b"]
    with pytest.raises(ConfigurationError, match="at least one field"):
        Index()
    with pytest.raises(ConfigurationError, match="fields="):
        Index("lower(name)")


# -- source_field ---------------------------------------------------------------------------------


async def test_source_field_names_the_column(db) -> None:
    table = create_table_sql("renamed_things")
    for column in ("renamed_pk", "full_name", "position", "parent_ref"):
        assert q(column) in table
    for attribute in ("name", "rank", "parent_id"):
        assert q(attribute) not in table
    rows = await connections.get("default").execute_query_dict(
        f"SELECT {q('full_name')} AS v FROM {q('renamed_things')}"
    )
    assert rows == []


async def test_queries_on_source_fields(db) -> None:
    root = await Renamed.create(name="root", rank=1)
    child = await Renamed.create(name="child", rank=2, parent=root)
    await Renamed.create(name="other", rank=3)
    assert (await Renamed.get(name="child")).pk == child.pk
    assert await Renamed.filter(rank__gte=2).order_by("-rank").values_list("name", flat=True) == [
        "other",
        "child",
    ]
    assert await Renamed.filter(parent=root).values("name", "parent_id") == [{"name": "child", "parent_id": root.pk}]
    assert await Renamed.filter(parent__name="root").count() == 1
    assert [c.name for c in await root.children.all()] == ["child"]
    await Renamed.filter(name="other").update(rank=10, name="renamed")
    fetched = await Renamed.get(rank=10)
    assert fetched.name == "renamed"
    fetched.name = "saved"
    await fetched.save()
    await fetched.refresh_from_db()
    assert fetched.name == "saved"
    await Renamed.filter(pk=fetched.pk).delete()
    assert await Renamed.all().count() == 2
    sql = Renamed.filter(name="x").sql()
    assert q("full_name") in sql and q("name") not in sql


# -- Meta options ---------------------------------------------------------------------------------


async def test_meta_table(db) -> None:
    assert Renamed._meta.db_table == "renamed_things"
    assert Remark._meta.db_table == "remarks"
    assert Article._meta.db_table == "article"
    create_table_sql("renamed_things")
    assert f"CREATE TABLE {q('renamed')} " not in Tortoise.get_schema_sql()


async def test_meta_ordering_is_the_default_order(db) -> None:
    for name, rank in [("b", 1), ("c", 3), ("a", 3), ("d", 2)]:
        await Ranked.create(name=name, rank=rank)
    expected = ["a", "c", "d", "b"]
    assert [r.name for r in await Ranked.all()] == expected
    assert await Ranked.all().values_list("name", flat=True) == expected
    assert [r.name for r in await Ranked.filter(rank__gte=2)] == ["a", "c", "d"]
    assert (await Ranked.first()).name == "a"
    assert [r.name for r in await Ranked.all().order_by("name")] == ["a", "b", "c", "d"]


async def test_meta_unique_together(db) -> None:
    await Pair.create(left="a", right="b")
    await Pair.create(left="a", right="c")
    await Pair.create(left="b", right="b")
    with pytest.raises(IntegrityError):
        await Pair.create(left="a", right="b", extra=1)
    assert await Pair.all().count() == 3
    assert Pair._meta.unique_together == (("left", "right"),)
    assert "UNIQUE" in create_table_sql("pair")


async def test_meta_table_description(db) -> None:
    assert Ranked._meta.table_description == "Ranked things, best first"
    assert Ranked.describe()["description"] == "Ranked things, best first"
    assert "Ranked things, best first" in Tortoise.get_schema_sql()


def test_unknown_meta_option_warns_with_its_name() -> None:
    with pytest.warns(UserWarning, match=r"Typo\.Meta\.tabel.*'table'"):

        class Typo(Model):
            name = fields.CharField(max_length=5)

            class Meta:
                abstract = True
                tabel = "typo"


def test_known_meta_options_do_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")

        class Fine(Model):
            name = fields.CharField(max_length=5)

            class Meta:
                abstract = True
                table = "fine"
                ordering = ["name"]
                unique_together = ("name",)
                table_description = "ok"


# -- abstract models and mixins --------------------------------------------------------------------


async def test_abstract_models_have_no_table_and_cannot_be_created(db) -> None:
    assert Stamped._meta.abstract
    assert "Stamped" not in Tortoise.apps["models"]
    assert {"Article", "Remark"} <= set(Tortoise.apps["models"])
    assert f"CREATE TABLE {q('stamped')}" not in Tortoise.get_schema_sql()
    with pytest.raises(ConfigurationError, match="abstract"):
        Stamped(label="x")


async def test_subclasses_get_inherited_fields(db) -> None:
    assert set(Article._meta.fields_map) >= {"id", "label", "weight", "title", "body"}
    assert set(Remark._meta.fields_map) >= {"id", "label", "weight", "title"}
    article = await Article.create(title="hello", label="x")
    fetched = await Article.get(id=article.id)
    assert (fetched.title, fetched.label, fetched.weight, fetched.body) == ("hello", "x", 1, "")
    assert fetched.shout() == "HELLO"
    remark = await Remark.create(title="r")
    assert (await Remark.get(id=remark.id)).label is None


async def test_each_subclass_has_its_own_field_objects(db) -> None:
    for name in ("title", "label", "weight"):
        a, r = Article._meta.fields_map[name], Remark._meta.fields_map[name]
        assert a is not r
        assert (a.model, r.model) == (Article, Remark)
        assert a.model_field_name == r.model_field_name == name
    assert Article._meta.fields_map["title"] is not TitledMixin.__dict__["title"]
    assert Article._meta.fields_map["weight"] is not Stamped._meta.fields_map["weight"]
    assert Stamped._meta.fields_map["weight"].model is Stamped


async def test_subclass_overrides_an_inherited_field(db) -> None:
    label = Remark._meta.fields_map["label"]
    assert label.null and label.max_length == 5
    assert not Article._meta.fields_map["label"].null
    assert Article._meta.fields_map["label"].max_length == 20


async def test_ordering_is_inherited_from_the_abstract_base(db) -> None:
    assert Article._meta.ordering == Remark._meta.ordering == ("label",)
    for label in ("b", "c", "a"):
        await Article.create(title=label, label=label)
    assert [a.label for a in await Article.all()] == ["a", "b", "c"]


def test_mixin_field_is_not_bound_to_the_mixin() -> None:
    class LocalMixin:
        shared = fields.IntField(default=0)

    class One(LocalMixin, Model):
        class Meta:
            abstract = True

    class Two(LocalMixin, Model):
        class Meta:
            abstract = True

    one, two = One._meta.fields_map["shared"], Two._meta.fields_map["shared"]
    assert one is not two
    assert (one.model, two.model) == (One, Two)
    assert LocalMixin.__dict__["shared"].model is None


def test_field_order_puts_inherited_fields_first() -> None:
    class Base(Model):
        base_field = fields.IntField(default=0)

        class Meta:
            abstract = True

    class Child(Base):
        own = fields.IntField(default=0)

        class Meta:
            abstract = True

    assert list(Child._meta.fields_map) == ["base_field", "own"]


def test_each_model_has_its_own_does_not_exist() -> None:
    assert Article.DoesNotExist is not Remark.DoesNotExist
    assert issubclass(Article.DoesNotExist, Model.DoesNotExist)
    assert Article.DoesNotExist.__qualname__ == "Article.DoesNotExist"
