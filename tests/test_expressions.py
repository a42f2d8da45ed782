"""F arithmetic, Value, text functions, Case/When, Subquery, RawSQL, Model.raw, explain and sql().

Every query must run as ONE statement, and its results are compared with
values computed in Python from the seed data in ``tests.models_analytics``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from orm import fields
from orm.connection import connections
from orm.exceptions import FieldError, OperationalError, ParamsError
from orm.expressions import Case, F, Q, RawSQL, Subquery, Value, When
from orm.functions import Coalesce, Concat, Count, Function, Length, Lower, Sum, Trim, Upper
from tests.helpers import orm_session
from tests.models import Event, Tournament
from tests.models_analytics import EVENTS, GADGETS, TOURNAMENTS, Gadget, seed
from tests.relations_support import one, statements


@pytest.fixture
async def db(backend):
    async with orm_session(backend, ["tests.models", "tests.models_analytics"]) as active:
        yield active


@pytest.fixture
async def data(db):
    return await seed()


def names_where(predicate: Any) -> list[str]:
    return [g["name"] for g in GADGETS if predicate(g)]


def quote(name: str) -> str:
    return connections.get("default").dialect.quote(name)


# -- F arithmetic ---------------------------------------------------------------------------
async def test_arithmetic_annotations_match_python(data) -> None:
    rows = await one(
        Gadget.annotate(
            total=F("stock") + F("reserved"),
            less=F("stock") - 1,
            triple=F("stock") * 3,
            rest=F("stock") % 4,
            square=F("stock") ** 2,
            left=100 - F("stock"),
            twice=2 * F("reserved"),
            more=5 + F("stock"),
            negative=-F("stock"),
            half=F("rating") / 2,
            inverse=10 / F("rating"),
            nested=(F("stock") - F("reserved")) * (F("stock") + 1),
            dear=F("price") * 2,
            plus=F("price") + 1,
        )
        .order_by("id")
        .values(
            "total",
            "less",
            "triple",
            "rest",
            "square",
            "left",
            "twice",
            "more",
            "negative",
            "half",
            "inverse",
            "nested",
            "dear",
            "plus",
        )
    )
    assert len(rows) == len(GADGETS)
    for row, g in zip(rows, GADGETS):
        stock, reserved, rating = g["stock"], g["reserved"], g["rating"]
        assert row["total"] == stock + reserved
        assert row["less"] == stock - 1
        assert row["triple"] == stock * 3
        assert row["rest"] == stock % 4
        assert float(row["square"]) == stock**2
        assert row["left"] == 100 - stock
        assert row["twice"] == 2 * reserved
        assert row["more"] == 5 + stock
        assert row["negative"] == -stock
        assert row["half"] == (None if rating is None else pytest.approx(rating / 2))
        assert row["inverse"] == (None if rating is None else pytest.approx(10 / rating))
        assert row["nested"] == (stock - reserved) * (stock + 1)
        assert row["dear"] == g["price"] * 2
        assert isinstance(row["dear"], Decimal)
        assert row["plus"] == g["price"] + 1


async def test_mixed_arithmetic_takes_the_wider_type(data) -> None:
    rows = await one(
        Gadget.annotate(
            worth=F("stock") * F("price"),
            worth_flipped=F("price") * F("stock"),
            score=F("stock") * F("rating"),
            total=Sum(F("stock") * F("price")),
        )
        .order_by("id")
        .values_list("worth", "worth_flipped", "score", "total")
    )
    for (worth, flipped, score, total), g in zip(rows, GADGETS, strict=True):
        assert worth == flipped == g["stock"] * g["price"]
        assert isinstance(worth, Decimal) and isinstance(flipped, Decimal)
        assert total == worth  # grouped per row: Sum of one value
        assert score == (None if g["rating"] is None else pytest.approx(g["stock"] * g["rating"]))
    grand = await one(Gadget.annotate(total=Sum(F("stock") * F("price"))).values_list("total", flat=True))
    assert grand == [sum(g["stock"] * g["price"] for g in GADGETS)]


async def test_division_and_remainder_of_decimals_and_floats_keep_the_fraction(data) -> None:
    # a decimal with a whole value (1.00) must still divide as a decimal, not as an integer
    assert any(g["price"] == g["price"].to_integral_value() for g in GADGETS)
    rows = await one(
        Gadget.annotate(
            third=F("price") / 3,
            per_item=F("price") / F("stock"),
            cents=F("price") % 1,
            half_rating=F("rating") % 2,
        )
        .order_by("id")
        .values_list("third", "per_item", "cents", "half_rating")
    )
    for (third, per_item, cents, half_rating), g in zip(rows, GADGETS, strict=True):
        cent = Decimal("0.01")
        assert third == (g["price"] / 3).quantize(cent), (g["name"], third)
        assert per_item == (g["price"] / g["stock"]).quantize(cent), (g["name"], per_item)
        assert cents == g["price"] % 1, (g["name"], cents)
        assert half_rating == (None if g["rating"] is None else pytest.approx(g["rating"] % 2)), g["name"]
    quarters = await one(Gadget.annotate(q=F("stock") * 1.0 / 4).order_by("id").values_list("q", flat=True))
    assert quarters == [pytest.approx(g["stock"] / 4) for g in GADGETS]  # the README's fraction of integers
    nut = Gadget.filter(name="nut")
    [mean_price] = await one(nut.annotate(m=Sum("price") / Count("id") / 3).values_list("m", flat=True))
    assert mean_price == Decimal("0.33")


async def test_value_is_a_constant_column_and_an_operand(data) -> None:
    rows = await one(
        Gadget.annotate(seven=Value(7), tag=Value("tag"), bumped=F("stock") + Value(5))
        .order_by("id")
        .values_list("seven", "tag", "bumped")
    )
    assert rows == [(7, "tag", g["stock"] + 5) for g in GADGETS]


async def test_filter_compares_with_f_expressions(data) -> None:
    by_id = Gadget.all().order_by("id")
    doubled = await one(by_id.filter(stock__gt=F("reserved") * 2).values_list("name", flat=True))
    assert doubled == names_where(lambda g: g["stock"] > g["reserved"] * 2)
    assert doubled and len(doubled) < len(GADGETS)
    reversed_operand = await one(
        by_id.filter(stock__lt=30 - F("reserved") * 2).values_list("name", flat=True)
    )
    assert reversed_operand == names_where(lambda g: g["stock"] < 30 - g["reserved"] * 2)
    equal = await one(by_id.filter(stock=F("reserved") * 2).values_list("name", flat=True))
    assert equal == names_where(lambda g: g["stock"] == g["reserved"] * 2)
    excluded = await one(by_id.exclude(stock__gte=F("reserved") + 5).values_list("name", flat=True))
    assert excluded == names_where(lambda g: not g["stock"] >= g["reserved"] + 5)


async def test_update_with_f_expressions(data) -> None:
    changed = await one(Gadget.filter(stock__gt=5).update(stock=F("stock") - 1, price=F("price") * 2))
    assert changed == len(names_where(lambda g: g["stock"] > 5))
    await one(Gadget.all().update(reserved=-F("reserved") + 20))
    rows = await Gadget.all().order_by("id").values_list("stock", "price", "reserved")
    expected = []
    for g in GADGETS:
        dear = g["stock"] > 5
        stock = g["stock"] - 1 if dear else g["stock"]
        price = g["price"] * 2 if dear else g["price"]
        expected.append((stock, price, 20 - g["reserved"]))
    assert rows == expected


async def test_order_by_an_annotation(data) -> None:
    free = {g["name"]: g["stock"] - g["reserved"] for g in GADGETS}
    position = {g["name"]: i for i, g in enumerate(GADGETS)}
    qs = Gadget.annotate(free=F("stock") - F("reserved"))
    descending = await one(qs.order_by("-free", "id").values_list("name", flat=True))
    assert descending == sorted(free, key=lambda n: (-free[n], position[n]))
    ascending = await one(qs.order_by("free", "id"))
    assert [g.name for g in ascending] == sorted(free, key=lambda n: (free[n], position[n]))
    assert [g.free for g in ascending] == sorted(free.values())


async def test_order_by_an_f_expression(data) -> None:
    free = [g["stock"] - g["reserved"] for g in GADGETS]
    ascending = await one(Gadget.all().order_by(F("stock") - F("reserved"), "id").values_list("id", flat=True))
    assert ascending == [i + 1 for i in sorted(range(len(GADGETS)), key=lambda i: (free[i], i))]
    descending = await one(Gadget.all().order_by(-(F("stock") * 2 + F("reserved")), "id"))
    weight = [g["stock"] * 2 + g["reserved"] for g in GADGETS]
    assert [g.id for g in descending] == [i + 1 for i in sorted(range(len(GADGETS)), key=lambda i: (-weight[i], i))]
    assert ascending != [g.id for g in descending]  # the two orders differ on this data


async def test_filter_on_a_plain_annotation_is_a_where(data) -> None:
    qs = Gadget.annotate(free=F("stock") - F("reserved")).filter(free__gte=3).order_by("id")
    assert "HAVING" not in qs.sql() and "WHERE" in qs.sql()
    assert await one(qs.values_list("name", "free")) == [
        (g["name"], g["stock"] - g["reserved"]) for g in GADGETS if g["stock"] - g["reserved"] >= 3
    ]


# -- functions -----------------------------------------------------------------------------
async def test_text_functions(data) -> None:
    rows = await one(
        Gadget.annotate(
            trimmed=Trim("name"),
            length=Length("name"),
            lower=Lower("name"),
            upper=Upper("name"),
            trimmed_length=Length(Trim("name")),
            shout=Upper(Trim("name")),
        )
        .order_by("id")
        .values("trimmed", "length", "lower", "upper", "trimmed_length", "shout")
    )
    assert rows == [
        {
            "trimmed": g["name"].strip(" "),
            "length": len(g["name"]),
            "lower": g["name"].lower(),
            "upper": g["name"].upper(),
            "trimmed_length": len(g["name"].strip(" ")),
            "shout": g["name"].strip(" ").upper(),
        }
        for g in GADGETS
    ]
    # the data is chosen so that counting bytes or folding only ASCII would differ
    assert any(len(g["name"]) != len(g["name"].encode()) for g in GADGETS)
    assert any(g["name"].upper() != g["name"].upper().encode("ascii", "ignore").decode() for g in GADGETS)


async def test_function_annotation_in_filter(data) -> None:
    rows = await one(
        Gadget.annotate(trimmed=Trim("name")).filter(trimmed="Épée").values_list("id", flat=True)
    )
    assert rows == [i + 1 for i, g in enumerate(GADGETS) if g["name"].strip(" ") == "Épée"]
    lowered = await one(Gadget.annotate(low=Lower("name")).filter(low="gear").values_list("name", flat=True))
    assert lowered == names_where(lambda g: g["name"].lower() == "gear")


async def test_coalesce(data) -> None:
    rows = await one(
        Gadget.annotate(
            shown=Coalesce("nickname", "none"),
            fallback=Coalesce("nickname", F("name")),
            score=Coalesce("rating", 0),
        )
        .order_by("id")
        .values_list("shown", "fallback", "score")
    )
    assert rows == [
        (g["nickname"] or "none", g["nickname"] or g["name"], 0 if g["rating"] is None else g["rating"])
        for g in GADGETS
    ]


async def test_concat_skips_null_pieces(data) -> None:
    rows = await one(
        Gadget.annotate(
            label=Concat("name", "/", F("nickname"), "!"), count=Concat("nickname", ":", F("stock"))
        )
        .order_by("id")
        .values_list("label", "count")
    )
    assert rows == [
        (f"{g['name']}/{g['nickname'] or ''}!", f"{g['nickname'] or ''}:{g['stock']}") for g in GADGETS
    ]
    assert any(g["nickname"] is None for g in GADGETS)


# -- custom functions: a subclass names the SQL function, the compiler is untouched ----------
class Abs(Function):
    database_func = "ABS"


class Round(Function):
    database_func = "ROUND"


class Replace(Function):
    database_func = "REPLACE"
    output = fields.TextField()


async def test_custom_functions(data) -> None:
    rows = await one(
        Gadget.annotate(
            gap=Abs(F("reserved") - F("stock") * 2),
            rounded=Round("price", 1),
            swapped=Replace("name", "e", "3"),
            swapped_length=Length(Replace("name", "e", "")),
        )
        .order_by("id")
        .values_list("gap", "rounded", "swapped", "swapped_length")
    )
    assert rows == [
        (
            abs(g["reserved"] - g["stock"] * 2),
            g["price"].quantize(Decimal("0.1"), ROUND_HALF_UP),
            g["name"].replace("e", "3"),
            len(g["name"].replace("e", "")),
        )
        for g in GADGETS
    ]
    ordered = await one(Gadget.annotate(gap=Abs(F("reserved") * 3 - F("stock"))).order_by("gap", "id"))
    gaps = [abs(g["reserved"] * 3 - g["stock"]) for g in GADGETS]
    assert [g.gap for g in ordered] == sorted(gaps)
    filtered = await one(Gadget.annotate(gap=Abs(F("reserved") * 3 - F("stock"))).filter(gap__lte=3).count())
    assert filtered == sum(1 for gap in gaps if gap <= 3)


# -- Case / When ---------------------------------------------------------------------------
async def test_case_when_strings_and_numbers(data) -> None:
    rows = await one(
        Gadget.annotate(
            size=Case(
                When(stock__gte=10, then="big"),
                When(Q(stock__lt=5) | Q(reserved=0), then="small"),
                default="mid",
            ),
            stars=Case(When(rating__gte=4, then=2), When(rating__isnull=True, then=0), default=1),
            named=Case(When(nickname__isnull=True, negate=True, then="yes"), default="no"),
            low=Case(When(stock__gt=5, negate=True, then=F("stock")), default=F("reserved")),
            unmatched=Case(When(stock__gt=1000, then="never")),
        )
        .order_by("id")
        .values_list("size", "stars", "named", "low", "unmatched")
    )
    expected = []
    for g in GADGETS:
        size = "big" if g["stock"] >= 10 else "small" if g["stock"] < 5 or g["reserved"] == 0 else "mid"
        rating = g["rating"]
        stars = 0 if rating is None else 2 if rating >= 4 else 1
        named = "no" if g["nickname"] is None else "yes"
        low = g["stock"] if not g["stock"] > 5 else g["reserved"]
        expected.append((size, stars, named, low, None))
    assert rows == expected
    assert {r[0] for r in rows} == {"big", "small", "mid"}


async def test_filter_on_a_case_annotation(data) -> None:
    qs = Gadget.annotate(size=Case(When(stock__gte=10, then="big"), default="other"))
    assert await one(qs.filter(size="big").order_by("id").values_list("name", flat=True)) == names_where(
        lambda g: g["stock"] >= 10
    )


# -- subqueries and raw SQL ------------------------------------------------------------------
async def test_subquery_in_filter(data) -> None:
    rated = await one(
        Gadget.filter(id__in=Subquery(Gadget.filter(rating__gte=4).values("id")))
        .order_by("id")
        .values_list("name", flat=True)
    )
    assert rated == names_where(lambda g: g["rating"] is not None and g["rating"] >= 4)
    rich = sorted({t for _, t, prize, _ in EVENTS if prize is not None and prize >= 10})
    tournaments = await one(
        Tournament.filter(id__in=Subquery(Event.filter(prize__gte=10).values("tournament_id")))
        .order_by("id")
        .values_list("id", flat=True)
    )
    assert tournaments == [data.tournaments[i].id for i in rich]
    idle = await one(
        Tournament.filter(id__not_in=Subquery(Event.all().values("tournament_id"))).values_list(
            "name", flat=True
        )
    )
    assert idle == [name for i, name in enumerate(TOURNAMENTS) if all(t != i for _, t, _, _ in EVENTS)]


async def test_queryset_passed_directly_to_in(data) -> None:
    rated = await one(
        Gadget.filter(id__in=Gadget.filter(rating__gte=4)).order_by("id").values_list("name", flat=True)
    )
    assert rated == names_where(lambda g: g["rating"] is not None and g["rating"] >= 4)
    with_final = await one(
        Tournament.filter(id__in=Event.filter(name="Final").values("tournament_id"))
        .order_by("id")
        .values_list("id", flat=True)
    )
    assert with_final == [
        data.tournaments[t].id for t in sorted({t for n, t, _, _ in EVENTS if n == "Final"})
    ]


async def test_scalar_subquery_in_annotate_and_filter(data) -> None:
    top = max(prize for _, _, prize, _ in EVENTS if prize is not None)
    rows = await one(
        Tournament.annotate(
            top=Subquery(Event.filter(prize__isnull=False).order_by("-prize").limit(1).values("prize"))
        )
        .order_by("id")
        .values_list("name", "top")
    )
    assert rows == [(name, top) for name in TOURNAMENTS]
    pricier = await one(
        Gadget.filter(price__gte=Subquery(Gadget.filter(name="bolt").values("price")))
        .order_by("id")
        .values_list("name", flat=True)
    )
    bolt = next(g["price"] for g in GADGETS if g["name"] == "bolt")
    assert pricier == names_where(lambda g: g["price"] >= bolt)


async def test_raw_sql_in_annotate_and_filter(data) -> None:
    rows = await one(
        Gadget.annotate(tenfold=RawSQL(f"{quote('stock')} * 10"))
        .order_by("id")
        .values_list("name", "tenfold")
    )
    assert rows == [(g["name"], g["stock"] * 10) for g in GADGETS]
    above = await one(Gadget.filter(stock__gt=RawSQL("5")).order_by("id").values_list("name", flat=True))
    assert above == names_where(lambda g: g["stock"] > 5)
    matched = await one(
        Gadget.filter(stock=RawSQL(f"{quote('reserved')} + 2")).order_by("id").values_list("name", flat=True)
    )
    assert matched == names_where(lambda g: g["stock"] == g["reserved"] + 2)


async def test_model_raw_gives_instances_with_extra_columns(data) -> None:
    table = quote(Gadget._meta.db_table)
    found = await one(
        Gadget.raw(f"SELECT id, name, price, stock * 2 AS doubled FROM {table} WHERE stock > 4 ORDER BY id")
    )
    wanted = [(i + 1, g) for i, g in enumerate(GADGETS) if g["stock"] > 4]
    assert [type(obj) for obj in found] == [Gadget] * len(wanted)
    assert [(obj.pk, obj.name, obj.price, obj.doubled) for obj in found] == [
        (pk, g["name"], g["price"], g["stock"] * 2) for pk, g in wanted
    ]
    assert all(isinstance(obj.price, Decimal) for obj in found)


async def test_explain_returns_the_plan_rows(data) -> None:
    plan = await one(Gadget.filter(stock__gt=1).explain())
    assert isinstance(plan, list) and plan and all(isinstance(row, dict) for row in plan)
    assert Gadget._meta.db_table in str(plan).lower()  # the plan is about this query's table
    grouped = await one(Tournament.annotate(n=Count("events")).filter(n__gt=1).explain())
    assert isinstance(grouped, list) and grouped
    assert "event" in str(grouped).lower() and "tournament" in str(grouped).lower()


async def test_sql_shows_the_annotation_without_running(data) -> None:
    with statements() as seen:
        text = Gadget.annotate(free=F("stock") - F("reserved")).sql()
        grouped = Tournament.annotate(n=Count("events")).filter(n__gt=1).sql(params_inline=True)
    assert seen == []
    assert f"{quote('stock')} - " in text and f"AS {quote('free')}" in text
    assert "COUNT(" in grouped and "GROUP BY" in grouped and "HAVING" in grouped and "> 1" in grouped


# -- errors --------------------------------------------------------------------------------
async def test_annotate_needs_an_expression(db) -> None:
    for value in (5, "stock", None):
        with pytest.raises(FieldError, match=r"annotate\(x=\.\.\.\) needs an expression"):
            Gadget.annotate(x=value)


async def test_annotation_clashing_with_a_field(db) -> None:
    with pytest.raises(FieldError, match="'name' clashes with a field of Gadget"):
        Gadget.annotate(name=Lower("name"))


async def test_function_argument_must_be_a_field_or_expression(db) -> None:
    for make in (lambda: Lower(5), lambda: Length(None), lambda: Count(3.5), lambda: Abs([1])):
        with pytest.raises(ParamsError, match="takes a field name or an expression"):
            make()
    with pytest.raises(ParamsError, match="_filter must be a Q"):
        Count("id", _filter={"stock": 1})
    with pytest.raises(ParamsError, match="cannot be distinct"):
        Count("*", distinct=True)


async def test_unknown_field_in_an_expression_names_the_model(data) -> None:
    queries = [
        Gadget.annotate(x=F("nope") + 1),
        Gadget.annotate(x=Lower("nope")),
        Gadget.filter(stock=F("nope")),
        Gadget.all().order_by(F("nope")),
        Gadget.all().update(stock=F("nope")),
    ]
    for query in queries:
        with statements() as seen, pytest.raises(FieldError, match="Gadget has no field 'nope'"):
            await query
        assert seen == []


async def test_case_and_when_check_their_arguments(db) -> None:
    with pytest.raises(OperationalError, match="When"):
        Case("stock")
    with pytest.raises(OperationalError, match="needs a condition"):
        When(then=1)
