"""Tortoise's examples (examples/*.py and the docs' query, relation, function, signal and transaction
pages), each run against `orm` with only the package renamed; expected values are the outputs
Tortoise's examples print (their ``# >>>`` comments) or follow from the data they create."""

from __future__ import annotations

from typing import Any

import pytest

from orm import BaseDBAsyncClient
from orm.exceptions import OperationalError
from orm.expressions import F, Q
from orm.functions import Avg, Coalesce, Count, Length, Lower, Min, Sum, Trim, Upper
from orm.query_utils import Prefetch
from orm.signals import post_delete, post_save, pre_delete, pre_save
from orm.transactions import atomic, in_transaction
from tests.compat.models_examples import (
    Author,
    Book,
    Currency,
    EnumFields,
    Event,
    ManagerModel,
    Service,
    Signal,
    Team,
    Tournament,
)
from tests.helpers import orm_session

MODULES = ["tests.compat.models_examples"]


@pytest.fixture
async def db(backend):
    async with orm_session(backend, MODULES) as b:
        yield b


async def filtering_data() -> dict[str, Any]:
    """examples/complex_filtering.py's data."""
    tournament = Tournament(name="Tournament")
    await tournament.save()
    second_tournament = Tournament(name="Tournament 2")
    await second_tournament.save()
    event_first = Event(name="1", tournament=tournament)
    await event_first.save()
    event_second = await Event.create(name="2", tournament=second_tournament)
    await Event.create(name="3", tournament=tournament)
    await Event.create(name="4", tournament=second_tournament)
    team_first = Team(name="First")
    await team_first.save()
    team_second = Team(name="Second")
    await team_second.save()
    await team_first.events.add(event_first)
    await event_second.participants.add(team_second)
    return locals()


# -- examples/complex_filtering.py ----------------------------------------------------------
async def test_complex_filtering_example(db) -> None:
    d = await filtering_data()
    tournament, event_first, event_second = d["tournament"], d["event_first"], d["event_second"]
    assert [str(e) for e in await Event.filter(tournament=tournament).order_by("id")] == ["1", "3"]
    found = (
        await Event.filter(Q(id__in=[event_first.id, event_second.id]) | Q(name="3"))
        .filter(participants__not=d["team_second"].id)
        .order_by("tournament__id")
        .distinct()
    )
    # "2" has only the excluded team; "3" has no team at all (Tortoise keeps it too)
    assert [str(e) for e in found] == ["1", "3"]
    assert [str(t) for t in await Team.filter(events__tournament_id=tournament.id).order_by("-events__name")] == [
        "First"
    ]
    ordered_by_relation = (
        Tournament.filter(events__name__in=["1", "3"]).order_by("-events__participants__name").distinct()
    )
    # Tortoise sends this DISTINCT ordered by an unselected column as it is, which PostgreSQL refuses
    assert [str(t) for t in await ordered_by_relation] == ["Tournament"]
    assert [str(t) for t in await Team.filter(name__icontains="CON")] == ["Second"]
    assert [str(t) for t in await Tournament.filter(events__participants__name__startswith="Fir")] == ["Tournament"]


# -- examples/complex_prefetching.py --------------------------------------------------------
async def test_complex_prefetching_example(db) -> None:
    tournament = await Tournament.create(name="tournament")
    await Event.create(name="First", tournament=tournament)
    await Event.create(name="Second", tournament=tournament)
    tournament_with_filtered = (
        await Tournament.all().prefetch_related(Prefetch("events", queryset=Event.filter(name="First"))).first()
    )
    assert [e.name for e in tournament_with_filtered.events] == ["First"]
    fetched = await Tournament.first().prefetch_related("events")
    assert sorted(e.name for e in fetched.events) == ["First", "Second"]


