"""Relation fields: definition and wiring at init, forward foreign keys and one-to-one relations.

Covers string references resolved by ``Tortoise.init`` (and again on a re-init),
``<fk>_id`` attributes, ``related_name`` (default, False), ``to_field``, the
typing helpers at runtime, assigning and creating with related instances or
ids (and the errors for a wrong type or an unsaved instance), awaiting an
unfetched relation and the AttributeError of reading one, and one-to-one
relations both ways, including as a primary key.
"""

from __future__ import annotations

import typing
from collections.abc import AsyncIterator

import pytest

from orm import Tortoise, fields
from orm.exceptions import IntegrityError, OperationalError, ValidationError
from orm.fields.relational import BackwardFKRelation, BackwardOneToOneRelation, ManyToManyFieldInstance
from orm.relations import ManyToManyRelation, RelatedObjectQuery, ReverseRelation
from tests.helpers import Backend
from tests.models import Event, Team, Tournament
from tests.models_relations import (
    Account,
    City,
    Country,
    Cup,
    Holder,
    Match,
    Member,
    NoActionRef,
    Note,
    Organizer,
    Passport,
    Player,
    Profile,
)
from tests.relations_support import MODULES, relations_session, statements


@pytest.fixture
async def db(backend: Backend) -> AsyncIterator[Backend]:
    async with relations_session(backend) as active:
        yield active


# -- wiring at init --------------------------------------------------------------------------------
async def test_string_references_are_resolved_at_init(db: Backend) -> None:
    cup_field = Match._meta.fields_map["cup"]
    assert cup_field.related_model is Cup
    reverse = Cup._meta.fields_map["matches"]
    assert isinstance(reverse, BackwardFKRelation) and reverse.related_model is Match
    players = Match._meta.fields_map["players"]
    assert isinstance(players, ManyToManyFieldInstance) and players.related_model is Player
    back = Player._meta.fields_map["matches"]
    assert isinstance(back, ManyToManyFieldInstance) and back.related_model is Match
    assert (back.through, back.forward_key, back.backward_key) == ("match_player", "match_ref", "player_ref")
    assert Cup._meta.fetch_fields == {"organizer", "matches", "notes"}
    assert Match._meta.fk_fields == {"cup"} and Match._meta.m2m_fields == {"players"}


async def test_fk_id_is_a_column_field(db: Backend) -> None:
    id_field = Match._meta.fields_map["cup_id"]
    assert id_field.has_db_field and id_field.column == "cup_id" and not id_field.null
    assert Cup._meta.fields_map["organizer_id"].null
    assert "cup_id" in Match._meta.fields_db_projection
    cup = await Cup.create(name="x")
    match = await Match.create(name="m", cup=cup)
    assert match.cup_id == cup.id
    fetched = await Match.get(id=match.id)
    assert fetched.cup_id == cup.id
    assert await Match.filter(cup_id=cup.id).values_list("cup_id", flat=True) == [cup.id]


async def test_default_related_name_is_the_table_name_plus_s(db: Backend) -> None:
    assert isinstance(Cup._meta.fields_map["notes"], BackwardFKRelation)
    cup = await Cup.create(name="x")
    await Note.create(text="first", cup=cup)
    assert [n.text for n in await cup.notes] == ["first"]


async def test_related_name_false_gives_no_reverse_accessor(db: Backend) -> None:
    holder = await Holder.create(name="h")
    ref = await NoActionRef.create(holder=holder)
    reverse_of_ref = [
        name
        for name, f in Holder._meta.fields_map.items()
        if getattr(f, "forward", None) is NoActionRef._meta.fields_map["holder"]
    ]
    assert reverse_of_ref == []
    assert NoActionRef._meta.fields_map["holder"].related_name is False
    assert not hasattr(holder, "noactionrefs")
    assert (await ref.holder).id == holder.id
    assert await NoActionRef.filter(holder__name="h").count() == 1
    # the same for a many-to-many relation
    watchers = Holder._meta.fields_map["watchers"]
    assert watchers.related_name is False
    assert [f for f in Player._meta.fields_map.values() if getattr(f, "forward", None) is watchers] == []
    assert Player._meta.m2m_fields == {"matches"}
    pia = await Player.create(name="Pia")
    await holder.watchers.add(pia)
    assert [p.name for p in await holder.watchers] == ["Pia"]
    assert await Holder.filter(watchers__name="Pia").values_list("name", flat=True) == ["h"]


