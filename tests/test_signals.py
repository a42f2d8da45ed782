"""Model signals: pre/post save and delete, sync and async receivers, several senders."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from orm.connection import connections
from orm.exceptions import ConfigurationError, OperationalError
from orm.signals import Signals, post_delete, post_save, pre_delete, pre_save
from orm.transactions import in_transaction
from tests.helpers import orm_session
from tests.models_signals import AlsoSignalled, Signalled

MODELS = (Signalled, AlsoSignalled)


@pytest.fixture
async def db(backend):
    async with orm_session(backend, ["tests.models", "tests.models_signals"]) as b:
        yield b


@pytest.fixture(autouse=True)
def forget_listeners() -> Iterator[None]:
    """Receivers stay registered on the class; drop the ones a test added."""
    yield
    for model in MODELS:
        for receivers in model._meta.signals.values():
            receivers.clear()


class Recorder:
    """Receivers that log what they were called with."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def register_all(self, *senders: type) -> None:
        @pre_save(*senders)
        def on_pre_save(sender, instance, using_db, update_fields) -> None:
            self.calls.append(("pre_save", sender, instance.pk, instance.name, update_fields))

        @post_save(*senders)
        async def on_post_save(sender, instance, created, using_db, update_fields) -> None:
            await asyncio.sleep(0)
            self.calls.append(("post_save", sender, instance.pk, created, update_fields))

        @pre_delete(*senders)
        async def on_pre_delete(sender, instance, using_db) -> None:
            self.calls.append(("pre_delete", sender, instance.pk))

        @post_delete(*senders)
        def on_post_delete(sender, instance, using_db) -> None:
            self.calls.append(("post_delete", sender, instance.pk))


async def test_save_signals_created_then_updated(db) -> None:
    rec = Recorder()
    rec.register_all(Signalled)
    obj = Signalled(name="a")
    await obj.save()
    # pre_save runs before the INSERT: no primary key yet.
    assert rec.calls == [
        ("pre_save", Signalled, None, "a", None),
        ("post_save", Signalled, obj.pk, True, None),
    ]
    rec.calls.clear()
    obj.name = "b"
    await obj.save()
    assert rec.calls == [
        ("pre_save", Signalled, obj.pk, "b", None),
        ("post_save", Signalled, obj.pk, False, None),
    ]


async def test_create_fires_save_signals_with_created(db) -> None:
    rec = Recorder()
    rec.register_all(Signalled)
    obj = await Signalled.create(name="x")
    assert [c[0] for c in rec.calls] == ["pre_save", "post_save"]
    assert rec.calls[1] == ("post_save", Signalled, obj.pk, True, None)


async def test_update_fields_are_passed_to_receivers(db) -> None:
    obj = await Signalled.create(name="a", score=1)
    rec = Recorder()
    rec.register_all(Signalled)
    obj.name = "b"
    obj.score = 5
    await obj.save(update_fields=["name"])
    assert rec.calls == [
        ("pre_save", Signalled, obj.pk, "b", ["name"]),
        ("post_save", Signalled, obj.pk, False, ["name"]),
    ]
    fresh = await Signalled.get(pk=obj.pk)
    assert (fresh.name, fresh.score) == ("b", 1)


async def test_delete_signals(db) -> None:
    obj = await Signalled.create(name="a")
    seen_in_post: list[int] = []
    rec = Recorder()
    rec.register_all(Signalled)

    @post_delete(Signalled)
    async def count_after(sender, instance, using_db) -> None:
        seen_in_post.append(await Signalled.filter(pk=instance.pk).count())

    pk = obj.pk
    await obj.delete()
    assert rec.calls == [("pre_delete", Signalled, pk), ("post_delete", Signalled, pk)]
    assert seen_in_post == [0]


async def test_pre_save_can_change_the_instance_before_it_is_written(db) -> None:
    @pre_save(Signalled)
    def upper(sender, instance, using_db, update_fields) -> None:
        instance.name = instance.name.upper()

    obj = await Signalled.create(name="shout")
    assert (await Signalled.get(pk=obj.pk)).name == "SHOUT"


async def test_pre_save_exception_stops_the_write(db) -> None:
    @pre_save(Signalled)
    async def refuse(sender, instance, using_db, update_fields) -> None:
        if instance.name == "bad":
            raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        await Signalled.create(name="bad")
    assert await Signalled.all().count() == 0
    await Signalled.create(name="good")
    assert await Signalled.all().values_list("name", flat=True) == ["good"]


