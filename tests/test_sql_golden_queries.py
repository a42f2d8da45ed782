"""Golden SQL of whole queries: Q, expressions, shaping, count/exists/update/delete, inlined values.

Machinery and fragments are in tests/golden_sql.py.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from orm.connection import connections
from orm.expressions import F, Q
from orm.functions import Concat, Count, Length
from tests.golden_sql import (
    DIALECTS,
    EVENT,
    JOIN_EVENTS,
    JOIN_TOURNAMENT,
    MY_EVENT,
    MY_JOIN_EVENTS,
    MY_JOIN_TOURNAMENT,
    MY_TOURNAMENT,
    TOURNAMENT,
    Case,
    client_dialect_is_checked_offline,
    golden,
    golden_sql_tests,
    pg,
    render_offline,
)
from tests.models import AllFields, Event, Product, Tournament

# one subquery, in double quotes (SQLite, PostgreSQL) and in backticks (MySQL)
EVENTS_OF_CUP = 'SELECT "event"."id" FROM "event"' + JOIN_TOURNAMENT + ' WHERE "tournament"."name" = '
MY_EVENTS_OF_CUP = "SELECT `event`.`id` FROM `event`" + MY_JOIN_TOURNAMENT + " WHERE `tournament`.`name` = "

CASES: list[Case] = [
    # -- Q and expressions ----------------------------------------------------------------------
    ("q-or", lambda: Event.filter(Q(name="a") | Q(name="b")),
     {"sqlite": (EVENT + ' WHERE ("event"."name" = ? OR "event"."name" = ?)', ["a", "b"]),
      **pg(EVENT + ' WHERE ("event"."name" = $1 OR "event"."name" = $2)', ["a", "b"]),
      "mysql": (MY_EVENT + " WHERE (`event`.`name` = %s OR `event`.`name` = %s)", ["a", "b"])}),
    ("q-invert", lambda: Event.filter(~Q(name="a")),
     {"sqlite": (EVENT + ' WHERE ("event"."name" = ?) IS NOT TRUE', ["a"]),
      **pg(EVENT + ' WHERE ("event"."name" = $1) IS NOT TRUE', ["a"]),
      "mysql": (MY_EVENT + " WHERE (`event`.`name` = %s) IS NOT TRUE", ["a"])}),
    # as in Tortoise: exclude(a=1, b=2) keeps rows where neither holds, not rows where not both hold
    ("exclude-negates-each-keyword", lambda: Event.exclude(name="a", id=1),
     {"sqlite": (EVENT + ' WHERE ("event"."name" = ?) IS NOT TRUE AND ("event"."id" = ?) IS NOT TRUE', ["a", 1]),
      **pg(EVENT + ' WHERE ("event"."name" = $1) IS NOT TRUE AND ("event"."id" = $2) IS NOT TRUE', ["a", 1]),
      "mysql": (MY_EVENT + " WHERE (`event`.`name` = %s) IS NOT TRUE AND (`event`.`id` = %s) IS NOT TRUE",
                ["a", 1])}),
    ("q-nested", lambda: Event.filter(Q(Q(name="a") | ~Q(prize__isnull=True), id__lt=10)),
     {"sqlite": (EVENT + ' WHERE (("event"."name" = ? OR ("event"."prize" IS NULL) IS NOT TRUE) AND "event"."id" < ?)',
                 ["a", 10]),
      **pg(EVENT + ' WHERE (("event"."name" = $1 OR ("event"."prize" IS NULL) IS NOT TRUE) AND "event"."id" < $2)',
           ["a", 10]),
      "mysql": (MY_EVENT + " WHERE ((`event`.`name` = %s OR (`event`.`prize` IS NULL) IS NOT TRUE) "
                "AND `event`.`id` < %s)", ["a", 10])}),
    ("q-join-type-or", lambda: Event.filter(Q(name="a", id=1, join_type="OR")),
     {"sqlite": (EVENT + ' WHERE ("event"."name" = ? OR "event"."id" = ?)', ["a", 1]),
      **pg(EVENT + ' WHERE ("event"."name" = $1 OR "event"."id" = $2)', ["a", 1]),
      "mysql": (MY_EVENT + " WHERE (`event`.`name` = %s OR `event`.`id` = %s)", ["a", 1])}),
    # PostgreSQL cannot infer the type of a parameter inside an expression: it is cast
    ("f-expression", lambda: Event.filter(id__gt=F("tournament_id") * 2),
     {"sqlite": (EVENT + ' WHERE "event"."id" > ("event"."tournament_id" * ?)', [2]),
      **pg(EVENT + ' WHERE "event"."id" > ("event"."tournament_id" * CAST($1 AS INTEGER))', [2]),
      "mysql": (MY_EVENT + " WHERE `event`.`id` > (`event`.`tournament_id` * %s)", [2])}),
    # a literal % would be a placeholder's start for psycopg and asyncmy
    ("modulo", lambda: Event.filter(id__gt=F("tournament_id") % 3),
     {"sqlite": (EVENT + ' WHERE "event"."id" > ("event"."tournament_id" % ?)', [3]),
      **pg(EVENT + ' WHERE "event"."id" > MOD("event"."tournament_id", CAST($1 AS INTEGER))', [3]),
      "mysql": (MY_EVENT + " WHERE `event`.`id` > MOD(`event`.`tournament_id`, %s)", [3])}),
    # -- shaping --------------------------------------------------------------------------------
    ("order-limit-offset", lambda: Event.filter(name="x").order_by("-prize", "name").limit(10).offset(20),
     {"sqlite": (EVENT + ' WHERE "event"."name" = ? ORDER BY "event"."prize" DESC, "event"."name" ASC LIMIT ? OFFSET ?',
                 ["x", 10, 20]),
      **pg(EVENT + ' WHERE "event"."name" = $1 ORDER BY "event"."prize" DESC, "event"."name" ASC LIMIT $2 OFFSET $3',
           ["x", 10, 20]),
      "mysql": (MY_EVENT + " WHERE `event`.`name` = %s ORDER BY `event`.`prize` DESC, `event`.`name` ASC "
                "LIMIT %s OFFSET %s", ["x", 10, 20])}),
    ("order-by-related", lambda: Event.all().order_by("tournament__name"),
     {"sqlite": (EVENT + JOIN_TOURNAMENT + ' ORDER BY "tournament"."name" ASC', []),
      **pg(EVENT + JOIN_TOURNAMENT + ' ORDER BY "tournament"."name" ASC', []),
      "mysql": (MY_EVENT + MY_JOIN_TOURNAMENT + " ORDER BY `tournament`.`name` ASC", [])}),
    # PostgreSQL takes OFFSET alone; SQLite and MySQL need a LIMIT first, and MySQL has no "no limit"
    ("offset-only", lambda: Event.all().offset(5),
     {"sqlite": (EVENT + " LIMIT -1 OFFSET ?", [5]),
      **pg(EVENT + " OFFSET $1", [5]),
      "mysql": (MY_EVENT + " LIMIT 18446744073709551615 OFFSET %s", [5])}),
    ("distinct", lambda: Tournament.filter(events__name="final").distinct(),
     {"sqlite": ("SELECT DISTINCT" + TOURNAMENT[len("SELECT"):] + JOIN_EVENTS + ' WHERE "events"."name" = ?',
                 ["final"]),
      **pg("SELECT DISTINCT" + TOURNAMENT[len("SELECT"):] + JOIN_EVENTS + ' WHERE "events"."name" = $1', ["final"]),
      "mysql": ("SELECT DISTINCT" + MY_TOURNAMENT[len("SELECT"):] + MY_JOIN_EVENTS + " WHERE `events`.`name` = %s",
                ["final"])}),
    ("first", lambda: Event.filter(name="x").first(),
     {"sqlite": (EVENT + ' WHERE "event"."name" = ? ORDER BY "event"."id" ASC LIMIT ?', ["x", 1]),
      **pg(EVENT + ' WHERE "event"."name" = $1 ORDER BY "event"."id" ASC LIMIT $2', ["x", 1]),
      "mysql": (MY_EVENT + " WHERE `event`.`name` = %s ORDER BY `event`.`id` ASC LIMIT %s", ["x", 1])}),
    ("get-or-none", lambda: Event.get_or_none(id=5),
     {"sqlite": (EVENT + ' WHERE "event"."id" = ? LIMIT ?', [5, 2]),
      **pg(EVENT + ' WHERE "event"."id" = $1 LIMIT $2', [5, 2]),
      "mysql": (MY_EVENT + " WHERE `event`.`id` = %s LIMIT %s", [5, 2])}),
    ("only", lambda: Product.filter(sku="X-1").only("sku"),
     {"sqlite": ('SELECT "products"."id", "products"."sku" FROM "products" WHERE "products"."sku" = ?', ["X-1"]),
      **pg('SELECT "products"."id", "products"."sku" FROM "products" WHERE "products"."sku" = $1', ["X-1"]),
      "mysql": ("SELECT `products`.`id`, `products`.`sku` FROM `products` WHERE `products`.`sku` = %s", ["X-1"])}),
    ("values", lambda: Event.filter(name="x").values("id", "name", tournament_name="tournament__name"),
     {"sqlite": ('SELECT "event"."id" AS "id", "event"."name" AS "name", "tournament"."name" AS "tournament_name" '
                 'FROM "event"' + JOIN_TOURNAMENT + ' WHERE "event"."name" = ?', ["x"]),
      **pg('SELECT "event"."id" AS "id", "event"."name" AS "name", "tournament"."name" AS "tournament_name" '
           'FROM "event"' + JOIN_TOURNAMENT + ' WHERE "event"."name" = $1', ["x"]),
      "mysql": ("SELECT `event`.`id` AS `id`, `event`.`name` AS `name`, `tournament`.`name` AS `tournament_name` "
                "FROM `event`" + MY_JOIN_TOURNAMENT + " WHERE `event`.`name` = %s", ["x"])}),
    ("values-list-flat", lambda: Event.filter(prize__isnull=False).values_list("name", flat=True),
     {"sqlite": ('SELECT "event"."name" AS "name" FROM "event" WHERE "event"."prize" IS NOT NULL', []),
      **pg('SELECT "event"."name" AS "name" FROM "event" WHERE "event"."prize" IS NOT NULL', []),
      "mysql": ("SELECT `event`.`name` AS `name` FROM `event` WHERE `event`.`prize` IS NOT NULL", [])}),
    ("annotate-count-having",
     lambda: Tournament.annotate(n=Count("events")).filter(n__gte=2).order_by("-n"),
     {"sqlite": ('SELECT "tournament"."id", "tournament"."name", "tournament"."description", "tournament"."created", '
                 'COUNT("events"."id") AS "n" FROM "tournament"' + JOIN_EVENTS + ' GROUP BY "tournament"."id", '
                 '"tournament"."name", "tournament"."description", "tournament"."created" '
                 'HAVING COUNT("events"."id") >= ? ORDER BY COUNT("events"."id") DESC', [2]),
      **pg('SELECT "tournament"."id", "tournament"."name", "tournament"."description", "tournament"."created", '
           'COUNT("events"."id") AS "n" FROM "tournament"' + JOIN_EVENTS + ' GROUP BY "tournament"."id", '
           '"tournament"."name", "tournament"."description", "tournament"."created" '
           'HAVING COUNT("events"."id") >= $1 ORDER BY COUNT("events"."id") DESC', [2]),
      "mysql": ("SELECT `tournament`.`id`, `tournament`.`name`, `tournament`.`description`, `tournament`.`created`, "
                "COUNT(`events`.`id`) AS `n` FROM `tournament`" + MY_JOIN_EVENTS + " GROUP BY `tournament`.`id`, "
                "`tournament`.`name`, `tournament`.`description`, `tournament`.`created` "
                "HAVING COUNT(`events`.`id`) >= %s ORDER BY COUNT(`events`.`id`) DESC", [2])}),
    # MySQL's LENGTH counts bytes, and its CONCAT is NULL when any piece is: CHAR_LENGTH and CONCAT_WS
    ("length-and-concat",
     lambda: Event.annotate(n=Length("name"), label=Concat("name", " #")).filter(n__gt=3).values("n", "label"),
     {"sqlite": ('SELECT LENGTH("event"."name") AS "n", (COALESCE("event"."name", \'\') || COALESCE(?, \'\')) '
                 'AS "label" FROM "event" WHERE LENGTH("event"."name") > ?', [" #", 3]),
      **pg('SELECT LENGTH("event"."name") AS "n", CONCAT("event"."name", CAST($1 AS TEXT)) AS "label" '
           'FROM "event" WHERE LENGTH("event"."name") > $2', [" #", 3]),
      "mysql": ("SELECT CHAR_LENGTH(`event`.`name`) AS `n`, CONCAT_WS('', `event`.`name`, %s) AS `label` "
                "FROM `event` WHERE CHAR_LENGTH(`event`.`name`) > %s", [" #", 3])}),
    # -- count, exists, update, delete ------------------------------------------------------------
    ("count", lambda: Event.filter(name="x").count(),
     {"sqlite": ('SELECT COUNT(*) FROM "event" WHERE "event"."name" = ?', ["x"]),
      **pg('SELECT COUNT(*) FROM "event" WHERE "event"."name" = $1', ["x"]),
      "mysql": ("SELECT COUNT(*) FROM `event` WHERE `event`.`name` = %s", ["x"])}),
    ("count-with-limit", lambda: Event.filter(name="x").limit(3).count(),
     {"sqlite": ('SELECT COUNT(*) FROM (SELECT "event"."id" FROM "event" WHERE "event"."name" = ? LIMIT ?) "counted"',
                 ["x", 3]),
      **pg('SELECT COUNT(*) FROM (SELECT "event"."id" FROM "event" WHERE "event"."name" = $1 LIMIT $2) "counted"',
           ["x", 3]),
      "mysql": ("SELECT COUNT(*) FROM (SELECT `event`.`id` FROM `event` WHERE `event`.`name` = %s LIMIT %s) `counted`",
                ["x", 3])}),
    ("exists", lambda: Event.filter(tournament__name="Cup").exists(),
     {"sqlite": ('SELECT 1 FROM "event"' + JOIN_TOURNAMENT + ' WHERE "tournament"."name" = ? LIMIT ?', ["Cup", 1]),
      **pg('SELECT 1 FROM "event"' + JOIN_TOURNAMENT + ' WHERE "tournament"."name" = $1 LIMIT $2', ["Cup", 1]),
      "mysql": ("SELECT 1 FROM `event`" + MY_JOIN_TOURNAMENT + " WHERE `tournament`.`name` = %s LIMIT %s",
                ["Cup", 1])}),
    ("update", lambda: Event.filter(name="x").update(name="y", tournament_id=4),
     {"sqlite": ('UPDATE "event" SET "name"=?, "tournament_id"=? WHERE "event"."name" = ?', ["y", 4, "x"]),
      **pg('UPDATE "event" SET "name"=$1, "tournament_id"=$2 WHERE "event"."name" = $3', ["y", 4, "x"]),
      "mysql": ("UPDATE `event` SET `name`=%s, `tournament_id`=%s WHERE `event`.`name` = %s", ["y", 4, "x"])}),
    ("update-expression", lambda: Event.filter(id__in=[1, 2]).update(prize=F("prize") * 2),
     {"sqlite": ('UPDATE "event" SET "prize"=("event"."prize" * ?) WHERE "event"."id" IN (?, ?)', [2, 1, 2]),
      **pg('UPDATE "event" SET "prize"=("event"."prize" * CAST($1 AS INTEGER)) WHERE "event"."id" IN ($2, $3)',
           [2, 1, 2]),
      "mysql": ("UPDATE `event` SET `prize`=(`event`.`prize` * %s) WHERE `event`.`id` IN (%s, %s)", [2, 1, 2])}),
    # MySQL may not read the table it changes in a subquery, unless the subquery is wrapped in a derived table
    ("update-across-join", lambda: Event.filter(tournament__name="Cup").update(name="z"),
     {"sqlite": ('UPDATE "event" SET "name"=? WHERE "event"."id" IN (' + EVENTS_OF_CUP + "?)", ["z", "Cup"]),
      **pg('UPDATE "event" SET "name"=$1 WHERE "event"."id" IN (' + EVENTS_OF_CUP + "$2)", ["z", "Cup"]),
      "mysql": ("UPDATE `event` SET `name`=%s WHERE `event`.`id` IN (SELECT * FROM (" + MY_EVENTS_OF_CUP
                + "%s) `target`)", ["z", "Cup"])}),
    ("delete", lambda: Event.filter(id__in=[1, 2]).delete(),
     {"sqlite": ('DELETE FROM "event" WHERE "event"."id" IN (?, ?)', [1, 2]),
      **pg('DELETE FROM "event" WHERE "event"."id" IN ($1, $2)', [1, 2]),
      "mysql": ("DELETE FROM `event` WHERE `event`.`id` IN (%s, %s)", [1, 2])}),
    ("delete-across-join", lambda: Event.filter(tournament__name="Cup").delete(),
     {"sqlite": ('DELETE FROM "event" WHERE "event"."id" IN (' + EVENTS_OF_CUP + "?)", ["Cup"]),
      **pg('DELETE FROM "event" WHERE "event"."id" IN (' + EVENTS_OF_CUP + "$1)", ["Cup"]),
      "mysql": ("DELETE FROM `event` WHERE `event`.`id` IN (SELECT * FROM (" + MY_EVENTS_OF_CUP + "%s) `target`)",
                ["Cup"])}),
    ("delete-all", lambda: Event.all().delete(),
     {"sqlite": ('DELETE FROM "event"', []),
      **pg('DELETE FROM "event"', []),
      "mysql": ("DELETE FROM `event`", [])}),
]  # fmt: skip


test_golden_sql, test_golden_sql_runs_on_the_database = golden_sql_tests(CASES)


# -- values shown in place (display only): each dialect's literals, valid SQL on its database -----
NAME = "it's $1 \\ 50%"  # a quote, a placeholder's look-alike, a backslash (MySQL escapes it) and a %
WHEN = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)


def some_events() -> Any:
    return Event.filter(id__in=[1, 2], name=NAME, prize__isnull=True)


def some_allfields() -> Any:
    return AllFields.filter(bool_field=False, binary_field=b"\x00\xff", uuid_field=uuid.UUID(int=5),
                            date_field=datetime.date(2024, 1, 2), datetime_field=WHEN).only("id")  # fmt: skip


def both_pg(text: str) -> dict[str, str]:
    """asyncpg's and psycopg's inlined text: the same literals (only the placeholders differ)."""
    return {"asyncpg": text, "psycopg": text}


UUID5 = "'00000000-0000-0000-0000-000000000005'"
INLINE: list[tuple[str, Callable[[], Any], int, dict[str, str]]] = [
    ("text", some_events, 3,
     {"sqlite": EVENT + ' WHERE ("event"."id" IN (1, 2) AND "event"."name" = \'it\'\'s $1 \\ 50%\' '
                        'AND "event"."prize" IS NULL)',
      **both_pg(EVENT + ' WHERE ("event"."id" IN (1, 2) AND "event"."name" = \'it\'\'s $1 \\ 50%\' '
                        'AND "event"."prize" IS NULL)'),
      "mysql": MY_EVENT + " WHERE (`event`.`id` IN (1, 2) AND `event`.`name` = 'it''s $1 \\\\ 50%' "
                          "AND `event`.`prize` IS NULL)"}),
    ("typed", some_allfields, 5,
     {"sqlite": 'SELECT "allfields"."id" FROM "allfields" WHERE ("allfields"."bool_field" = 0 AND '
                f'"allfields"."binary_field" = X\'00ff\' AND "allfields"."uuid_field" = {UUID5} AND '
                '"allfields"."date_field" = \'2024-01-02\' AND "allfields"."datetime_field" = '
                "'2024-01-02 03:04:05+00:00')",
      **both_pg('SELECT "allfields"."id" FROM "allfields" WHERE ("allfields"."bool_field" = FALSE AND '
                f'"allfields"."binary_field" = \'\\x00ff\'::bytea AND "allfields"."uuid_field" = {UUID5} AND '
                '"allfields"."date_field" = \'2024-01-02\' AND "allfields"."datetime_field" = '
                "'2024-01-02 03:04:05+00:00')"),
      "mysql": "SELECT `allfields`.`id` FROM `allfields` WHERE (`allfields`.`bool_field` = 0 AND "
               f"`allfields`.`binary_field` = X'00ff' AND `allfields`.`uuid_field` = {UUID5} AND "
               "`allfields`.`date_field` = '2024-01-02' AND `allfields`.`datetime_field` = "
               "'2024-01-02 03:04:05')"}),
]  # fmt: skip
INLINE_PARAMS = [pytest.param(build, expected, id=name) for name, build, _, expected in INLINE]


def inlined(query: Any) -> str:
    return query.sql(params_inline=True)


@pytest.mark.parametrize("dialect_id", DIALECTS)
@pytest.mark.parametrize(("build", "expected"), INLINE_PARAMS)
async def test_inlined_sql(dialect_id: str, build: Callable[[], Any], expected: dict[str, str]) -> None:
    want, fresh, cached = await render_offline(dialect_id, build, expected, render=inlined)
    assert fresh == cached == want


async def _rows_for_inline_queries() -> None:
    # each query finds row 1 only; row 2 matches text that a careless inlining would produce
    tournament = await Tournament.create(id=1, name="T")
    await Event.create(id=1, name=NAME, tournament=tournament)
    await Event.create(id=2, name=NAME.replace("$1", "1"), tournament=tournament)
    await Event.create(id=3, name=NAME, tournament=tournament)
    values = {"binary_field": b"\x00\xff", "uuid_field": uuid.UUID(int=5), "date_field": datetime.date(2024, 1, 2),
              "datetime_field": WHEN}  # fmt: skip
    await AllFields.create(id=1, bool_field=False, **values)
    await AllFields.create(id=2, bool_field=True, **values)


@pytest.mark.parametrize(("build", "bound", "expected"),
                         [pytest.param(b, n, e, id=name) for name, b, n, e in INLINE])  # fmt: skip
async def test_inlined_sql_finds_what_the_query_finds(
    db, build: Callable[[], Any], bound: int, expected: dict[str, str]
) -> None:
    assert client_dialect_is_checked_offline(db.name)
    await _rows_for_inline_queries()
    query = build()
    text = query.sql(params_inline=True)
    assert text == golden(expected, db.name)
    assert len(query.sql_params()[1]) == bound  # the statement itself still binds every value
    rows = await connections.get("default").fetch_all(text)
    assert [row[0] for row in rows] == [obj.pk for obj in await query] == [1]
