"""The Model API on single instances: create, save, delete, get..., refresh, identity and display."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orm.exceptions import (
    ConfigurationError,
    DoesNotExist,
    FieldError,
    IntegrityError,
    MultipleObjectsReturned,
    OperationalError,
    ParamsError,
)
from tests.helpers import orm_session
from tests.models import CharKeyed, Event, Team, Tournament
from tests.models_model_api import AbstractStamped, Plain, Ranked


@pytest.fixture
async def db(backend):
    async with orm_session(backend, ["tests.models", "tests.models_model_api"]) as b:
        yield b


async def stored(model, pk, *names):
    """The stored values of ``names`` for the row ``pk``, read with a fresh query."""
    rows = await model.filter(pk=pk).values_list(*names)
    assert len(rows) == 1, f"expected one {model.__name__} row with pk={pk}, found {len(rows)}"
    return rows[0]


async def event_in(tournament, name, prize=None):
    return await Event.create(name=name, tournament=tournament, prize=prize)


# -- create / save ------------------------------------------------------------------------
async def test_create_inserts_a_row_and_sets_the_generated_pk(db):
    first = await Tournament.create(name="Alpha", description="first")
    second = await Tournament.create(name="Beta")
    assert isinstance(first.pk, int) and isinstance(second.pk, int)
    assert first.pk != second.pk
    assert await stored(Tournament, first.pk, "name", "description") == ("Alpha", "first")
    assert await stored(Tournament, second.pk, "name", "description") == ("Beta", None)
    assert first._saved_in_db


async def test_save_inserts_then_updates_the_same_row(db):
    tournament = Tournament(name="draft")
    assert tournament.pk is None
    await tournament.save()
    pk = tournament.pk
    assert pk is not None
    tournament.name = "final"
    await tournament.save()
    assert tournament.pk == pk
    assert await Tournament.all().count() == 1
    assert await stored(Tournament, pk, "name") == ("final",)


async def test_save_with_update_fields_writes_only_those_columns(db):
    tournament = await Tournament.create(name="T")
    event = await event_in(tournament, "old name", Decimal("10.00"))
    event.name = "new name"
    event.prize = Decimal("99.00")
    await event.save(update_fields=["name"])
    assert await stored(Event, event.pk, "name", "prize") == ("new name", Decimal("10.00"))
    await event.save(update_fields=["prize"])
    assert await stored(Event, event.pk, "name", "prize") == ("new name", Decimal("99.00"))


async def test_save_with_update_fields_rejects_an_unknown_name(db):
    tournament = await Tournament.create(name="T")
    tournament.name = "changed"
    with pytest.raises(FieldError, match="nmae"):
        await tournament.save(update_fields=["nmae"])
    assert await stored(Tournament, tournament.pk, "name") == ("T",)


async def test_force_create_on_an_existing_pk_is_an_integrity_error(db):
    original = await Tournament.create(name="original")
    duplicate = Tournament(id=original.pk, name="duplicate")
    with pytest.raises(IntegrityError):
        await duplicate.save(force_create=True)
    assert await stored(Tournament, original.pk, "name") == ("original",)
    assert await Tournament.all().count() == 1


async def test_force_update_of_a_missing_row_is_an_integrity_error(db):
    ghost = Tournament(id=424242, name="ghost")
    with pytest.raises(IntegrityError, match="424242"):
        await ghost.save(force_update=True)
    assert await Tournament.all().count() == 0


async def test_force_update_of_an_existing_row_updates_it(db):
    original = await Tournament.create(name="before")
    other = Tournament(id=original.pk, name="after")
    await other.save(force_update=True)
    # the unset auto_now_add column keeps the row's value
    assert await stored(Tournament, original.pk, "name", "created") == ("after", original.created)
    assert await Tournament.all().count() == 1


async def test_force_update_with_unchanged_values_is_not_an_error(db):
    # The row exists, so it is matched even though no value changes (MySQL counts changed rows by default).
    original = await Tournament.create(name="same", description="d")
    await Tournament(id=original.pk, name="same", description="d").save(force_update=True)
    assert await Tournament.filter(pk=original.pk).update(name="same") == 1
    assert await stored(Tournament, original.pk, "name", "description") == ("same", "d")


async def test_save_with_both_force_flags_is_rejected(db):
    with pytest.raises(ParamsError, match="force_create"):
        await Tournament(name="x").save(force_create=True, force_update=True)


# -- delete ----------------------------------------------------------------------------------
async def test_delete_removes_only_that_row(db):
    keep = await Tournament.create(name="keep")
    drop = await Tournament.create(name="drop")
    await drop.delete()
    assert await Tournament.get_or_none(pk=drop.pk) is None
    assert [t.pk for t in await Tournament.all()] == [keep.pk]


async def test_delete_of_an_unsaved_instance_is_an_operational_error(db):
    await Tournament.create(name="existing")
    with pytest.raises(OperationalError, match="unpersisted"):
        await Tournament(name="never saved").delete()
    assert await Tournament.all().count() == 1


# -- get / get_or_none ----------------------------------------------------------------------
async def test_get_returns_the_one_matching_instance(db):
    tournament = await Tournament.create(name="A")
    await Tournament.create(name="B")
    found = await Tournament.get(name="A")
    assert found.pk == tournament.pk and found.name == "A"


async def test_get_missing_raises_the_models_own_does_not_exist(db):
    await Tournament.create(name="A")
    with pytest.raises(Tournament.DoesNotExist, match="Tournament") as caught:
        await Tournament.get(name="nope")
    assert isinstance(caught.value, DoesNotExist)
    assert Tournament.DoesNotExist is not Event.DoesNotExist
    assert not issubclass(Event.DoesNotExist, Tournament.DoesNotExist)
    with pytest.raises(DoesNotExist) as generic:
        await Event.get(name="nope")
    assert type(generic.value) is Event.DoesNotExist
    assert not isinstance(generic.value, Tournament.DoesNotExist)


async def test_get_of_several_rows_raises_multiple_objects_returned(db):
    await Tournament.create(name="same")
    await Tournament.create(name="same")
    with pytest.raises(Tournament.MultipleObjectsReturned, match="Tournament") as caught:
        await Tournament.get(name="same")
    assert isinstance(caught.value, MultipleObjectsReturned)


async def test_get_or_none(db):
    tournament = await Tournament.create(name="A")
    await Tournament.create(name="twin")
    await Tournament.create(name="twin")
    assert await Tournament.get_or_none(name="missing") is None
    assert (await Tournament.get_or_none(name="A")).pk == tournament.pk
    with pytest.raises(MultipleObjectsReturned):
        await Tournament.get_or_none(name="twin")


# -- get_or_create / update_or_create --------------------------------------------------------
async def test_get_or_create_creates_with_defaults_then_finds_the_same_row(db):
    made, created = await Tournament.get_or_create(name="Cup", defaults={"description": "first"})
    assert created is True
    assert await stored(Tournament, made.pk, "name", "description") == ("Cup", "first")
    again, created_again = await Tournament.get_or_create(name="Cup", defaults={"description": "second"})
    assert created_again is False
    assert again.pk == made.pk
    assert again.description == "first"  # defaults are only used when creating
    assert await stored(Tournament, made.pk, "description") == ("first",)
    assert await Tournament.all().count() == 1


async def test_get_or_create_without_filters_is_rejected(db):
    with pytest.raises(ParamsError, match="get_or_create"):
        await Tournament.get_or_create(defaults={"name": "x"})


async def test_update_or_create_creates_then_updates(db):
    made, created = await Tournament.update_or_create(name="Cup", defaults={"description": "v1"})
    assert created is True
    assert await stored(Tournament, made.pk, "description") == ("v1",)
    updated, created_again = await Tournament.update_or_create(name="Cup", defaults={"description": "v2"})
    assert created_again is False
    assert updated.pk == made.pk
    assert updated.description == "v2"
    assert await stored(Tournament, made.pk, "name", "description") == ("Cup", "v2")
    assert await Tournament.all().count() == 1


# -- first / last / latest / earliest ---------------------------------------------------------
async def make_ranked(*pairs):
    return [await Ranked.create(name=name, rank=rank) for name, rank in pairs]


async def test_first_and_last_follow_meta_ordering(db):
    await make_ranked(("b", 5), ("c", 1), ("a", 5), ("d", 3))
    # Meta.ordering is ("-rank", "name"): a(5), b(5), d(3), c(1)
    assert [r.name for r in await Ranked.all()] == ["a", "b", "d", "c"]
    assert (await Ranked.first()).name == "a"
    assert (await Ranked.last()).name == "c"


async def test_first_and_last_follow_an_explicit_order_by(db):
    await make_ranked(("b", 5), ("c", 1), ("a", 5), ("d", 3))
    assert (await Ranked.all().order_by("name").first()).name == "a"
    assert (await Ranked.all().order_by("name").last()).name == "d"
    assert (await Ranked.all().order_by("rank", "-name").first()).name == "c"
    assert (await Ranked.all().order_by("rank", "-name").last()).name == "a"


async def test_first_and_last_without_ordering_use_the_primary_key(db):
    # Inserted out of key order, so that storage order differs from key order.
    for code in ("m", "c", "x", "f"):
        await CharKeyed.create(code=code, label=code.upper())
    assert (await CharKeyed.first()).code == "c"
    assert (await CharKeyed.last()).code == "x"


async def test_first_and_last_of_an_empty_table_are_none(db):
    assert await Ranked.first() is None
    assert await Ranked.last() is None
    assert await Ranked.latest("rank") is None


async def test_latest_and_earliest(db):
    await make_ranked(("low", 1), ("high", 9), ("mid", 4))
    assert (await Ranked.latest("rank")).name == "high"
    assert (await Ranked.earliest("rank")).name == "low"
    assert (await Ranked.filter(rank__lt=9).latest("rank")).name == "mid"
    assert (await Ranked.latest("name")).name == "mid"


# -- exists / count -----------------------------------------------------------------------------
async def test_exists_and_count(db):
    assert await Tournament.exists() is False
    assert await Tournament.count() == 0
    for name in ("a", "b", "b"):
        await Tournament.create(name=name)
    assert await Tournament.exists() is True
    assert await Tournament.exists(name="b") is True
    assert await Tournament.exists(name="z") is False
    assert await Tournament.count() == 3
    assert await Tournament.filter(name="b").count() == 2


# -- refresh_from_db -------------------------------------------------------------------------
async def test_refresh_from_db_reloads_every_field(db):
    tournament = await Tournament.create(name="old", description="old text")
    await Tournament.filter(pk=tournament.pk).update(name="new", description="new text")
    assert tournament.name == "old"
    await tournament.refresh_from_db()
    assert (tournament.name, tournament.description) == ("new", "new text")


async def test_refresh_from_db_with_fields_reloads_only_those(db):
    tournament = await Tournament.create(name="old", description="old text")
    await Tournament.filter(pk=tournament.pk).update(name="new", description="new text")
    await tournament.refresh_from_db(fields=["name"])
    assert tournament.name == "new"
    assert tournament.description == "old text"


async def test_refresh_from_db_of_an_unsaved_or_deleted_instance(db):
    with pytest.raises(OperationalError, match="unsaved"):
        await Tournament(name="x").refresh_from_db()
    tournament = await Tournament.create(name="gone")
    await Tournament.filter(pk=tournament.pk).delete()
    with pytest.raises(Tournament.DoesNotExist):
        await tournament.refresh_from_db()


# -- update_from_dict / clone -------------------------------------------------------------------
async def test_update_from_dict_sets_fields_and_chains(db):
    tournament = await Tournament.create(name="a")
    result = tournament.update_from_dict({"name": "b", "description": "d"})
    assert result is tournament
    assert (tournament.name, tournament.description) == ("b", "d")
    await tournament.save()
    assert await stored(Tournament, tournament.pk, "name", "description") == ("b", "d")


async def test_update_from_dict_rejects_unknown_names_and_the_primary_key(db):
    tournament = await Tournament.create(name="a")
    with pytest.raises(FieldError, match=r"'nmae'.*'name'"):
        tournament.update_from_dict({"nmae": "b"})
    with pytest.raises(ParamsError, match="primary key"):
        tournament.update_from_dict({"id": 99})
    with pytest.raises(ParamsError, match="primary key"):
        tournament.update_from_dict({"pk": 99})
    assert tournament.pk != 99


async def test_clone_saves_as_a_new_row(db):
    original = await Tournament.create(name="orig", description="same")
    copy = original.clone()
    assert copy.pk is None
    assert copy is not original
    await copy.save()
    assert copy.pk not in (None, original.pk)
    assert await stored(Tournament, copy.pk, "name", "description") == ("orig", "same")
    assert await Tournament.all().count() == 2


async def test_clone_with_an_explicit_pk(db):
    original = await Tournament.create(name="orig")
    copy = original.clone(pk=original.pk + 100)
    await copy.save()
    assert await stored(Tournament, original.pk + 100, "name") == ("orig",)


# -- display, identity, pk ---------------------------------------------------------------------
async def test_repr_and_str(db):
    plain = Plain(name="p")
    assert repr(plain) == "<Plain>"
    assert str(plain) == "<Plain>"
    await plain.save()
    assert repr(plain) == f"<Plain: {plain.pk}>"
    tournament = await Tournament.create(name="Grand Slam")
    assert str(tournament) == "Grand Slam"  # the model's own __str__ is kept
    assert repr(tournament) == f"<Tournament: {tournament.pk}>"


async def test_equality_and_hash_follow_the_primary_key(db):
    tournament = await Tournament.create(name="a")
    again = await Tournament.get(pk=tournament.pk)
    other = await Tournament.create(name="a")
    assert tournament is not again
    assert tournament == again
    assert hash(tournament) == hash(again)
    assert tournament != other
    assert len({tournament, again, other}) == 2


async def test_instances_of_different_models_are_never_equal(db):
    tournament = await Tournament.create(name="x")
    team = await Team.create(id=tournament.pk, name="x")
    assert team.pk == tournament.pk
    assert team != tournament
    assert tournament != team
    assert len({team, tournament}) == 2


async def test_unsaved_instances_are_unequal_and_unhashable(db):
    a, b = Tournament(name="same"), Tournament(name="same")
    assert a != b
    assert a == a
    with pytest.raises(TypeError, match="unhashable"):
        hash(a)


async def test_pk_alias_reads_and_writes_the_primary_key_field(db):
    tournament = await Tournament.create(name="a")
    assert tournament.pk == tournament.id
    keyed = CharKeyed(code="k1", label="L")
    assert keyed.pk == "k1"
    keyed.pk = "k2"
    assert keyed.code == "k2"
    await keyed.save()
    assert await stored(CharKeyed, "k2", "label") == ("L",)
    assert await CharKeyed.get_or_none(code="k1") is None


# -- construction errors -------------------------------------------------------------------------
def test_unknown_keyword_raises_field_error_naming_it():
    with pytest.raises(FieldError, match="Tournament has no field 'nmae'; did you mean 'name'"):
        Tournament(nmae="x")


def test_abstract_model_cannot_be_instantiated():
    with pytest.raises(ConfigurationError, match="AbstractStamped is abstract"):
        AbstractStamped(stamp=1)