async def test_two_relations_with_one_related_name_are_refused() -> None:
    from orm.exceptions import ConfigurationError
    from tests.test_init import make_module

    clash = make_module(
        "dyn_relations_clash",
        """
        from orm import fields
        from orm.models import Model

        class Shelf(Model):
            name = fields.CharField(max_length=10)

        class Book(Model):
            shelf = fields.ForeignKeyField("models.Shelf", related_name="items")
            spare = fields.ForeignKeyField("models.Shelf", related_name="items")
        """,
    )
    try:
        with pytest.raises(ConfigurationError, match=r"Shelf already has a field 'items'.*Book\.spare"):
            await Tortoise.init(db_url="sqlite://:memory:", modules={"models": [clash]})
    finally:
        Tortoise._reset()


def test_on_delete_options_are_checked() -> None:
    from orm.exceptions import ConfigurationError

    with pytest.raises(ConfigurationError, match="SET_NULL needs null=True"):
        fields.ForeignKeyField("models.Holder", on_delete=fields.SET_NULL)
    with pytest.raises(ConfigurationError, match="SET_DEFAULT needs a default"):
        fields.ForeignKeyField("models.Holder", on_delete=fields.SET_DEFAULT)
    with pytest.raises(ConfigurationError, match="SET_DEFAULT needs a fixed default key"):
        fields.ForeignKeyField("models.Holder", on_delete=fields.SET_DEFAULT, default=lambda: 1)
    with pytest.raises(ConfigurationError, match="on_delete must be one of"):
        fields.ForeignKeyField("models.Holder", on_delete="EXPLODE")
    assert fields.ForeignKeyField("models.Holder", on_delete="set_null", null=True).on_delete is fields.SET_NULL


def test_typing_helpers_evaluate_at_runtime() -> None:
    # models_relations has no `from __future__ import annotations`: its annotations were evaluated
    hints = typing.get_type_hints(Match)
    assert typing.get_origin(hints["cup"]) is fields.ForeignKeyRelation
    assert typing.get_args(hints["cup"]) == (Cup,)
    assert typing.get_args(typing.get_type_hints(Match)["players"]) == (Player,)
    assert typing.get_args(typing.get_type_hints(Cup)["matches"]) == (Match,)
    assert typing.get_args(typing.get_type_hints(Cup)["organizer"]) == (Organizer,)
    assert typing.get_args(typing.get_type_hints(Account)["profile"]) == (Profile,)
    assert typing.get_args(typing.get_type_hints(Profile)["account"]) == (Account,)
    assert typing.get_origin(typing.get_type_hints(Player)["matches"]) is ManyToManyRelation
    assert typing.get_origin(typing.get_type_hints(Cup)["matches"]) is ReverseRelation
    for helper in (
        fields.ForeignKeyRelation,
        fields.ForeignKeyNullableRelation,
        fields.OneToOneRelation,
        fields.OneToOneNullableRelation,
        fields.ReverseRelation,
        fields.ManyToManyRelation,
    ):
        assert typing.get_args(helper["Anything"])[0] == typing.ForwardRef("Anything")


async def test_reinit_with_the_same_classes_rebuilds_relations(db: Backend) -> None:
    old_reverse = Cup._meta.fields_map["matches"]
    await Tortoise.init(db_url=db.url, modules={"models": list(MODULES)})
    if not db.is_server:  # a new in-memory database
        await Tortoise.generate_schemas()
    new_reverse = Cup._meta.fields_map["matches"]
    assert new_reverse is not old_reverse and new_reverse.forward is Match._meta.fields_map["cup"]
    assert Cup.matches is new_reverse
    assert sorted(Cup._meta.fetch_fields) == ["matches", "notes", "organizer"]
    assert sorted(Member._meta.m2m_fields) == ["followers", "following"]
    assert [n for n in Match._meta.fields_map if n.endswith("_id")] == ["cup_id"]
    assert sorted(Account._meta.backward_o2o_fields) == ["passport", "profile"]
    assert Passport._meta.pk_attr == "account_id"
    cup = await Cup.create(name="again")
    match = await Match.create(name="m", cup=cup)
    pia = await Player.create(name="Pia")
    await match.players.add(pia)
    assert [m.name for m in await cup.matches] == ["m"]
    assert [p.name for p in await match.players] == ["Pia"]
    assert [m.name for m in await pia.matches] == ["m"]
    account = await Account.create(name="a")
    await Passport.create(account=account, number="P1")
    assert (await account.passport).number == "P1"


