"""Defaults, auto_now, primary key types, values()/values_list() types, field construction, describe()."""

from __future__ import annotations

import datetime
import enum
import json
import uuid
from decimal import Decimal
from typing import Any

import pytest

from orm import fields
from orm.exceptions import ConfigurationError, IntegrityError, ValidationError
from tests.fields_support import same
from tests.helpers import orm_session
from tests.models import AllFields, CharKeyed, Color, Event, Priority, Tournament, UUIDKeyed, WithDefaults
from tests.models_fields import FieldsCounted, FieldsSourced

UTC = datetime.timezone.utc


@pytest.fixture
async def db(backend):
    async with orm_session(backend, ["tests.models", "tests.models_fields"]) as active:
        yield active


# -- defaults ---------------------------------------------------------------------------------------
async def test_plain_defaults_fill_missing_values(db) -> None:
    created = await WithDefaults.create()
    fetched = await WithDefaults.get(id=created.id)
    for row in (created, fetched):
        same(row.count, 7)
        same(row.active, True)
        same(row.color, Color.GREEN)
        same(row.day, datetime.date(2020, 1, 1))
        assert row.note is None
        assert len(row.code) == 8 and int(row.code, 16) >= 0
    same(fetched.code, created.code)


async def test_given_values_override_defaults(db) -> None:
    created = await WithDefaults.create(count=0, code="given", active=False, color=Color.RED, note="n")
    fetched = await WithDefaults.get(id=created.id)
    assert (fetched.count, fetched.code, fetched.active, fetched.color, fetched.note) == (
        0,
        "given",
        False,
        Color.RED,
        "n",
    )


async def test_callable_default_is_called_once_per_instance(db) -> None:
    first, second = FieldsCounted(), FieldsCounted()
    assert second.number == first.number + 1
    explicit = FieldsCounted(number=-5)  # a given value does not call the default
    third = FieldsCounted()
    assert (explicit.number, third.number) == (-5, second.number + 1)
    await first.save()
    await second.save()
    fetched = await FieldsCounted.get(id=second.id)
    same(fetched.number, second.number)


async def test_callable_default_gives_each_instance_its_own_object(db) -> None:
    first, second = FieldsCounted(), FieldsCounted()
    assert first.tags == [] and first.tags is not second.tags
    first.tags.append("mine")
    assert second.tags == []
    await first.save()
    await second.save()
    assert (await FieldsCounted.get(id=first.id)).tags == ["mine"]
    assert (await FieldsCounted.get(id=second.id)).tags == []


async def test_auto_now_add_is_set_once_and_auto_now_on_every_save(db) -> None:
    before = datetime.datetime.now(UTC)
    row = await WithDefaults.create()
    after = datetime.datetime.now(UTC)
    assert before <= row.created <= after
    assert before <= row.updated <= after
    created, first_update = row.created, row.updated
    for _ in range(2):
        previous = row.updated
        row.note = "changed"
        before = datetime.datetime.now(UTC)
        await row.save()
        assert before <= row.updated <= datetime.datetime.now(UTC)
        assert row.updated > previous
        fetched = await WithDefaults.get(id=row.id)
        assert fetched.updated == row.updated
        assert fetched.created == created
    assert row.created == created and row.updated > first_update


async def test_auto_now_add_keeps_a_given_value(db) -> None:
    past = datetime.datetime(2001, 2, 3, 4, 5, 6, 7, tzinfo=UTC)
    row = await WithDefaults.create(created=past)
    same((await WithDefaults.get(id=row.id)).created, past)
    await row.save()
    same((await WithDefaults.get(id=row.id)).created, past)


async def test_auto_now_replaces_a_given_value(db) -> None:
    past = datetime.datetime(2001, 2, 3, tzinfo=UTC)
    row = await WithDefaults.create(updated=past)
    assert row.updated > past
    assert (await WithDefaults.get(id=row.id)).updated == row.updated