# -- examples/functions.py ------------------------------------------------------------------
async def test_functions_example(db) -> None:
    tournament = await Tournament.create(name="New Tournament", desc="great")
    await tournament.save()
    await Tournament.create(name="Second tournament")
    await Tournament.create(name=" final tournament ")
    await Event(name="Without participants", tournament_id=tournament.id).save()
    event = Event(name="Test", tournament_id=tournament.id)
    await event.save()
    participants = []
    for i in range(2):
        team = Team(name=f"Team {(i + 1)}")
        await team.save()
        participants.append(team)
    await event.participants.add(participants[0], participants[1])
    await event.participants.add(participants[0], participants[1])  # adding twice links once
    assert await event.participants.all().count() == 2

    with_events = await Tournament.all().annotate(events_count=Count("events")).filter(events_count__gte=1)
    assert [(t.name, t.events_count) for t in with_events] == [("New Tournament", 2)]
    lowest = await Event.filter(id=event.id).first().annotate(lowest_team_id=Min("participants__id"))
    assert lowest.lowest_team_id == min(p.id for p in participants)
    by_count = await Tournament.all().annotate(events_count=Count("events")).order_by("events_count", "id")
    assert [t.events_count for t in by_count] == [0, 0, 2]
    first = await Event.all().annotate(tournament_test_id=Sum("tournament__id")).order_by("id").first()
    assert first.tournament_test_id == tournament.id
    blank = await Tournament.annotate(clean_desciption=Coalesce("desc", "")).filter(clean_desciption="")
    assert sorted(t.name for t in blank) == [" final tournament ", "Second tournament"]
    trimmed = await Tournament.annotate(trimmed_name=Trim("name")).filter(trimmed_name="final tournament")
    assert [t.name for t in trimmed] == [" final tournament "]
    longer = await Tournament.annotate(name_len=Length("name")).filter(name_len__gt=len("New Tournament"))
    assert sorted(t.name for t in longer) == [" final tournament ", "Second tournament"]
    assert [t.name for t in await Tournament.annotate(name_lo=Lower("name")).filter(name_lo="new tournament")] == [
        "New Tournament"
    ]
    assert [t.name for t in await Tournament.annotate(name_lo=Upper("name")).filter(name_lo="NEW TOURNAMENT")] == [
        "New Tournament"
    ]