# -- assigning and creating -------------------------------------------------------------------------
async def test_create_with_instance_or_id(db: Backend) -> None:
    cup = await Cup.create(name="x")
    by_instance = await Match.create(name="a", cup=cup)
    by_id = await Match.create(name="b", cup_id=cup.id)
    assert by_instance.cup_id == by_id.cup_id == cup.id
    assert by_instance.cup is cup  # the instance given is kept, no query needed
    rows = await Match.filter(cup=cup).order_by("name").values_list("name", "cup_id")
    assert rows == [("a", cup.id), ("b", cup.id)]


async def test_assign_instance_then_save(db: Backend) -> None:
    first, second = await Cup.create(name="first"), await Cup.create(name="second")
    match = await Match.create(name="m", cup=first)
    match.cup = second
    assert match.cup_id == second.id and match.cup is second
    await match.save()
    assert (await Match.get(id=match.id)).cup_id == second.id
    match.cup_id = first.id
    await match.save(update_fields=["cup_id"])
    assert await Match.filter(cup=first).count() == 1
    match.cup = second
    await match.save(update_fields=["cup"])
    assert await Match.filter(cup=second).count() == 1


async def test_assign_none_to_a_nullable_fk(db: Backend) -> None:
    organizer = await Organizer.create(name="o")
    cup = await Cup.create(name="x", organizer=organizer)
    cup.organizer = None
    assert cup.organizer_id is None and cup.organizer is None
    await cup.save()
    fetched = await Cup.get(id=cup.id)
    assert fetched.organizer_id is None
    assert await fetched.organizer is None


async def test_wrong_model_type_is_a_validation_error(db: Backend) -> None:
    player = await Player.create(name="p")
    with pytest.raises(ValidationError, match=r"Match\.cup takes a Cup instance, not Player"):
        Match(name="m", cup=player)
    with pytest.raises(ValidationError, match=r"Match\.cup takes a Cup instance, not int"):
        await Match.create(name="m", cup=5)
    match = Match(name="m", cup_id=1)
    with pytest.raises(ValidationError, match=r"Match\.cup takes a Cup instance"):
        match.cup = player
    assert await Match.all().count() == 0


async def test_unsaved_related_instance_is_refused(db: Backend) -> None:
    unsaved = Cup(name="draft")
    with pytest.raises(OperationalError, match=r"call \.save\(\) on <Cup> before referring to it"):
        await Match.create(name="m", cup=unsaved)
    await unsaved.save()
    assert (await Match.create(name="m", cup=unsaved)).cup_id == unsaved.id


async def test_missing_required_fk_is_refused(db: Backend) -> None:
    with pytest.raises(ValidationError, match=r"cup_id: a value is required"):
        await Match.create(name="orphan")
    with pytest.raises(ValidationError, match=r"cup_id: a value is required"):
        await Match.create(name="orphan", cup=None)
    assert await Match.all().count() == 0


async def test_filter_and_update_with_an_instance_of_another_model(db: Backend) -> None:
    cup = await Cup.create(name="x")
    await Match.create(name="m", cup=cup)
    player = await Player.create(name="p")  # same primary key value as the cup
    assert player.id == cup.id
    with pytest.raises(ValidationError, match=r"cup_id: <Player: \d+> is not a Cup instance"):
        await Match.filter(cup=player)
    with pytest.raises(ValidationError, match="is not a Cup instance"):
        await Match.filter(cup__in=[cup, player])
    with pytest.raises(ValidationError, match="is not a Cup instance"):
        await Match.filter(name="m").update(cup=player)
    with pytest.raises(ValidationError, match="is not a Match instance"):
        await Cup.filter(matches=player)
    with pytest.raises(ValidationError, match="is not a Player instance"):
        await Match.filter(players=cup)
    assert await Match.filter(cup=cup).count() == 1


