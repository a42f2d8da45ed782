"""JSONField lookups (contains, contained_by, filter) on every backend, checked against Python."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from orm.exceptions import FieldError
from tests.models import AllFields

DOCS: list[Any] = [
    {"name": "ann", "age": 30, "tags": ["a", "b"], "admin": True, "owner": {"city": "Oslo", "zip": 150}},
    {"name": "bob", "age": 17, "tags": ["b"], "admin": False, "owner": {"city": "Rome"}, "x": None},
    {"name": 'we"i\\rd', "age": 40.5, "tags": [], "owner": None, "note": "it's"},
    {"name": "zoë", "age": 30, "tags": ["c", "a"], "admin": "true"},
    [1, 2, 3],
    "just text",
    None,
]


@pytest.fixture
async def docs(db) -> list[int]:
    return [(await AllFields.create(json_field=doc)).id for doc in DOCS]


async def matching(docs: list[int], **filters: Any) -> list[int]:
    """Positions (in DOCS) of the rows the filter returns."""
    ids = await AllFields.filter(**filters).order_by("id").values_list("id", flat=True)
    return [docs.index(i) for i in ids]


def where(test: Callable[[Any], bool]) -> list[int]:
    return [i for i, doc in enumerate(DOCS) if test(doc)]


def get(doc: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(doc, dict) or key not in doc:
            return None
        doc = doc[key]
    return doc


async def test_contains_an_object_part(docs: list[int]) -> None:
    assert await matching(docs, json_field__contains={"tags": ["b"]}) == [0, 1]
    assert await matching(docs, json_field__contains={"owner": {"city": "Rome"}}) == [1]
    assert await matching(docs, json_field__contains={"admin": True}) == [0]  # not the string "true"
    assert await matching(docs, json_field__contains={"tags": ["a", "c"]}) == [3]


async def test_contains_on_arrays(docs: list[int]) -> None:
    assert await matching(docs, json_field__contains=[2]) == [4]
    assert await matching(docs, json_field__contains=[3, 1]) == [4]
    assert await matching(docs, json_field__contains=[4]) == []


async def test_contained_by(docs: list[int]) -> None:
    bigger = {**DOCS[1], "extra": 1}
    assert await matching(docs, json_field__contained_by=bigger) == [1]
    assert await matching(docs, json_field__contained_by=[1, 2, 3, 4]) == [4]


async def test_filter_equality_on_text_numbers_and_booleans(docs: list[int]) -> None:
    assert await matching(docs, json_field__filter={"name": "ann"}) == where(lambda d: get(d, "name") == "ann")
    assert await matching(docs, json_field__filter={"name": 'we"i\\rd'}) == [2]  # quotes and backslashes
    assert await matching(docs, json_field__filter={"name": "zoë"}) == [3]
    assert await matching(docs, json_field__filter={"age": 30}) == [0, 3]
    assert await matching(docs, json_field__filter={"age": 40.5}) == [2]
    assert await matching(docs, json_field__filter={"admin": True}) == [0]
    assert await matching(docs, json_field__filter={"admin": False}) == [1]
    assert await matching(docs, json_field__filter={"note": "it's"}) == [2]


async def test_filter_comparisons(docs: list[int]) -> None:
    def age(doc: Any) -> Any:
        value = get(doc, "age")
        return value if isinstance(value, (int, float)) else None

    assert await matching(docs, json_field__filter={"age__gte": 18}) == where(lambda d: (age(d) or 0) >= 18)
    younger = where(lambda d: age(d) is not None and age(d) < 30)
    assert await matching(docs, json_field__filter={"age__lt": 30}) == younger
    assert await matching(docs, json_field__filter={"age__in": [17, 40.5]}) == [1, 2]
    assert await matching(docs, json_field__filter={"age__range": [20, Decimal("40.5")]}) == [0, 2, 3]
    assert await matching(docs, json_field__filter={"name__startswith": "a"}) == [0]
    assert await matching(docs, json_field__filter={"name__icontains": "O"}) == [1, 3]


async def test_filter_paths_into_objects_and_arrays(docs: list[int]) -> None:
    assert await matching(docs, json_field__filter={"owner__city": "Oslo"}) == [0]
    assert await matching(docs, json_field__filter={"owner__zip__gt": 100}) == [0]
    assert await matching(docs, json_field__filter={"tags__0": "b"}) == [1]
    assert await matching(docs, json_field__filter={"tags__1": "a"}) == [3]
    both = await matching(docs, json_field__filter={"age": 30, "tags__0": "a"})
    assert both == [0]


async def test_filter_null_and_missing(docs: list[int]) -> None:
    absent = await matching(docs, json_field__filter={"x__isnull": True, "name__not_isnull": True})
    assert absent == [0, 1, 2, 3]  # x is missing or JSON null in every named document
    assert await matching(docs, json_field__filter={"owner__isnull": True, "name__not_isnull": True}) == [2, 3]
    assert await matching(docs, json_field__filter={"owner": None, "name__not_isnull": True}) == [2, 3]


async def test_json_filters_combine_with_other_filters(docs: list[int]) -> None:
    first = docs[0]
    assert await matching(docs, json_field__filter={"age": 30}, id__gt=first) == [3]
    assert await AllFields.filter(json_field__contains={"tags": ["a"]}).count() == 2


async def test_bad_filter_arguments(docs: list[int]) -> None:
    with pytest.raises(FieldError, match="takes a dict"):
        await AllFields.filter(json_field__filter=["name"])
    with pytest.raises(FieldError, match="bad key path"):
        await AllFields.filter(json_field__filter={"owner____city": "x"})
    with pytest.raises(FieldError, match="does not support the lookup 'gtx'"):
        await AllFields.filter(json_field__gtx=1)


async def test_keys_are_parameters_not_sql(docs: list[int]) -> None:
    hostile = "x') OR 1=1 --"
    assert await matching(docs, json_field__filter={hostile: "anything"}) == []
    sql, params = AllFields.filter(json_field__filter={hostile: 1}).sql_params()
    assert hostile not in sql
    assert any(hostile in str(p) for p in params)
