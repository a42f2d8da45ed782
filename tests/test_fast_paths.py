"""The shortcuts of the hot paths (write plans, Field.writer, Model.get(pk=...)) keep the
behaviour of the general paths: custom fields, custom managers, chaining, errors."""

from __future__ import annotations

import pytest

from orm.exceptions import DoesNotExist, ValidationError
from tests.helpers import orm_session
from tests.models import Tournament
from tests.models_fast_paths import Archived, Customised


@pytest.fixture
async def db(backend):
    async with orm_session(backend, ["tests.models", "tests.models_fast_paths"]) as active:
        yield active


async def test_field_subclasses_keep_their_own_conversions(db) -> None:
    row = await Customised.create(loud="hello", trimmed="  padded  ", even=4)
    assert row.trimmed == "padded"  # converted when given
    assert await Customised.filter(id=row.id).values_list("loud", "trimmed", flat=False) == [("HELLO", "padded")]
    row.loud = "again"
    await row.save()
    assert (await Customised.get(id=row.id)).loud == "AGAIN"
    [bulk] = await Customised.bulk_create([Customised(loud="bulk", even=2)])
    assert (await Customised.get(id=bulk.id)).loud == "BULK"


async def test_field_subclass_validation_still_runs(db) -> None:
    with pytest.raises(ValidationError, match=r"Customised\.even: 3 is odd"):
        await Customised.create(even=3)
    row = await Customised.create(even=2)
    row.even = 5
    with pytest.raises(ValidationError, match="is odd"):
        await row.save(update_fields=["even"])
    assert (await Customised.get(id=row.id)).even == 2
    assert await Customised.all().count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "x" * 256, "Tournament.name: .* is 256 characters long; max_length is 255"),
        ("name", None, "Tournament.name: a value is required, got None"),
    ],
)
async def test_plain_values_out_of_bounds_are_refused_before_sql(db, field, value, message) -> None:
    tournament = await Tournament.create(name="ok")
    setattr(tournament, field, value)
    with pytest.raises(ValidationError, match=message):
        await tournament.save()
    assert (await Tournament.get(pk=tournament.pk)).name == "ok"


async def test_get_by_pk_answers_like_a_filtered_get(db) -> None:
    first = await Tournament.create(name="first")
    await Tournament.create(name="second")
    assert (await Tournament.get(pk=first.pk)).name == "first"
    assert (await Tournament.get(id=first.pk)).name == "first"
    assert await Tournament.get_or_none(pk=10_000) is None
    with pytest.raises(DoesNotExist):
        await Tournament.get(pk=10_000)
    assert Tournament.get(pk=first.pk).sql() == Tournament.all().get(pk=first.pk).sql()


async def test_get_by_pk_can_be_chained(db) -> None:
    first = await Tournament.create(name="first", description="about it")
    partial = await Tournament.get(pk=first.pk).only("id", "name")
    assert partial.name == "first" and "description" not in partial.__dict__
    assert await Tournament.get(pk=first.pk).values("name") == {"name": "first"}
    assert await Tournament.get(pk=first.pk).values_list("name", flat=True) == "first"


async def test_get_by_pk_goes_through_a_custom_manager(db) -> None:
    hidden = await Archived.create(name="old", active=False)
    shown = await Archived.create(name="new")
    assert (await Archived.get(pk=shown.pk)).name == "new"
    assert await Archived.get_or_none(pk=hidden.pk) is None
    with pytest.raises(DoesNotExist):
        await Archived.get(id=hidden.pk)