async def test_pre_delete_exception_stops_the_delete(db) -> None:
    obj = await Signalled.create(name="keep")

    @pre_delete(Signalled)
    def refuse(sender, instance, using_db) -> None:
        raise PermissionError("no")

    with pytest.raises(PermissionError):
        await obj.delete()
    assert await Signalled.filter(pk=obj.pk).exists()


async def test_one_receiver_for_several_senders(db) -> None:
    calls: list[tuple[type, bool]] = []

    @post_save(Signalled, AlsoSignalled)
    def on_save(sender, instance, created, using_db, update_fields) -> None:
        assert isinstance(instance, sender)
        calls.append((sender, created))

    a = await Signalled.create(name="a")
    await AlsoSignalled.create(label="b")
    await a.save()
    assert calls == [(Signalled, True), (AlsoSignalled, True), (Signalled, False)]


async def test_receivers_of_one_model_do_not_fire_for_another(db) -> None:
    calls: list[str] = []

    @post_save(AlsoSignalled)
    def on_save(sender, instance, created, using_db, update_fields) -> None:
        calls.append(instance.label)

    await Signalled.create(name="ignored")
    assert calls == []


async def test_receivers_run_in_registration_order(db) -> None:
    order: list[str] = []

    def first(sender, instance, created, using_db, update_fields) -> None:
        order.append("first")

    async def second(sender, instance, created, using_db, update_fields) -> None:
        order.append("second")

    Signalled.register_listener(Signals.post_save, first)
    Signalled.register_listener(Signals.post_save, second)
    await Signalled.create(name="x")
    assert order == ["first", "second"]


async def test_register_listener_directly(db) -> None:
    seen: list[tuple[str, int]] = []

    async def listener(sender, instance, using_db) -> None:
        seen.append((sender.__name__, instance.pk))

    Signalled.register_listener(Signals.pre_delete, listener)
    obj = await Signalled.create(name="a")
    await obj.delete()
    assert seen == [("Signalled", obj.pk)]


async def test_registering_the_same_listener_twice_calls_it_once(db) -> None:
    calls: list[int] = []

    def listener(sender, instance, created, using_db, update_fields) -> None:
        calls.append(instance.pk)

    Signalled.register_listener(Signals.post_save, listener)
    Signalled.register_listener(Signals.post_save, listener)
    obj = await Signalled.create(name="a")
    assert calls == [obj.pk]


async def test_register_listener_rejects_non_callables(db) -> None:
    with pytest.raises(ConfigurationError, match="callable"):
        Signalled.register_listener(Signals.post_save, "not a function")  # type: ignore[arg-type]


async def test_using_db_is_the_client_that_ran_the_query(db) -> None:
    clients: list[Any] = []

    @post_save(Signalled)
    def on_save(sender, instance, created, using_db, update_fields) -> None:
        clients.append(using_db)

    await Signalled.create(name="plain")
    async with in_transaction() as conn:
        await Signalled.create(name="in-tx")
    assert clients[0] is connections.get("default")
    assert clients[1] is conn


async def test_receiver_queries_inside_transaction_see_the_write(db) -> None:
    counts: list[int] = []

    @post_save(Signalled)
    async def on_save(sender, instance, created, using_db, update_fields) -> None:
        counts.append(await Signalled.all().using_db(using_db).count())

    with pytest.raises(RuntimeError):
        async with in_transaction():
            await Signalled.create(name="a")
            raise RuntimeError
    assert counts == [1]
    assert await Signalled.all().count() == 0


async def test_unsaved_delete_raises_without_firing_signals(db) -> None:
    calls: list[str] = []

    @pre_delete(Signalled)
    def on_delete(sender, instance, using_db) -> None:
        calls.append("pre_delete")

    with pytest.raises(OperationalError, match="unpersisted"):
        await Signalled(name="never saved").delete()
    assert calls == []


async def test_bulk_and_queryset_writes_do_not_fire_signals(db) -> None:
    """As in Tortoise: only Model.save/create/delete send signals."""
    rec = Recorder()
    rec.register_all(Signalled)
    await Signalled.bulk_create([Signalled(name="a"), Signalled(name="b")])
    await Signalled.filter(name="a").update(score=3)
    await Signalled.filter(name="b").delete()
    assert rec.calls == []
    assert await Signalled.all().values_list("name", "score") == [("a", 3)]
