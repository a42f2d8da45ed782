"""Golden SQL of filters: lookups and relations, per dialect (machinery in tests/golden_sql.py)."""

from __future__ import annotations

import datetime
import uuid

from tests.golden_sql import (
    ALLFIELDS,
    ESCAPE,
    EVENT,
    JOIN_EVENTS,
    JOIN_TOURNAMENT,
    LIKE,
    MY_ALLFIELDS,
    MY_EVENT,
    MY_JOIN_EVENTS,
    MY_JOIN_TOURNAMENT,
    MY_TOURNAMENT,
    TOURNAMENT,
    Case,
    golden_sql_tests,
    pg,
)
from tests.models import AllFields, CharKeyed, Color, Event, Priority, Team, Tournament, UUIDKeyed

UTC_0709 = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc)

CASES: list[Case] = [
    # -- lookups --------------------------------------------------------------------------------
    ("exact", lambda: Event.filter(name="x"),
     {"sqlite": (EVENT + ' WHERE "event"."name" = ?', ["x"]),
      **pg(EVENT + ' WHERE "event"."name" = $1', ["x"]),
      "mysql": (MY_EVENT + " WHERE `event`.`name` = %s", ["x"])}),
    ("none-is-null", lambda: Event.filter(prize=None),
     {"sqlite": (EVENT + ' WHERE "event"."prize" IS NULL', []),
      **pg(EVENT + ' WHERE "event"."prize" IS NULL', []),
      "mysql": (MY_EVENT + " WHERE `event`.`prize` IS NULL", [])}),
    ("not-on-required-column", lambda: Event.filter(name__not="x"),
     {"sqlite": (EVENT + ' WHERE "event"."name" <> ?', ["x"]),
      **pg(EVENT + ' WHERE "event"."name" <> $1', ["x"]),
      "mysql": (MY_EVENT + " WHERE `event`.`name` <> %s", ["x"])}),
    ("not-on-nullable-column-keeps-null", lambda: Event.filter(tournament__description__not="x"),
     {"sqlite": (EVENT + JOIN_TOURNAMENT
                 + ' WHERE ("tournament"."description" <> ? OR "tournament"."description" IS NULL)', ["x"]),
      **pg(EVENT + JOIN_TOURNAMENT
           + ' WHERE ("tournament"."description" <> $1 OR "tournament"."description" IS NULL)', ["x"]),
      "mysql": (MY_EVENT + MY_JOIN_TOURNAMENT
                + " WHERE (`tournament`.`description` <> %s OR `tournament`.`description` IS NULL)", ["x"])}),
    ("not-none", lambda: Event.filter(prize__not=None),
     {"sqlite": (EVENT + ' WHERE "event"."prize" IS NOT NULL', []),
      **pg(EVENT + ' WHERE "event"."prize" IS NOT NULL', []),
      "mysql": (MY_EVENT + " WHERE `event`.`prize` IS NOT NULL", [])}),
    ("in", lambda: Event.filter(id__in=[1, 2, 3]),
     {"sqlite": (EVENT + ' WHERE "event"."id" IN (?, ?, ?)', [1, 2, 3]),
      **pg(EVENT + ' WHERE "event"."id" IN ($1, $2, $3)', [1, 2, 3]),
      "mysql": (MY_EVENT + " WHERE `event`.`id` IN (%s, %s, %s)", [1, 2, 3])}),
    ("in-empty", lambda: Event.filter(id__in=[]),
     {"sqlite": (EVENT + " WHERE 0=1", []),
      **pg(EVENT + " WHERE 0=1", []),
      "mysql": (MY_EVENT + " WHERE 0=1", [])}),
    ("not-in", lambda: Event.filter(name__not_in=["a", "b"]),
     {"sqlite": (EVENT + ' WHERE "event"."name" NOT IN (?, ?)', ["a", "b"]),
      **pg(EVENT + ' WHERE "event"."name" NOT IN ($1, $2)', ["a", "b"]),
      "mysql": (MY_EVENT + " WHERE `event`.`name` NOT IN (%s, %s)", ["a", "b"])}),
    ("not-in-empty", lambda: Event.filter(id__not_in=[]),
     {"sqlite": (EVENT + " WHERE 1=1", []),
      **pg(EVENT + " WHERE 1=1", []),
      "mysql": (MY_EVENT + " WHERE 1=1", [])}),
    ("comparisons", lambda: Event.filter(id__gt=1, id__gte=2, id__lt=9, id__lte=8),
     {"sqlite": (EVENT + ' WHERE ("event"."id" > ? AND "event"."id" >= ? AND "event"."id" < ? AND "event"."id" <= ?)',
                 [1, 2, 9, 8]),
      **pg(EVENT + ' WHERE ("event"."id" > $1 AND "event"."id" >= $2 AND "event"."id" < $3 AND "event"."id" <= $4)',
           [1, 2, 9, 8]),
      "mysql": (MY_EVENT + " WHERE (`event`.`id` > %s AND `event`.`id` >= %s AND `event`.`id` < %s "
                "AND `event`.`id` <= %s)", [1, 2, 9, 8])}),
    ("range", lambda: Event.filter(id__range=(3, 7)),
     {"sqlite": (EVENT + ' WHERE "event"."id" BETWEEN ? AND ?', [3, 7]),
      **pg(EVENT + ' WHERE "event"."id" BETWEEN $1 AND $2', [3, 7]),
      "mysql": (MY_EVENT + " WHERE `event`.`id` BETWEEN %s AND %s", [3, 7])}),
    ("isnull", lambda: Event.filter(prize__isnull=True, id__not_isnull=True),
     {"sqlite": (EVENT + ' WHERE ("event"."prize" IS NULL AND "event"."id" IS NOT NULL)', []),
      **pg(EVENT + ' WHERE ("event"."prize" IS NULL AND "event"."id" IS NOT NULL)', []),
      "mysql": (MY_EVENT + " WHERE (`event`.`prize` IS NULL AND `event`.`id` IS NOT NULL)", [])}),
    # glob characters mean nothing to LIKE; MySQL's collations ignore case, so its LIKE compares bytes
    ("contains-escapes-glob", lambda: Event.filter(name__contains="a*b?[c]"),
     {"sqlite": (EVENT + ' WHERE "event"."name" GLOB ?', ["*a[*]b[?][[]c]*"]),
      **pg(EVENT + ' WHERE "event"."name" LIKE $1' + ESCAPE, ["%a*b?[c]%"]),
      "mysql": (MY_EVENT + " WHERE `event`.`name` LIKE BINARY %s", ["%a*b?[c]%"])}),
    ("icontains-escapes-like", lambda: Event.filter(name__icontains="50%_OFF\\"),
     {"sqlite": (EVENT + f' WHERE orm_lower("event"."name") {LIKE}', ["%50\\%\\_off\\\\%"]),
      **pg(EVENT + ' WHERE "event"."name" ILIKE $1' + ESCAPE, ["%50\\%\\_off\\\\%"]),
      "mysql": (MY_EVENT + " WHERE LOWER(`event`.`name`) LIKE BINARY %s", ["%50\\%\\_off\\\\%"])}),
    ("startswith-iendswith", lambda: Event.filter(name__startswith="Fi", name__iendswith="AL"),
     {"sqlite": (EVENT + f' WHERE ("event"."name" GLOB ? AND orm_lower("event"."name") {LIKE})', ["Fi*", "%al"]),
      **pg(EVENT + ' WHERE ("event"."name" LIKE $1' + ESCAPE + ' AND "event"."name" ILIKE $2' + ESCAPE + ")",
           ["Fi%", "%al"]),
      "mysql": (MY_EVENT + " WHERE (`event`.`name` LIKE BINARY %s AND LOWER(`event`.`name`) LIKE BINARY %s)",
                ["Fi%", "%al"])}),
    ("iexact-non-ascii", lambda: Event.filter(name__iexact="ÄrGer"),
     {"sqlite": (EVENT + ' WHERE orm_lower("event"."name") = ?', ["ärger"]),
      **pg(EVENT + ' WHERE LOWER("event"."name") = $1', ["ärger"]),
      "mysql": (MY_EVENT + " WHERE LOWER(`event`.`name`) = BINARY %s", ["ärger"])}),
    ("year-gte", lambda: Event.filter(modified__year__gte=2020),
     {"sqlite": (EVENT + " WHERE orm_extract('year', \"event\".\"modified\") >= ?", [2020]),
      **pg(EVENT + ' WHERE CAST(EXTRACT(YEAR FROM "event"."modified") AS INTEGER) >= $1', [2020]),
      "mysql": (MY_EVENT + " WHERE EXTRACT(YEAR FROM `event`.`modified`) >= %s", [2020])}),
    ("month-in", lambda: Event.filter(modified__month__in=[1, 2]),
     {"sqlite": (EVENT + " WHERE orm_extract('month', \"event\".\"modified\") IN (?, ?)", [1, 2]),
      **pg(EVENT + ' WHERE CAST(EXTRACT(MONTH FROM "event"."modified") AS INTEGER) IN ($1, $2)', [1, 2]),
      "mysql": (MY_EVENT + " WHERE EXTRACT(MONTH FROM `event`.`modified`) IN (%s, %s)", [1, 2])}),
    # ISO weeks; whole seconds (PostgreSQL's EXTRACT(SECOND) has a fraction)
    ("week-and-second", lambda: Event.filter(modified__week=5, modified__second__lt=30),
     {"sqlite": (EVENT + " WHERE (orm_extract('week', \"event\".\"modified\") = ? "
                 "AND orm_extract('second', \"event\".\"modified\") < ?)", [5, 30]),
      **pg(EVENT + ' WHERE (CAST(EXTRACT(WEEK FROM "event"."modified") AS INTEGER) = $1 '
           'AND CAST(FLOOR(EXTRACT(SECOND FROM "event"."modified")) AS INTEGER) < $2)', [5, 30]),
      "mysql": (MY_EVENT + " WHERE (WEEK(`event`.`modified`, 3) = %s AND EXTRACT(SECOND FROM `event`.`modified`) < %s)",
                [5, 30])}),
    ("datetime-param-is-utc",
     lambda: Event.filter(modified__lt=datetime.datetime(2024, 5, 6, 9, 8, 9, tzinfo=datetime.timezone(
         datetime.timedelta(hours=2)))),
     {"sqlite": (EVENT + ' WHERE "event"."modified" < ?', ["2024-05-06 07:08:09+00:00"]),
      **pg(EVENT + ' WHERE "event"."modified" < $1', [UTC_0709]),
      "mysql": (MY_EVENT + " WHERE `event`.`modified` < %s", [UTC_0709.replace(tzinfo=None)])}),
    ("date-and-time-params",
     lambda: AllFields.filter(date_field=datetime.date(2024, 2, 29), time_field__gte=datetime.time(12, 30)),
     {"sqlite": (ALLFIELDS + ' WHERE ("allfields"."date_field" = ? AND "allfields"."time_field" >= ?)',
                 ["2024-02-29", "12:30:00"]),
      **pg(ALLFIELDS + ' WHERE ("allfields"."date_field" = $1 AND "allfields"."time_field" >= $2)',
           [datetime.date(2024, 2, 29), datetime.time(12, 30)]),
      "mysql": (MY_ALLFIELDS + " WHERE (`allfields`.`date_field` = %s AND `allfields`.`time_field` >= %s)",
                [datetime.date(2024, 2, 29), datetime.time(12, 30)])}),
    ("bool-and-enum-params",
     lambda: AllFields.filter(bool_field=True, char_enum=Color.RED, int_enum=Priority.HIGH),
     {"sqlite": (ALLFIELDS + ' WHERE ("allfields"."bool_field" = ? AND "allfields"."char_enum" = ? '
                 'AND "allfields"."int_enum" = ?)', [True, "red", 3]),
      **pg(ALLFIELDS + ' WHERE ("allfields"."bool_field" = $1 AND "allfields"."char_enum" = $2 '
           'AND "allfields"."int_enum" = $3)', [True, "red", 3]),
      "mysql": (MY_ALLFIELDS + " WHERE (`allfields`.`bool_field` = %s AND `allfields`.`char_enum` = %s "
                "AND `allfields`.`int_enum` = %s)", [True, "red", 3])}),
    ("uuid-pk", lambda: UUIDKeyed.filter(id=uuid.UUID(int=1)),
     {"sqlite": ('SELECT "uuidkeyed"."id", "uuidkeyed"."name" FROM "uuidkeyed" WHERE "uuidkeyed"."id" = ?',
                 ["00000000-0000-0000-0000-000000000001"]),
      **pg('SELECT "uuidkeyed"."id", "uuidkeyed"."name" FROM "uuidkeyed" WHERE "uuidkeyed"."id" = $1',
           ["00000000-0000-0000-0000-000000000001"]),
      "mysql": ("SELECT `uuidkeyed`.`id`, `uuidkeyed`.`name` FROM `uuidkeyed` WHERE `uuidkeyed`.`id` = %s",
                ["00000000-0000-0000-0000-000000000001"])}),
    ("char-pk-alias", lambda: CharKeyed.filter(pk__in=["a", "b"]),
     {"sqlite": ('SELECT "charkeyed"."code", "charkeyed"."label" FROM "charkeyed" WHERE "charkeyed"."code" IN (?, ?)',
                 ["a", "b"]),
      **pg('SELECT "charkeyed"."code", "charkeyed"."label" FROM "charkeyed" WHERE "charkeyed"."code" IN ($1, $2)',
           ["a", "b"]),
      "mysql": ("SELECT `charkeyed`.`code`, `charkeyed`.`label` FROM `charkeyed` WHERE `charkeyed`.`code` IN (%s, %s)",
                ["a", "b"])}),
    # -- relations ------------------------------------------------------------------------------
    ("pk-alias", lambda: Event.filter(pk=7),
     {"sqlite": (EVENT + ' WHERE "event"."id" = ?', [7]),
      **pg(EVENT + ' WHERE "event"."id" = $1', [7]),
      "mysql": (MY_EVENT + " WHERE `event`.`id` = %s", [7])}),
    ("fk-id", lambda: Event.filter(tournament_id=3),
     {"sqlite": (EVENT + ' WHERE "event"."tournament_id" = ?', [3]),
      **pg(EVENT + ' WHERE "event"."tournament_id" = $1', [3]),
      "mysql": (MY_EVENT + " WHERE `event`.`tournament_id` = %s", [3])}),
    ("fk-related-pk-needs-no-join", lambda: Event.filter(tournament__id=3),
     {"sqlite": (EVENT + ' WHERE "event"."tournament_id" = ?', [3]),
      **pg(EVENT + ' WHERE "event"."tournament_id" = $1', [3]),
      "mysql": (MY_EVENT + " WHERE `event`.`tournament_id` = %s", [3])}),
    ("fk-related-field", lambda: Event.filter(tournament__name="Cup"),
     {"sqlite": (EVENT + JOIN_TOURNAMENT + ' WHERE "tournament"."name" = ?', ["Cup"]),
      **pg(EVENT + JOIN_TOURNAMENT + ' WHERE "tournament"."name" = $1', ["Cup"]),
      "mysql": (MY_EVENT + MY_JOIN_TOURNAMENT + " WHERE `tournament`.`name` = %s", ["Cup"])}),
    ("reverse-fk", lambda: Tournament.filter(events__name="final"),
     {"sqlite": (TOURNAMENT + JOIN_EVENTS + ' WHERE "events"."name" = ?', ["final"]),
      **pg(TOURNAMENT + JOIN_EVENTS + ' WHERE "events"."name" = $1', ["final"]),
      "mysql": (MY_TOURNAMENT + MY_JOIN_EVENTS + " WHERE `events`.`name` = %s", ["final"])}),
    ("reverse-fk-not-keeps-tournaments-without-events", lambda: Tournament.filter(events__name__not="final"),
     {"sqlite": (TOURNAMENT + JOIN_EVENTS + ' WHERE ("events"."name" <> ? OR "events"."name" IS NULL)', ["final"]),
      **pg(TOURNAMENT + JOIN_EVENTS + ' WHERE ("events"."name" <> $1 OR "events"."name" IS NULL)', ["final"]),
      "mysql": (MY_TOURNAMENT + MY_JOIN_EVENTS + " WHERE (`events`.`name` <> %s OR `events`.`name` IS NULL)",
                ["final"])}),
    ("m2m", lambda: Event.filter(participants__name="Ants"),
     {"sqlite": (EVENT + ' LEFT OUTER JOIN "event_team" "participants__through" ON '
                 '"participants__through"."event_id"="event"."id" LEFT OUTER JOIN "team" "participants" ON '
                 '"participants"."id"="participants__through"."team_id" WHERE "participants"."name" = ?', ["Ants"]),
      **pg(EVENT + ' LEFT OUTER JOIN "event_team" "participants__through" ON '
           '"participants__through"."event_id"="event"."id" LEFT OUTER JOIN "team" "participants" ON '
           '"participants"."id"="participants__through"."team_id" WHERE "participants"."name" = $1', ["Ants"]),
      "mysql": (MY_EVENT + " LEFT OUTER JOIN `event_team` `participants__through` ON "
                "`participants__through`.`event_id`=`event`.`id` LEFT OUTER JOIN `team` `participants` ON "
                "`participants`.`id`=`participants__through`.`team_id` WHERE `participants`.`name` = %s", ["Ants"])}),
    ("m2m-then-fk", lambda: Team.filter(events__tournament__name="Cup"),
     {"sqlite": ('SELECT "team"."id", "team"."name" FROM "team" LEFT OUTER JOIN "event_team" "events__through" ON '
                 '"events__through"."team_id"="team"."id" LEFT OUTER JOIN "event" "events" ON '
                 '"events"."id"="events__through"."event_id" LEFT OUTER JOIN "tournament" "events__tournament" ON '
                 '"events__tournament"."id"="events"."tournament_id" WHERE "events__tournament"."name" = ?',
                 ["Cup"]),
      **pg('SELECT "team"."id", "team"."name" FROM "team" LEFT OUTER JOIN "event_team" "events__through" ON '
           '"events__through"."team_id"="team"."id" LEFT OUTER JOIN "event" "events" ON '
           '"events"."id"="events__through"."event_id" LEFT OUTER JOIN "tournament" "events__tournament" ON '
           '"events__tournament"."id"="events"."tournament_id" WHERE "events__tournament"."name" = $1', ["Cup"]),
      "mysql": ("SELECT `team`.`id`, `team`.`name` FROM `team` LEFT OUTER JOIN `event_team` `events__through` ON "
                "`events__through`.`team_id`=`team`.`id` LEFT OUTER JOIN `event` `events` ON "
                "`events`.`id`=`events__through`.`event_id` LEFT OUTER JOIN `tournament` `events__tournament` ON "
                "`events__tournament`.`id`=`events`.`tournament_id` WHERE `events__tournament`.`name` = %s",
                ["Cup"])}),
    ("select-related", lambda: Event.filter(id=1).select_related("tournament"),
     {"sqlite": ('SELECT "event"."id", "event"."name", "event"."modified", "event"."prize", "event"."tournament_id", '
                 '"tournament"."id", "tournament"."name", "tournament"."description", "tournament"."created" '
                 'FROM "event"' + JOIN_TOURNAMENT + ' WHERE "event"."id" = ?', [1]),
      **pg('SELECT "event"."id", "event"."name", "event"."modified", "event"."prize", "event"."tournament_id", '
           '"tournament"."id", "tournament"."name", "tournament"."description", "tournament"."created" '
           'FROM "event"' + JOIN_TOURNAMENT + ' WHERE "event"."id" = $1', [1]),
      "mysql": ("SELECT `event`.`id`, `event`.`name`, `event`.`modified`, `event`.`prize`, `event`.`tournament_id`, "
                "`tournament`.`id`, `tournament`.`name`, `tournament`.`description`, `tournament`.`created` "
                "FROM `event`" + MY_JOIN_TOURNAMENT + " WHERE `event`.`id` = %s", [1])}),
]  # fmt: skip


test_golden_sql, test_golden_sql_runs_on_the_database = golden_sql_tests(CASES)
