"""Tortoise's regular-expression lookups (posix_regex, iposix_regex) and full-text ``search``.

Patterns keep to the syntax that Python's ``re`` (SQLite), PostgreSQL's POSIX
regexes and MariaDB's PCRE read alike, and each case is checked against ``re``.
"""

from __future__ import annotations

import re

import pytest

from orm import connections
from orm.contrib.mysql.indexes import FullTextIndex
from orm.contrib.postgres.indexes import BrinIndex, GinIndex
from orm.exceptions import ConfigurationError, FieldError, ValidationError
from orm.indexes import Index
from tests.models import AllFields

TEXTS = ["apple", "Apple pie", "100% pure", "a_b", "axb", "back\\slash", "what?", "kiwi 42", None]


@pytest.fixture
async def rows(db) -> dict[str | None, int]:
    return {text: (await AllFields.create(char_field=text)).id for text in TEXTS}


async def matching(**filters: object) -> list[str]:
    return sorted(await AllFields.filter(**filters).values_list("char_field", flat=True))


def expected(pattern: str, flags: int = 0) -> list[str]:
    return sorted(t for t in TEXTS if t is not None and re.search(pattern, t, flags))


@pytest.mark.parametrize("pattern", ["^a", "^[Aa]pple", "e$", "[0-9]+", "^a.b$", "p{2}", "(pie|pure)$", "\\?$", "x"])
async def test_posix_regex_matches_as_a_regular_expression_would(rows, pattern: str) -> None:
    found = await matching(char_field__posix_regex=pattern)
    assert found == expected(pattern)
    assert found  # every pattern here matches something


@pytest.mark.parametrize("pattern", ["^apple", "PIE", "^A.B$", "KIWI [0-9]+"])
async def test_iposix_regex_ignores_case(rows, pattern: str) -> None:
    found = await matching(char_field__iposix_regex=pattern)
    assert found == expected(pattern, re.IGNORECASE)
    assert found != expected(pattern)  # the case made a difference


async def test_posix_regex_is_case_sensitive_even_under_a_case_insensitive_collation(rows) -> None:
    assert await matching(char_field__posix_regex="^apple") == ["apple"]
    assert await matching(char_field__posix_regex="^APPLE") == []


async def test_regex_lookups_exclude_and_combine(rows) -> None:
    kept = await AllFields.exclude(char_field__posix_regex="^a").exclude(char_field=None).values_list(
        "char_field", flat=True
    )
    assert sorted(kept) == sorted(t for t in TEXTS if t is not None and not t.startswith("a"))
    assert await matching(char_field__posix_regex="^a", char_field__contains="_") == ["a_b"]


async def test_regex_lookup_takes_a_string_pattern(db) -> None:
    with pytest.raises(ValidationError, match="char_field"):
        await AllFields.filter(char_field__posix_regex=42)
    with pytest.raises(FieldError, match="'posix_regex'"):
        await AllFields.filter(int_field__posix_regex="^1")


async def test_full_text_search(rows, db) -> None:
    await AllFields.create(char_field="quick brown foxes jumped")
    await AllFields.create(char_field="lazy dogs sleeping")
    if db.name == "sqlite":
        with pytest.raises(FieldError, match="search lookup of 'char_field' is not available on sqlite"):
            await AllFields.filter(char_field__search="fox")
        return
    client = connections.get("default")
    index = FullTextIndex(fields=("char_field",), name="ft_allfields_char")
    if db.name == "mysql":  # MATCH ... AGAINST needs a FULLTEXT index on the column
        await client.execute_script(index.get_sql(client.schema_generator(client), AllFields, safe=False))
    try:
        if db.name == "mysql":
            assert await matching(char_field__search="foxes") == ["quick brown foxes jumped"]
        else:  # PostgreSQL stems the words: "fox" finds "foxes"
            assert await matching(char_field__search="fox") == ["quick brown foxes jumped"]
            assert await matching(char_field__search="sleep dog") == ["lazy dogs sleeping"]
        assert await matching(char_field__search="elephant") == []
    finally:
        if db.name == "mysql":
            await client.execute_script("DROP INDEX ft_allfields_char ON allfields")


@pytest.mark.parametrize(
    ("index", "sql"),
    [
        (GinIndex(fields=("json_field",), name="g"), 'CREATE INDEX "g" ON "allfields" USING GIN ("json_field")'),
        (BrinIndex(fields=("date_field",), name="b"), 'CREATE INDEX "b" ON "allfields" USING BRIN ("date_field")'),
        (FullTextIndex(fields=("char_field",), name="f", parser_name="ngram"),
         'CREATE FULLTEXT INDEX "f" ON "allfields" ("char_field") WITH PARSER ngram'),
        (Index(fields=("char_field",), name="i"), 'CREATE INDEX "i" ON "allfields" ("char_field")'),
    ],
)  # fmt: skip
async def test_index_kinds_and_access_methods(db, index: Index, sql: str) -> None:
    client = connections.get("default")
    generated = index.get_sql(client.schema_generator(client), AllFields, safe=False)
    assert generated == sql.replace('"', client.dialect.quote_char)


async def test_postgres_access_method_index_is_created(db) -> None:
    if db.name not in ("asyncpg", "psycopg"):
        pytest.skip("access methods (USING GIN) are PostgreSQL's")
    client = connections.get("default")
    index = BrinIndex(fields=("date_field",), name="brin_allfields_date")
    await client.execute_script(index.get_sql(client.schema_generator(client), AllFields, safe=True))
    try:
        rows = await client.execute_query_dict(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'brin_allfields_date' "
            f"AND schemaname = {client.dialect.placeholder(1)}",
            [db.namespace],
        )
        assert len(rows) == 1 and "USING brin" in rows[0]["indexdef"]
    finally:
        await client.execute_script("DROP INDEX brin_allfields_date")


def test_full_text_parser_name_is_an_identifier() -> None:
    with pytest.raises(ConfigurationError, match="parser_name"):
        FullTextIndex(fields=("char_field",), parser_name="ngram; DROP TABLE x")
