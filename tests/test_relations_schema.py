"""Relations in the schema (constraints, indexes, link tables, creation order) and on_delete.

The constraints and indexes are read back from the database's own catalog
(tests/relations_support.py), not from the DDL text.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from orm import Tortoise
from orm.exceptions import IntegrityError
from tests.helpers import Backend
from tests.models_relations import (
    FALLBACK_HOLDER,
    Alpha,
    Beta,
    CascadeRef,
    Cup,
    Holder,
    LooseRef,
    Match,
    NoActionRef,
    Organizer,
    Player,
    RestrictRef,
    SetDefaultRef,
    SetNullRef,
)
from tests.relations_support import ForeignKey, foreign_keys, indexes, relations_session


@pytest.fixture
async def db(backend: Backend) -> AsyncIterator[Backend]:
    async with relations_session(backend) as active:
        yield active


# -- constraints and indexes -----------------------------------------------------------------------
async def test_foreign_key_constraints_carry_on_delete(db: Backend) -> None:
    expected = {
        "cascaderef": "CASCADE",
        "restrictref": "RESTRICT",
        "setnullref": "SET NULL",
        "noactionref": "NO ACTION",
    }
    # InnoDB has no SET DEFAULT: there the ORM sets the default before deleting, under RESTRICT
    expected["setdefaultref"] = "SET DEFAULT" if db.name != "mysql" else "RESTRICT"
    for table, action in expected.items():
        assert await foreign_keys(db, table) == {ForeignKey("holder_id", "holder", "id", action)}, table
    assert await foreign_keys(db, "looseref") == set()  # db_constraint=False
    assert await foreign_keys(db, "match") == {ForeignKey("cup_id", "cup", "id", "CASCADE")}
    assert await foreign_keys(db, "cup") == {ForeignKey("organizer_id", "organizer", "id", "SET NULL")}
    assert await foreign_keys(db, "city") == {ForeignKey("country_id", "country", "code", "CASCADE")}
    assert await foreign_keys(db, "passport") == {ForeignKey("account_id", "account", "id", "CASCADE")}
    assert await foreign_keys(db, "match_player") == {
        ForeignKey("match_ref", "match", "id", "CASCADE"),
        ForeignKey("player_ref", "player", "id", "CASCADE"),
    }
    assert await foreign_keys(db, "alpha") == {ForeignKey("beta_id", "beta", "id", "SET NULL")}
    assert await foreign_keys(db, "beta") == {ForeignKey("alpha_id", "alpha", "id", "SET NULL")}


async def test_foreign_key_columns_are_indexed(db: Backend) -> None:
    keys = (("match", "cup_id"), ("cup", "organizer_id"), ("city", "country_id"), ("looseref", "holder_id"))
    for table, column in keys:
        found = await indexes(db, table)
        assert (column,) in found and not found[(column,)], (table, found)
    assert (await indexes(db, "profile"))[("account_id",)] is True  # one-to-one: unique


async def test_link_table_has_a_unique_pair(db: Backend) -> None:
    found = await indexes(db, "match_player")
    assert found[("match_ref", "player_ref")] is True
    assert (await indexes(db, "member_follows"))[("member_id", "member_rel_id")] is True
    assert (await indexes(db, "event_team"))[("event_id", "team_id")] is True


async def test_link_table_refuses_a_duplicate_pair(db: Backend) -> None:
    cup = await Cup.create(name="c")
    match, player = await Match.create(name="m", cup=cup), await Player.create(name="p")
    await match.players.add(player)
    client = Match._meta.db
    quote, mark = client.dialect.quote, client.dialect.placeholder
    columns = f"{quote('match_ref')}, {quote('player_ref')}"
    sql = f"INSERT INTO {quote('match_player')} ({columns}) VALUES ({mark(1)}, {mark(2)})"
    with pytest.raises(IntegrityError):
        await client.execute(sql, [match.id, player.id])


async def test_link_table_without_constraints_or_unique_pair(db: Backend) -> None:
    assert await foreign_keys(db, "holder_watchers") == set()  # db_constraint=False
    assert (await indexes(db, "holder_watchers")).get(("holder_id", "player_id")) is None  # create_unique_index=False
    holder, pia = await Holder.create(name="h"), await Player.create(name="Pia")
    await holder.watchers.add(pia)
    await pia.delete()  # nothing refers to player: the link stays behind
    assert await holder.watchers.count() == 0
    assert await Holder.filter(watchers=pia).count() == 1


def create_order(sql: str) -> list[str]:
    order = []
    for line in sql.splitlines():
        if line.startswith("CREATE TABLE"):
            order.append(line.split()[-2].strip('"`'))
    return order


async def test_tables_are_created_in_dependency_order(db: Backend) -> None:
    sql = Tortoise.get_schema_sql()
    order = create_order(sql)
    for before, after in (
        ("organizer", "cup"),
        ("cup", "match"),
        ("cup", "note"),
        ("holder", "cascaderef"),
        ("country", "city"),
        ("account", "passport"),
        ("tournament", "event"),
        ("match", "match_player"),
        ("player", "match_player"),
        ("event", "event_team"),
        ("team", "event_team"),
    ):
        assert order.index(before) < order.index(after), (before, after, order)
    if db.is_server:  # the cycle: both tables first, then the foreign key closing it
        created = max(sql.index(f"CREATE TABLE {db_quote('alpha')}"), sql.index(f"CREATE TABLE {db_quote('beta')}"))
        closing = [line for line in sql.splitlines() if line.startswith("ALTER TABLE")]
        assert len(closing) == 1 and sql.index(closing[0]) > created
        assert "FOREIGN KEY" in closing[0]


def db_quote(name: str) -> str:
    return Holder._meta.db.dialect.quote(name)


async def test_generate_schemas_safe_twice(db: Backend) -> None:
    await Tortoise.generate_schemas(safe=True)  # the tables exist: nothing fails, nothing is lost
    holder = await Holder.create(name="kept")
    await Tortoise.generate_schemas(safe=True)
    assert await Holder.filter(id=holder.id).exists()


async def test_cycle_of_nullable_foreign_keys(db: Backend) -> None:
    alpha = await Alpha.create(name="a")
    beta = await Beta.create(name="b", alpha=alpha)
    alpha.beta = beta
    await alpha.save()
    fetched = await Alpha.get(id=alpha.id).select_related("beta__alpha")
    assert fetched.beta.name == "b" and fetched.beta.alpha.name == "a"
    await beta.delete()
    assert (await Alpha.get(id=alpha.id)).beta_id is None


# -- on_delete ----------------------------------------------------------------------------------------
async def holder_with(model: type, **extra: object) -> tuple[Holder, object]:
    holder = await Holder.create(name="doomed", **extra)
    return holder, await model.create(holder=holder)


async def test_cascade_deletes_dependants(db: Backend) -> None:
    holder, _ = await holder_with(CascadeRef)
    survivor = await Holder.create(name="other")
    await CascadeRef.create(holder=survivor)
    await holder.delete()
    assert await CascadeRef.filter(holder_id=holder.id).count() == 0
    assert await CascadeRef.filter(holder=survivor).count() == 1
    await Holder.filter(name="other").delete()  # a queryset delete cascades too
    assert await CascadeRef.all().count() == 0


async def test_restrict_refuses_the_delete(db: Backend) -> None:
    holder, ref = await holder_with(RestrictRef)
    with pytest.raises(IntegrityError):
        await holder.delete()
    with pytest.raises(IntegrityError):
        await Holder.filter(id=holder.id).delete()
    assert await Holder.filter(id=holder.id).exists()
    await ref.delete()  # type: ignore[attr-defined]
    await holder.delete()
    assert not await Holder.filter(id=holder.id).exists()


async def test_no_action_refuses_the_delete(db: Backend) -> None:
    holder, _ = await holder_with(NoActionRef)
    with pytest.raises(IntegrityError):
        await holder.delete()
    assert await NoActionRef.filter(holder_id=holder.id).count() == 1


async def test_set_null_nulls_the_key(db: Backend) -> None:
    holder, ref = await holder_with(SetNullRef)
    await holder.delete()
    fresh = await SetNullRef.get(id=ref.id)  # type: ignore[attr-defined]
    assert fresh.holder_id is None and await fresh.holder is None


async def test_set_default_sets_the_default(db: Backend) -> None:
    fallback = await Holder.create(name="fallback")  # the first row of an emptied table
    assert fallback.id == FALLBACK_HOLDER
    holder, ref = await holder_with(SetDefaultRef)
    other = await SetDefaultRef.create(holder=await Holder.create(name="untouched"))
    assert SetDefaultRef(id=99).holder_id == FALLBACK_HOLDER  # also the default of a new instance
    await holder.delete()
    fresh = await SetDefaultRef.get(id=ref.id)  # type: ignore[attr-defined]
    assert fresh.holder_id == FALLBACK_HOLDER and (await fresh.holder).name == "fallback"
    assert (await SetDefaultRef.get(id=other.id)).holder_id != FALLBACK_HOLDER
    moved = await SetDefaultRef.create(holder=await Holder.create(name="gone too"))
    assert await Holder.filter(name="gone too").delete() == 1  # a queryset delete sets it too
    assert (await SetDefaultRef.get(id=moved.id)).holder_id == fallback.id


async def test_without_a_constraint_nothing_is_enforced(db: Backend) -> None:
    holder, ref = await holder_with(LooseRef)
    await holder.delete()
    fresh = await LooseRef.get(id=ref.id)  # type: ignore[attr-defined]
    assert fresh.holder_id == holder.id and await fresh.holder is None
    dangling = await LooseRef.create(holder_id=424242)  # no constraint: any value is stored
    assert await dangling.holder is None


async def test_deleting_rows_removes_their_links(db: Backend) -> None:
    organizer = await Organizer.create(name="o")
    cup = await Cup.create(name="c", organizer=organizer)
    first, second = await Match.create(name="m1", cup=cup), await Match.create(name="m2", cup=cup)
    pia, quin = await Player.create(name="Pia"), await Player.create(name="Quin")
    await first.players.add(pia, quin)
    await second.players.add(pia)
    await quin.delete()
    assert [p.name for p in await first.players] == ["Pia"]
    await first.delete()
    assert [m.name for m in await pia.matches] == ["m2"]
    await organizer.delete()  # SET NULL on the cup
    assert (await Cup.get(id=cup.id)).organizer_id is None
    await cup.delete()  # CASCADE to the matches, and from them to the links
    assert await Match.all().count() == 0 and await pia.matches.count() == 0
    assert await Player.all().count() == 1