# -- examples/group_by.py (the expected values are the example's own "# >>>" comments) -------
async def test_group_by_example(db) -> None:
    a1 = await Author.create(name="author1")
    a2 = await Author.create(name="author2")
    for i in range(10):
        await Book.create(name=f"book{i}", author=a1, rating=i)
    for i in range(5):
        await Book.create(name=f"book{i}", author=a2, rating=i)

    def by_author(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(rows, key=lambda r: r["author_id"])

    ret = await Book.annotate(count=Count("id")).group_by("author_id").values("author_id", "count")
    assert by_author(ret) == [{"author_id": a1.id, "count": 10}, {"author_id": a2.id, "count": 5}]
    ret = await Book.annotate(count=Count("id")).filter(count__gt=6).group_by("author_id").values("author_id", "count")
    assert ret == [{"author_id": a1.id, "count": 10}]
    assert (await Book.annotate(sum=Sum("rating")).values_list("sum", flat=True))[0] == 55.0
    ret = await Book.annotate(sum=Sum("rating")).group_by("author_id").values("author_id", "sum")
    assert by_author(ret) == [{"author_id": a1.id, "sum": 45.0}, {"author_id": a2.id, "sum": 10.0}]
    ret = await Book.annotate(sum=Sum("rating")).filter(sum__gt=11).group_by("author_id").values("author_id", "sum")
    assert ret == [{"author_id": a1.id, "sum": 45.0}]
    ret = await Book.annotate(avg=Avg("rating")).group_by("author_id").values("author_id", "avg")
    assert by_author(ret) == [{"author_id": a1.id, "avg": 4.5}, {"author_id": a2.id, "avg": 2.0}]
    ret = await Book.annotate(avg=Avg("rating")).filter(avg__gt=3).group_by("author_id").values("author_id", "avg")
    assert ret == [{"author_id": a1.id, "avg": 4.5}]
    ret = await Book.annotate(count=Count("id")).group_by("author_id").values_list("author_id", "count")
    assert sorted(ret) == [(a1.id, 10), (a2.id, 5)]
    ret = await Book.annotate(count=Count("id")).group_by("author__name").values("author__name", "count")
    assert sorted(ret, key=lambda r: r["author__name"]) == [
        {"author__name": "author1", "count": 10},
        {"author__name": "author2", "count": 5},
    ]


# -- examples/enum_fields.py ----------------------------------------------------------------
async def test_enum_fields_example(db) -> None:
    obj0 = await EnumFields.create(service=Service.python_programming, currency=Currency.USD)
    obj1 = await EnumFields.get(service=Service.python_programming)
    assert (obj1.pk, obj1.service, obj1.currency) == (obj0.pk, Service.python_programming, Currency.USD)
    assert (await EnumFields.create(service=Service.database_design)).currency is Currency.HUF
    with pytest.raises(ValueError, match="4"):  # Tortoise: ValueError; ours is a ValidationError (a ValueError)
        await EnumFields.create(service=4)
    assert await EnumFields.filter(currency=Currency.USD).count() == 1


# -- docs "Models": Manager ---------------------------------------------------------------------
async def test_manager_example(db) -> None:
    active = await ManagerModel.create(status=1)
    await ManagerModel.create(status=0)
    assert [m.pk for m in await ManagerModel.all()] == [active.pk]  # Meta.manager filters every query
    assert await ManagerModel.filter(status=0).count() == 0
    assert await ManagerModel.all_objects.count() == 2  # a plain Manager on the class sees everything
    assert await ManagerModel.all_objects.filter(status=0).count() == 1
    assert await ManagerModel.get_or_none(pk=active.pk) == active


# -- examples/signals.py --------------------------------------------------------------------
async def test_signals_example(db) -> None:
    calls: list[tuple[Any, ...]] = []

    @pre_save(Signal)
    async def signal_pre_save(sender: type[Signal], instance: Signal, using_db, update_fields) -> None:
        calls.append(("pre_save", sender, instance.name, update_fields))
        assert isinstance(using_db, BaseDBAsyncClient) or using_db is not None

    @post_save(Signal)
    async def signal_post_save(
        sender: type[Signal], instance: Signal, created: bool, using_db: BaseDBAsyncClient | None, update_fields
    ) -> None:
        calls.append(("post_save", sender, instance.name, created, update_fields))

    @pre_delete(Signal)
    async def signal_pre_delete(sender: type[Signal], instance: Signal, using_db) -> None:
        calls.append(("pre_delete", sender, instance.name))

    @post_delete(Signal)
    async def signal_post_delete(sender: type[Signal], instance: Signal, using_db) -> None:
        calls.append(("post_delete", sender, instance.name))

    try:
        signal = await Signal.create(name="Signal")
        signal.name = "Signal_Save"
        await signal.save(update_fields=["name"])
        await signal.delete()
    finally:
        for receivers in Signal._meta.signals.values():
            receivers.clear()
    assert calls == [
        ("pre_save", Signal, "Signal", None),
        ("post_save", Signal, "Signal", True, None),
        ("pre_save", Signal, "Signal_Save", ["name"]),
        ("post_save", Signal, "Signal_Save", False, ["name"]),
        ("pre_delete", Signal, "Signal_Save"),
        ("post_delete", Signal, "Signal_Save"),
    ]


# -- examples/transactions.py ---------------------------------------------------------------
async def test_transactions_example(db) -> None:
    with pytest.raises(OperationalError):
        async with in_transaction() as connection:
            event = Signal(name="Test")
            await event.save(using_db=connection)
            await Signal.filter(id=event.id).using_db(connection).update(name="Updated name")
            saved_event = await Signal.filter(name="Updated name").using_db(connection).first()
            assert saved_event is not None and saved_event.id == event.id
            await connection.execute_query("SELECT * FROM non_existent_table")
    assert await Signal.filter(name="Updated name").first() is None  # rolled back

    @atomic()
    async def bound_to_fall():
        event = await Signal.create(name="Test")
        await Signal.filter(id=event.id).update(name="Updated name")
        saved_event = await Signal.filter(name="Updated name").first()
        assert saved_event.name == "Updated name"
        raise OperationalError()

    with pytest.raises(OperationalError):
        await bound_to_fall()
    assert await Signal.filter(name="Updated name").first() is None
    assert await Signal.all().count() == 0


# -- docs "Query API": F expressions, update, values, exists -----------------------------------
async def test_query_api_doc_examples(db) -> None:
    d = await filtering_data()
    await Tournament.filter(id=d["tournament"].id).update(desc="x")
    assert await Tournament.filter(desc__isnull=True).count() == 1
    assert await Event.filter(name__in=["1", "2"]).exists()
    assert not await Event.filter(name="none").exists()
    await Book.bulk_create([Book(name=f"b{i}", author=await Author.create(name=f"a{i}"), rating=i) for i in range(3)])
    await Book.filter(rating__gte=1).update(rating=F("rating") * 10)
    assert sorted(await Book.all().values_list("rating", flat=True)) == [0.0, 10.0, 20.0]
    names = await Event.filter(tournament__name="Tournament 2").order_by("name").values_list("name", flat=True)
    assert names == ["2", "4"]
    rows = await Event.filter(name="1").values("name", tournament_name="tournament__name")
    assert rows == [{"name": "1", "tournament_name": "Tournament"}]
    raw = await Tournament.raw("SELECT * FROM tournament ORDER BY id")
    assert [t.name for t in raw] == ["Tournament", "Tournament 2"]
    conn = Tournament._meta.db
    assert await conn.execute_query_dict("SELECT COUNT(*) AS n FROM event") == [{"n": 4}]