async def test_save_with_update_fields_keeps_auto_now_in_step_with_the_row(db) -> None:
    row = await WithDefaults.create()
    stamp = row.updated
    row.note = "only this"
    await row.save(update_fields=["note"])
    fetched = await WithDefaults.get(id=row.id)
    assert fetched.note == "only this"
    assert row.updated == fetched.updated == stamp  # not written, so not changed on the instance
    await row.save(update_fields=["note", "updated"])
    fetched = await WithDefaults.get(id=row.id)
    assert row.updated == fetched.updated > stamp


# -- primary key types ---------------------------------------------------------------------------
async def test_uuid_primary_key_defaults_to_uuid4(db) -> None:
    first = await UUIDKeyed.create(name="a")
    second = await UUIDKeyed.create(name="b")
    for row in (first, second):
        assert isinstance(row.id, uuid.UUID) and row.id.version == 4
        assert row.pk == row.id
    assert first.id != second.id
    fetched = await UUIDKeyed.get(pk=first.id)
    same(fetched.id, first.id)
    assert fetched.name == "a"
    assert await UUIDKeyed.filter(id=str(second.id)).values_list("name", flat=True) == ["b"]


async def test_uuid_primary_key_can_be_given(db) -> None:
    key = uuid.UUID("12345678-1234-5678-1234-567812345678")
    await UUIDKeyed.create(id=key, name="given")
    same((await UUIDKeyed.get(name="given")).id, key)


async def test_char_primary_key(db) -> None:
    row = await CharKeyed.create(code="ab-1", label="first")
    same(row.pk, "ab-1")
    fetched = await CharKeyed.get(pk="ab-1")
    same(fetched.code, "ab-1")
    fetched.label = "renamed"
    await fetched.save()  # an update, not a second insert
    assert await CharKeyed.all().values_list("code", "label") == [("ab-1", "renamed")]
    with pytest.raises(IntegrityError):
        await CharKeyed.create(code="ab-1", label="again")


async def test_char_primary_key_is_required(db) -> None:
    with pytest.raises(ValidationError, match="code"):
        await CharKeyed.create(label="no key")
    with pytest.raises(ValidationError, match="code"):
        await CharKeyed.create(code="x" * 11, label="too long")
    assert await CharKeyed.all().count() == 0


# -- values() / values_list() give the same types as instances ------------------------------------
FULL_ROW = {
    "int_field": -12,
    "bigint_field": 2**40,
    "smallint_field": 300,
    "char_field": "chär",
    "text_field": "long\ntext",
    "bool_field": False,
    "decimal_field": Decimal("-1.5"),
    "wide_decimal": Decimal("12345678901234567890.5"),
    "float_field": 2.5,
    "datetime_field": datetime.datetime(2024, 2, 3, 4, 5, 6, 7, tzinfo=UTC),
    "date_field": datetime.date(2024, 2, 3),
    "time_field": datetime.time(4, 5, 6, 7),
    "timedelta_field": datetime.timedelta(days=-2, seconds=3),
    "json_field": {"k": ["v", 1, None]},
    "uuid_field": uuid.UUID("00000000-0000-4000-8000-000000000001"),
    "binary_field": b"\x00\xff",
    "int_enum": Priority.LOW,
    "char_enum": Color.BLUE,
}


async def test_values_and_values_list_match_instances(db) -> None:
    created = await AllFields.create(**FULL_ROW)
    instance = await AllFields.get(id=created.id)
    names = ["id", *FULL_ROW]
    [as_dict] = await AllFields.filter(id=created.id).values(*names)
    [all_dict] = await AllFields.filter(id=created.id).values()
    [as_tuple] = await AllFields.filter(id=created.id).values_list(*names)
    assert list(as_dict) == names
    assert all_dict == as_dict
    for index, name in enumerate(names):
        expected = getattr(instance, name)
        if name != "id":
            same(expected, FULL_ROW[name])
        same(as_dict[name], expected)
        same(all_dict[name], expected)
        same(as_tuple[index], expected)
        [flat] = await AllFields.filter(id=created.id).values_list(name, flat=True)
        same(flat, expected)