async def test_changing_the_id_drops_the_cached_instance(db: Backend) -> None:
    first, second = await Cup.create(name="first"), await Cup.create(name="second")
    match = await Match.get(id=(await Match.create(name="m", cup=first)).id).select_related("cup")
    assert match.cup.name == "first"
    match.cup_id = second.id
    assert isinstance(match.cup, RelatedObjectQuery)  # not the stale "first"
    assert (await match.cup).name == "second" and match.cup.name == "second"
    await Match.filter(id=match.id).update(cup=first)
    await match.refresh_from_db()
    assert match.cup_id == first.id and (await match.cup).name == "first"


async def test_id_of_a_missing_row_is_an_integrity_error(db: Backend) -> None:
    with pytest.raises(IntegrityError):
        await Match.create(name="m", cup_id=987654)


# -- reading a forward relation ----------------------------------------------------------------------
async def test_await_unfetched_fk_loads_and_caches_it(db: Backend) -> None:
    organizer = await Organizer.create(name="Ada")
    cup = await Cup.create(name="x", organizer=organizer)
    match = await Match.create(name="m", cup=cup)
    fetched = await Match.get(id=match.id)
    assert isinstance(fetched.cup, RelatedObjectQuery)
    with statements() as seen:
        loaded = await fetched.cup
        assert isinstance(loaded, Cup) and loaded.name == "x" and loaded.id == cup.id
        assert fetched.cup is loaded  # now a plain attribute
        assert await fetched.cup is loaded  # awaiting the loaded instance is not needed, but not run twice
    assert len(seen) == 1


async def test_unfetched_fk_attribute_access_explains(db: Backend) -> None:
    cup = await Cup.create(name="x")
    match = await Match.get(id=(await Match.create(name="m", cup=cup)).id)
    with pytest.raises(AttributeError, match=r"Match\.cup is not fetched, so it has no attribute 'name'") as info:
        match.cup.name  # noqa: B018
    message = str(info.value)
    assert "await obj.cup" in message and "select_related" in message and "prefetch_related" in message
    assert "unfetched Cup" in repr(match.cup)


async def test_await_null_fk_gives_none_without_a_query(db: Backend) -> None:
    cup = await Cup.get(id=(await Cup.create(name="alone")).id)
    with statements() as seen:
        assert await cup.organizer is None
    assert seen == []
    assert cup.organizer is None


async def test_fetch_related_forward(db: Backend) -> None:
    organizer = await Organizer.create(name="Ada")
    cup = await Cup.create(name="x", organizer=organizer)
    match = await Match.get(id=(await Match.create(name="m", cup=cup)).id)
    await match.fetch_related("cup__organizer")
    assert match.cup.name == "x" and match.cup.organizer.name == "Ada"


async def test_to_field_holds_the_referenced_column(db: Backend) -> None:
    france = await Country.create(code="FRA", name="France")
    await Country.create(code="ITA", name="Italy")
    paris = await City.create(name="Paris", country=france)
    assert paris.country_id == "FRA"
    await City.create(name="Rome", country_id="ITA")
    fetched = await City.get(name="Paris")
    assert fetched.country_id == "FRA"
    assert (await fetched.country).name == "France"
    assert [c.name for c in await france.cities] == ["Paris"]
    rome = await City.get(name="Rome").select_related("country")
    assert rome.country.name == "Italy"
    cities = await City.all().order_by("name").prefetch_related("country")
    assert [(c.name, c.country.name) for c in cities] == [("Paris", "France"), ("Rome", "Italy")]
    assert await City.filter(country__name="Italy").values_list("name", flat=True) == ["Rome"]
    italy = await Country.get(code="ITA")
    assert italy.id != france.id and (italy.id, france.id) != ("ITA", "FRA")
    # an instance stands for its to_field value, not its primary key
    assert await City.filter(country=france).values_list("name", flat=True) == ["Paris"]
    assert await City.filter(country__in=[italy]).values_list("name", flat=True) == ["Rome"]
    assert await City.filter(name="Paris").update(country=italy) == 1
    assert await City.filter(country_id="ITA").order_by("name").values_list("name", flat=True) == ["Paris", "Rome"]
    await City.filter(name="Paris").update(country=france)
    assert await Country.filter(cities__name="Paris").values_list("code", flat=True) == ["FRA"]
    countries = await Country.all().order_by("code").prefetch_related("cities")
    assert [[c.name for c in country.cities] for country in countries] == [["Paris"], ["Rome"]]


