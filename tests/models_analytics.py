"""Model and seed data for the expression and aggregate tests.

The tests compute every expected value in Python from the plain data below
(``GADGETS``, ``TOURNAMENTS``, ``EVENTS``), never from the ORM.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from orm import fields
from orm.models import Model


class Gadget(Model):
    """Numbers and text to compute with: stock levels, prices, padded and non-ASCII names."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)
    nickname = fields.CharField(max_length=50, null=True)
    stock = fields.IntField()
    reserved = fields.IntField()
    price = fields.DecimalField(max_digits=10, decimal_places=2)
    rating = fields.FloatField(null=True)

    def __str__(self) -> str:
        return self.name


#: name, nickname, stock, reserved, price, rating (two rows share stock 4, for DISTINCT).
GADGETS: list[dict[str, Any]] = [
    {
        "name": "  Épée ",
        "nickname": None,
        "stock": 10,
        "reserved": 3,
        "price": Decimal("9.99"),
        "rating": None,
    },
    {"name": "bolt", "nickname": "b", "stock": 4, "reserved": 2, "price": Decimal("0.57"), "rating": 4.5},
    {
        "name": "Ångström ",
        "nickname": "ang",
        "stock": 7,
        "reserved": 5,
        "price": Decimal("12.34"),
        "rating": 3.25,
    },
    {"name": "nut", "nickname": None, "stock": 4, "reserved": 0, "price": Decimal("1.00"), "rating": 2.0},
    {"name": "Gear", "nickname": "g", "stock": 25, "reserved": 10, "price": Decimal("100.10"), "rating": 5.0},
]

#: Two tournaments share a name (to tell grouping per object from grouping per name); Winter has no events.
TOURNAMENTS = ["Spring", "Summer", "Spring", "Winter"]
TEAMS = ["Ants", "Bees", "Cats", "Dogs"]
#: name, tournament index, prize, participant team indexes. "Final" appears in both Springs.
EVENTS: list[tuple[str, int, Decimal | None, list[int]]] = [
    ("Final", 0, Decimal("100.50"), [0, 1, 2]),
    ("Heat", 0, None, [0]),
    ("Semi", 0, Decimal("20.00"), []),
    ("Final", 2, Decimal("7.00"), [1, 3]),
    ("Sprint", 1, Decimal("5.25"), [0]),
]


@dataclass
class Seeded:
    """The objects created from the data above, in the data's order."""

    gadgets: list[Any] = field(default_factory=list)
    tournaments: list[Any] = field(default_factory=list)
    teams: list[Any] = field(default_factory=list)
    events: list[Any] = field(default_factory=list)


async def seed() -> Seeded:
    """Create the data above (in a test database set up with ``tests.models`` too)."""
    from tests.models import Event, Team, Tournament

    made = Seeded()
    for row in GADGETS:
        made.gadgets.append(await Gadget.create(**row))
    for name in TOURNAMENTS:
        made.tournaments.append(await Tournament.create(name=name))
    for name in TEAMS:
        made.teams.append(await Team.create(name=name))
    for name, tournament, prize, teams in EVENTS:
        event = await Event.create(name=name, tournament=made.tournaments[tournament], prize=prize)
        if teams:
            await event.participants.add(*(made.teams[i] for i in teams))
        made.events.append(event)
    return made