# -- field construction errors ------------------------------------------------------------------
def test_char_field_needs_max_length() -> None:
    with pytest.raises(TypeError, match="max_length"):
        fields.CharField()  # type: ignore[call-arg]


@pytest.mark.parametrize("bad", [0, -1, "abc", None, 1.5j])
def test_char_field_bad_max_length(bad: Any) -> None:
    with pytest.raises(ConfigurationError, match="max_length"):
        fields.CharField(max_length=bad)


@pytest.mark.parametrize(
    ("digits", "places", "named"),
    [(0, 0, "max_digits"), (-3, 0, "max_digits"), (5, 6, "decimal_places"), (5, -1, "decimal_places"),
     ("x", 1, "max_digits"), (5, None, "decimal_places")],
)
def test_decimal_field_bad_arguments(digits: Any, places: Any, named: str) -> None:
    with pytest.raises(ConfigurationError, match=named):
        fields.DecimalField(max_digits=digits, decimal_places=places)


def test_decimal_field_needs_both_arguments() -> None:
    with pytest.raises(TypeError, match="decimal_places"):
        fields.DecimalField(max_digits=5)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    "make",
    [
        lambda: fields.IntField(nul=True),
        lambda: fields.CharField(max_length=5, nul=True),
        lambda: fields.DatetimeField(nul=True),
        lambda: fields.JSONField(nul=True),
    ],
)
def test_unknown_field_option_is_named(make: Any) -> None:
    with pytest.raises(ConfigurationError, match="unknown options: nul"):
        make()


def test_several_unknown_options_are_all_named() -> None:
    with pytest.raises(ConfigurationError, match="blank, maxlength"):
        fields.CharField(max_length=5, maxlength=3, blank=True)


def test_auto_now_and_auto_now_add_together() -> None:
    with pytest.raises(ConfigurationError, match="auto_now"):
        fields.DatetimeField(auto_now=True, auto_now_add=True)


def test_other_construction_errors() -> None:
    with pytest.raises(ConfigurationError, match="null"):
        fields.IntField(primary_key=True, null=True)
    with pytest.raises(ConfigurationError, match="generated"):
        fields.CharField(max_length=5, generated=True)
    with pytest.raises(ConfigurationError, match="Enum"):
        fields.IntEnumField(int)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="Enum"):
        fields.CharEnumField("Color")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="16-bit"):
        fields.IntEnumField(enum.IntEnum("Big", {"HUGE": 2**20}))


def test_pk_and_index_aliases() -> None:
    assert fields.IntField(pk=True).pk and fields.IntField(primary_key=True).pk
    assert fields.CharField(max_length=5, index=True).index
    assert fields.CharField(max_length=5, db_index=True).index


# -- describe() ----------------------------------------------------------------------------------
FIELD_KEYS = {
    "name", "field_type", "db_column", "python_type", "generated", "nullable",
    "unique", "indexed", "default", "description", "constraints", "db_field_types",
}
MODEL_KEYS = {
    "name", "app", "table", "abstract", "description", "docstring", "unique_together", "pk_field",
    "data_fields", "fk_fields", "backward_fk_fields", "o2o_fields", "backward_o2o_fields", "m2m_fields",
}


