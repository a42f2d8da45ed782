"""Helpers for the relation tests: a statement recorder (with ``one()``, which the aggregate and
expression tests use too), seed data, and schema introspection."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any

from orm.connection import connections
from tests.helpers import Backend, orm_session

MODULES = ("tests.models", "tests.models_relations")


@asynccontextmanager
async def relations_session(backend: Backend) -> AsyncIterator[Backend]:
    async with orm_session(backend, MODULES) as active:
        yield active


# -- counting statements --------------------------------------------------------------------------
_DRIVER_METHODS = ("_fetch_all", "_execute", "_insert", "_execute_many", "_execute_query", "_execute_script")


@contextmanager
def statements() -> Iterator[list[str]]:
    """Record the SQL of every statement sent to the default database inside the block.

    The driver-level methods are wrapped, so statements run through transactions and
    streams are seen as well as those of the plain client.
    """
    driver = connections.client("default")
    seen: list[str] = []

    def recording(name: str) -> Any:
        original = getattr(driver, name)

        async def run(conn: Any, sql: str, *args: Any) -> Any:
            seen.append(sql)
            return await original(conn, sql, *args)

        return run

    def recording_stream(original: Any) -> Any:
        def run(runner: Any, sql: str, *args: Any) -> Any:
            seen.append(sql)
            return original(runner, sql, *args)

        return run

    for name in _DRIVER_METHODS:
        setattr(driver, name, recording(name))
    driver._stream = recording_stream(driver._stream)  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        for name in (*_DRIVER_METHODS, "_stream"):
            delattr(driver, name)


async def one(query: Any) -> Any:
    """Run ``query`` and check that it took exactly one SQL statement."""
    with statements() as seen:
        result = await query
    assert len(seen) == 1, seen
    return result


# -- seed data: organizers, cups, matches, players ----------------------------------------------
#: organizer name -> cups; cup name -> matches (name, round, player indexes)
CUPS: dict[str | None, list[str]] = {
    "Ada": ["Alpine", "Baltic"],
    "Bob": ["Coral"],
    "Cyd": [],
    None: ["Dune"],  # a cup without organizer
}
MATCHES: dict[str, list[tuple[str, int, list[int]]]] = {
    "Alpine": [("a1", 1, [0, 1]), ("a2", 2, [1, 2]), ("a3", 3, [])],
    "Baltic": [("b1", 1, [0, 3])],
    "Coral": [("c1", 1, [2]), ("c2", 2, [0, 1, 2, 3])],
    "Dune": [],
}
PLAYERS = ["Pia", "Quin", "Rex", "Sam", "Tia"]  # Tia plays nowhere


@dataclass
class League:
    organizers: dict[str, Any] = field(default_factory=dict)
    cups: dict[str, Any] = field(default_factory=dict)
    matches: dict[str, Any] = field(default_factory=dict)
    players: list[Any] = field(default_factory=list)

    def players_of(self, match: str) -> set[str]:
        for cup_matches in MATCHES.values():
            for name, _, indexes in cup_matches:
                if name == match:
                    return {PLAYERS[i] for i in indexes}
        raise KeyError(match)

    def matches_of_player(self, player: str) -> set[str]:
        return {m for matches in MATCHES.values() for m, _, ix in matches if player in {PLAYERS[i] for i in ix}}

    def cup_of(self, match: str) -> str:
        return next(cup for cup, matches in MATCHES.items() if match in {m for m, _, _ in matches})

    def organizer_of(self, cup: str) -> str | None:
        return next(org for org, cups in CUPS.items() if cup in cups)


async def make_league() -> League:
    from tests.models_relations import Cup, Match, Organizer, Player

    league = League()
    for name in PLAYERS:
        league.players.append(await Player.create(name=name))
    for organizer_name, cup_names in CUPS.items():
        organizer = None
        if organizer_name is not None:
            organizer = league.organizers[organizer_name] = await Organizer.create(name=organizer_name)
        for cup_name in cup_names:
            cup = league.cups[cup_name] = await Cup.create(name=cup_name, organizer=organizer)
            for match_name, round_number, indexes in MATCHES[cup_name]:
                match = await Match.create(name=match_name, round=round_number, cup=cup)
                await match.players.add(*(league.players[i] for i in indexes))
                league.matches[match_name] = match
    return league


# -- schema introspection ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ForeignKey:
    column: str
    table: str
    to_column: str
    on_delete: str


async def foreign_keys(backend: Backend, table: str) -> set[ForeignKey]:
    """The foreign keys the database reports for ``table`` (on_delete as SQL words)."""
    client = connections.client("default")
    if backend.name == "sqlite":
        rows = await client.fetch_all(f"PRAGMA foreign_key_list({client.dialect.quote(table)})")
        return {ForeignKey(r[3], r[2], r[4], r[6].upper()) for r in rows}
    if backend.name == "mysql":
        sql = (
            "SELECT k.column_name, k.referenced_table_name, k.referenced_column_name, r.delete_rule "
            "FROM information_schema.key_column_usage k JOIN information_schema.referential_constraints r "
            "ON r.constraint_name = k.constraint_name AND r.constraint_schema = k.constraint_schema "
            "WHERE k.table_schema = %s AND k.table_name = %s AND k.referenced_table_name IS NOT NULL"
        )
        rows = await client.fetch_all(sql, [backend.namespace, table])
    else:
        sql = (
            "SELECT a.attname, t.relname, fa.attname, c.confdeltype "
            "FROM pg_constraint c JOIN pg_class s ON s.oid = c.conrelid "
            "JOIN pg_namespace n ON n.oid = s.relnamespace JOIN pg_class t ON t.oid = c.confrelid "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
            "JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1] "
            "WHERE c.contype = 'f' AND n.nspname = $1 AND s.relname = $2"
        )
        if backend.name == "psycopg":
            sql = sql.replace("$1", "%s").replace("$2", "%s")
        rows = await client.fetch_all(sql, [backend.namespace, table])
        actions = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
        rows = [(r[0], r[1], r[2], actions[r[3] if isinstance(r[3], str) else r[3].decode()]) for r in rows]
    return {ForeignKey(r[0], r[1], r[2], r[3].upper()) for r in rows}


async def indexes(backend: Backend, table: str) -> dict[tuple[str, ...], bool]:
    """Column tuples of the indexes (unique constraints included) on ``table`` -> unique."""
    client = connections.client("default")
    found: dict[tuple[str, ...], bool] = {}
    if backend.name == "sqlite":
        quote = client.dialect.quote
        for row in await client.fetch_all(f"PRAGMA index_list({quote(table)})"):
            columns = await client.fetch_all(f"PRAGMA index_info({quote(row[1])})")
            found[tuple(c[2] for c in sorted(columns))] = bool(row[2])
        return found
    if backend.name == "mysql":
        sql = (
            "SELECT index_name, column_name, non_unique FROM information_schema.statistics "
            "WHERE table_schema = %s AND table_name = %s ORDER BY index_name, seq_in_index"
        )
    else:
        sql = (
            "SELECT i.relname, a.attname, NOT x.indisunique FROM pg_index x "
            "JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid "
            "JOIN pg_namespace n ON n.oid = t.relnamespace "
            "JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, position) ON true "
            "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
            "WHERE n.nspname = $1 AND t.relname = $2 ORDER BY i.relname, k.position"
        )
        if backend.name == "psycopg":
            sql = sql.replace("$1", "%s").replace("$2", "%s")
    grouped: dict[str, tuple[list[str], bool]] = {}
    for name, column, non_unique in await client.fetch_all(sql, [backend.namespace, table]):
        grouped.setdefault(name, ([], not non_unique))[0].append(column)
    for columns, unique in grouped.values():
        found[tuple(columns)] = unique
    return found
