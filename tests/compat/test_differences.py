"""Where `orm` intentionally differs from Tortoise ORM (README, "Coming from Tortoise ORM"): each test
asserts our behaviour, and its comment says what Tortoise does."""

from __future__ import annotations

import math

import pytest

from orm import run_async
from orm.exceptions import FieldError, ValidationError
from orm.expressions import Q
from orm.functions import Count
from tests.compat.models_examples import Author, Book, Document, Event, Team, Tournament
from tests.helpers import orm_session


@pytest.fixture
async def db(backend):
    async with orm_session(backend, ["tests.compat.models_examples"]) as b:
        yield b


async def test_bulk_create_fills_generated_primary_keys(db) -> None:
    # Tortoise leaves the primary keys of bulk-created objects unset
    teams = await Team.bulk_create([Team(name=f"t{i}") for i in range(3)])
    assert all(team.pk is not None for team in teams)
    stored = await Team.all().order_by("id").values_list("id", "name")
    assert [(team.pk, team.name) for team in teams] == stored


async def test_json_lookups_work_on_every_database(db) -> None:
    # Tortoise has no JSON lookups on SQLite; here they work everywhere, comparing JSON by type
    await Document.create(title="a", data={"tags": ["sale"], "price": 30})
    await Document.create(title="b", data={"tags": [], "price": "30"})
    assert await Document.filter(data__contains={"tags": ["sale"]}).values_list("title", flat=True) == ["a"]
    assert await Document.filter(data__filter={"price": 30}).values_list("title", flat=True) == ["a"]
    assert await Document.filter(data__filter={"price": "30"}).values_list("title", flat=True) == ["b"]


async def test_json_field_keeps_strings_as_json_strings(db) -> None:
    # Tortoise stores a str given to a JSONField as if it were JSON text ('{"a": 1}' comes back a dict)
    doc = await Document.create(data='{"a": 1}')
    assert (await Document.get(pk=doc.pk)).data == '{"a": 1}'
    plain = await Document.create(data="just text")  # Tortoise fails to decode this on reading
    assert (await Document.get(pk=plain.pk)).data == "just text"


async def test_exclude_and_not_keep_rows_where_the_field_is_null(db) -> None:
    # Tortoise's plain NOT drops the rows where the column is NULL
    await Document.create(title="a")
    await Document.create(title=None)
    assert await Document.exclude(title="a").count() == 1
    assert await Document.filter(title__not="a").count() == 1
    assert await Document.filter(title__not_in=["a"]).count() == 1
    assert await Document.filter(~Q(title="a")).count() == 1


async def test_unknown_keyword_in_model_constructor_is_an_error(db) -> None:
    # Tortoise silently ignores keyword arguments that are not fields
    with pytest.raises(FieldError, match="Tournament has no field 'nme'; did you mean 'name'"):
        Tournament(nme="x")


async def test_text_lookups_need_a_text_field(db) -> None:
    # Tortoise's examples/complex_filtering.py filters `id__icontains=1`, casting the number to text;
    # here text lookups belong to text fields and the error names the lookups the field takes
    with pytest.raises(FieldError, match=r"does not support the lookup 'icontains'; choices are: exact"):
        await Tournament.filter(id__icontains=1).count()


async def test_contains_is_case_sensitive_everywhere(db) -> None:
    # On SQLite Tortoise's `contains`/`startswith` use LIKE, which ignores ASCII case there
    await Tournament.create(name="Final")
    assert await Tournament.filter(name__contains="final").count() == 0
    assert await Tournament.filter(name__icontains="final").count() == 1
    await Tournament.create(name="ÉCOLE")
    assert await Tournament.filter(name__icontains="école").count() == 1  # beyond ASCII too


async def test_async_for_streams_rows_in_chunks(db) -> None:
    # Tortoise fetches every row before the first one is handed out; here rows come in chunks
    tournament = await Tournament.create(name="t")
    await Event.bulk_create([Event(name=f"e{i:04}", tournament=tournament) for i in range(1205)])
    client = Event._meta.db
    chunks: list[int] = []
    original = type(client).stream

    async def spy(self, sql, params, chunk_size):
        async for rows in original(self, sql, params, chunk_size):
            chunks.append(len(rows))
            yield rows

    type(client).stream = spy  # type: ignore[method-assign]
    try:
        names = [event.name async for event in Event.all().order_by("name")]
    finally:
        type(client).stream = original  # type: ignore[method-assign]
    assert names == [f"e{i:04}" for i in range(1205)]
    assert chunks == [1000, 205]
    async for _event in Event.all():  # leaving early frees the connection for the next query
        break
    assert await Event.all().count() == 1205


def test_run_async_returns_the_result() -> None:
    # Tortoise's run_async returns None
    async def answer() -> int:
        return 42

    assert run_async(answer()) == 42


async def test_a_float_the_database_cannot_keep_is_refused_before_any_sql(db) -> None:
    # Tortoise sends NaN as it is: SQLite stores NULL in its place, MySQL refuses it
    author = await Author.create(name="a")
    if db.name in ("sqlite", "mysql"):
        with pytest.raises(ValidationError, match=r"^Book\.rating: nan cannot be stored"):
            await Book.create(name="b", author=author, rating=float("nan"))
        assert await Book.all().count() == 0
    else:
        book = await Book.create(name="b", author=author, rating=float("nan"))
        assert math.isnan((await Book.get(pk=book.pk)).rating)


async def test_annotation_names_and_values_keys_must_be_identifiers(db) -> None:
    # Tortoise writes whatever string it is given into the SQL as a column alias
    with pytest.raises(FieldError, match="is not a Python identifier"):
        Tournament.annotate(**{"events count": Count("events")})
    with pytest.raises(FieldError, match="is not a Python identifier"):
        Event.all().values(**{"tournament name": "tournament__name"})


async def test_on_delete_defaults_to_cascade(db) -> None:
    # Tortoise 1.x requires on_delete; models_examples.Event leaves it out (as Tortoise 0.x allowed)
    tournament = await Tournament.create(name="t")
    await Event.create(name="e", tournament=tournament)
    await tournament.delete()
    assert await Event.all().count() == 0