def by_name(described: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {d["name"]: d for d in described}


async def test_model_describe_keys_and_data_fields(db) -> None:
    desc = AllFields.describe()
    assert set(desc) >= MODEL_KEYS
    assert (desc["name"], desc["app"], desc["table"], desc["abstract"]) == (
        "models.AllFields",
        "models",
        "allfields",
        False,
    )
    assert desc["docstring"] == "One nullable column of every data field type."
    assert desc["pk_field"]["name"] == "id"
    assert desc["pk_field"]["generated"] is True and desc["pk_field"]["unique"] is True
    declared = [name for name in vars(AllFields) if isinstance(vars(AllFields)[name], fields.Field)]
    assert [d["name"] for d in desc["data_fields"]] == [n for n in declared if n != "id"]
    for field in [desc["pk_field"], *desc["data_fields"]]:
        assert set(field) >= FIELD_KEYS, field["name"]
        assert field["db_column"] == field["name"]
        assert field["nullable"] is (field["name"] != "id")
    assert json.loads(json.dumps(desc)) == desc  # serializable=True gives plain JSON


async def test_field_describe_types_and_constraints(db) -> None:
    data = by_name(AllFields.describe()["data_fields"])
    expected = {
        "int_field": ("IntField", "int", {"ge": -(2**31), "le": 2**31 - 1}),
        "smallint_field": ("SmallIntField", "int", {"ge": -(2**15), "le": 2**15 - 1}),
        "char_field": ("CharField", "str", {"max_length": 100}),
        "decimal_field": ("DecimalField", "decimal.Decimal", {"max_digits": 12, "decimal_places": 4}),
        "datetime_field": ("DatetimeField", "datetime.datetime", {}),  # readOnly only with auto_now(_add)
        "uuid_field": ("UUIDField", "uuid.UUID", {}),
        "binary_field": ("BinaryField", "bytes", {}),
        # as in Tortoise, enum fields are described by their storage type and Tortoise's class names
        "int_enum": ("IntEnumFieldInstance", "int", {"ge": -(2**15), "le": 2**15 - 1}),
        "char_enum": ("CharEnumFieldInstance", "str", {"max_length": len("green")}),
    }
    for name, (field_type, python_type, constraints) in expected.items():
        got = data[name]
        assert (got["field_type"], got["python_type"], got["constraints"]) == (
            field_type,
            python_type,
            constraints,
        ), name
    assert data["char_enum"]["description"] == "RED: red\nGREEN: green\nBLUE: blue"


async def test_field_describe_options(db) -> None:
    sourced = FieldsSourced.describe()
    data = by_name(sourced["data_fields"])
    title, code = data["title"], data["code"]
    assert (title["db_column"], title["indexed"], title["unique"]) == ("title_col", True, False)
    assert (title["default"], title["description"], title["nullable"]) == ("untitled", "The title", False)
    assert (code["unique"], code["indexed"], code["default"]) == (True, True, None)
    defaults = by_name(WithDefaults.describe()["data_fields"])
    assert defaults["count"]["default"] == 7
    assert defaults["code"]["default"] == "<function tests.models._default_code>"
    assert defaults["day"]["default"] == "2020-01-01"
    uuid_pk = UUIDKeyed.describe()["pk_field"]
    assert (uuid_pk["generated"], uuid_pk["default"], uuid_pk["python_type"]) == (
        False,
        "<function uuid.uuid4>",
        "uuid.UUID",
    )


async def test_describe_not_serializable_gives_python_objects(db) -> None:
    data = by_name(WithDefaults.describe(serializable=False)["data_fields"])
    assert data["count"]["field_type"] is fields.IntField
    assert data["count"]["python_type"] is int
    assert data["color"]["python_type"] is str  # Tortoise describes an enum field by its storage type
    assert data["day"]["default"] == datetime.date(2020, 1, 1)
    assert callable(data["code"]["default"]) and data["code"]["default"].__name__ == "_default_code"


async def test_describe_groups_relations_by_kind(db) -> None:
    event = Event.describe()
    assert [d["name"] for d in event["fk_fields"]] == ["tournament"]
    assert [d["name"] for d in event["m2m_fields"]] == ["participants"]
    assert event["o2o_fields"] == [] and event["backward_fk_fields"] == []
    assert "tournament_id" in [d["name"] for d in event["data_fields"]]
    tournament = Tournament.describe()
    assert [d["name"] for d in tournament["backward_fk_fields"]] == ["events"]
    assert tournament["fk_fields"] == [] and tournament["m2m_fields"] == []