async def test_to_field_must_name_a_unique_column() -> None:
    from orm.exceptions import ConfigurationError
    from tests.test_init import make_module

    module = make_module(
        "dyn_relations_to_field",
        """
        from orm import fields
        from orm.models import Model

        class Land(Model):
            name = fields.CharField(max_length=10)

        class Town(Model):
            land = fields.ForeignKeyField("models.Land", to_field="name")
        """,
    )
    try:
        with pytest.raises(ConfigurationError, match=r"Town\.land: to_field 'name' must be a unique column of Land"):
            await Tortoise.init(db_url="sqlite://:memory:", modules={"models": [module]})
    finally:
        Tortoise._reset()


# -- shared models: the examples ---------------------------------------------------------------
async def test_event_tournament_examples(db: Backend) -> None:
    tournament = await Tournament.create(name="Cup")
    event = await Event.create(name="Final", tournament=tournament)
    assert (await (await Event.get(id=event.id)).tournament).name == "Cup"
    team = await Team.create(name="Ants")
    await event.participants.add(team)
    assert [t.name for t in await event.participants] == ["Ants"]
    assert [e.name for e in await team.events] == ["Final"]
    assert [e.name for e in await tournament.events] == ["Final"]


# -- one to one ---------------------------------------------------------------------------------------
async def test_one_to_one_both_ways(db: Backend) -> None:
    account = await Account.create(name="ann")
    profile = await Profile.create(bio="hi", account=account)
    fresh = await Account.get(id=account.id)
    assert isinstance(Account._meta.fields_map["profile"], BackwardOneToOneRelation)
    with pytest.raises(AttributeError, match=r"Account\.profile is not fetched"):
        fresh.profile.bio  # noqa: B018
    loaded = await fresh.profile
    assert loaded.id == profile.id and fresh.profile is loaded
    back = await Profile.get(id=profile.id)
    assert (await back.account).name == "ann"
    lonely = await Account.create(name="bob")
    assert await lonely.profile is None
    both = await Account.all().order_by("name").prefetch_related("profile")
    assert [(a.name, a.profile and a.profile.bio) for a in both] == [("ann", "hi"), ("bob", None)]
    joined = await Account.filter(name="ann").select_related("profile").first()
    assert joined is not None and joined.profile.bio == "hi"
    assert await Account.filter(profile__bio="hi").values_list("name", flat=True) == ["ann"]
    assert await Account.filter(profile__isnull=True).values_list("name", flat=True) == ["bob"]


async def test_one_to_one_is_unique(db: Backend) -> None:
    account = await Account.create(name="ann")
    await Profile.create(bio="one", account=account)
    with pytest.raises(IntegrityError):
        await Profile.create(bio="two", account=account)


async def test_one_to_one_as_primary_key(db: Backend) -> None:
    assert Passport._meta.pk_attr == "account_id" and "id" not in Passport._meta.fields_map
    ann = await Account.create(name="ann")
    passport = await Passport.create(account=ann, number="P-1")
    assert passport.pk == ann.id == passport.account_id
    fetched = await Passport.get(pk=ann.id)
    assert fetched.number == "P-1" and (await fetched.account).name == "ann"
    assert (await Passport.get(account=ann)).number == "P-1"
    assert (await ann.passport).number == "P-1"
    bob = await Account.create(name="bob")
    accounts = await Account.all().order_by("name").prefetch_related("passport")
    assert [(a.name, a.passport and a.passport.number) for a in accounts] == [("ann", "P-1"), ("bob", None)]
    joined = await Account.all().order_by("name").select_related("passport")
    assert [(a.name, a.passport and a.passport.pk) for a in joined] == [("ann", ann.id), ("bob", None)]
    assert (await Passport.get(pk=ann.id).select_related("account")).account.name == "ann"
    assert await Account.filter(passport__isnull=True).values_list("id", flat=True) == [bob.id]
    fetched.number = "P-2"
    await fetched.save()
    assert await Passport.filter(account__name="ann").values_list("number", flat=True) == ["P-2"]
    with pytest.raises(IntegrityError):
        await Passport.create(account=ann, number="P-3")
    await fetched.delete()
    assert await Passport.all().count() == 0 and await Account.all().count() == 2
