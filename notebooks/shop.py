"""The tutorials' shop: five models and a seeded generator of a few thousand rows.

Used by notebooks 04 (querying), 05 (DataFrames), 07 (PostgreSQL) and 08 (relation graph):

    %orm_init sqlite://:memory: --modules shop --app shop --generate-schemas
    import shop
    await shop.populate()          # the same rows every time (seeded)

The data is made up but shaped like a real shop's: a few best sellers, most
customers ordering now and then, more orders towards the end of each year.
"""

from __future__ import annotations

import datetime
import enum
import random
from decimal import Decimal

from orm import fields
from orm.models import Model
from orm.transactions import in_transaction


class Status(str, enum.Enum):
    PAID = "paid"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


class Category(Model):
    name = fields.CharField(max_length=50, unique=True)

    def __str__(self) -> str:
        return self.name


class Product(Model):
    name = fields.CharField(max_length=100)
    category = fields.ForeignKeyField("shop.Category", related_name="products")
    price = fields.DecimalField(max_digits=8, decimal_places=2)
    in_stock = fields.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


class Customer(Model):
    name = fields.CharField(max_length=100)
    email = fields.CharField(max_length=200, unique=True)
    country = fields.CharField(max_length=2, description="ISO 3166 code")
    joined = fields.DateField()

    def __str__(self) -> str:
        return self.name


class Order(Model):
    customer = fields.ForeignKeyField("shop.Customer", related_name="orders")
    placed_at = fields.DatetimeField()
    status = fields.CharEnumField(Status, default=Status.PAID)

    class Meta:
        ordering = ["id"]


class OrderLine(Model):
    order = fields.ForeignKeyField("shop.Order", related_name="lines")
    product = fields.ForeignKeyField("shop.Product", related_name="order_lines")
    quantity = fields.SmallIntField()
    unit_price = fields.DecimalField(max_digits=8, decimal_places=2)


# -- the generator ---------------------------------------------------------------------------------
CATALOGUE = {
    "Books": ["Atlas", "Cookbook", "Field Guide", "Novel", "Poetry", "Travel Guide", "Comic", "Dictionary"],
    "Games": ["Chess Set", "Puzzle 1000", "Card Game", "Dice Set", "Board Game", "Go Set"],
    "Kitchen": ["Teapot", "Mug", "Cutting Board", "Chef Knife", "Pepper Mill", "Apron", "Whisk"],
    "Garden": ["Trowel", "Seed Mix", "Watering Can", "Gloves", "Planter", "Hose"],
    "Office": ["Notebook", "Fountain Pen", "Desk Lamp", "Stapler", "Ink", "Pencil Case", "Ruler"],
    "Outdoor": ["Tent", "Sleeping Bag", "Headlamp", "Water Bottle", "Compass", "Backpack"],
}
PRICE_RANGE = {"Books": (8, 45), "Games": (10, 80), "Kitchen": (6, 120), "Garden": (4, 60),
               "Office": (2, 90), "Outdoor": (12, 250)}
COUNTRIES = {"DE": 30, "FR": 22, "GB": 18, "NL": 10, "ES": 9, "IT": 7, "PL": 4}
FIRST = ["Ada", "Ben", "Chloé", "Dmitri", "Eva", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kira", "Luca",
         "Mia", "Noah", "Olga", "Paul", "Rosa", "Sami", "Tara", "Ugo", "Vera", "Wim", "Yara", "Zoë"]
LAST = ["Adler", "Berg", "Costa", "Dubois", "Evans", "Fischer", "García", "Hansen", "Ivanova", "Jansen",
        "Keller", "López", "Müller", "Nowak", "Olsen", "Petit", "Rossi", "Schmidt", "Smith", "Vogel"]
#: relative number of orders in each month (busier before Christmas)
SEASON = [7, 6, 7, 7, 8, 7, 6, 6, 8, 9, 12, 17]
START = datetime.date(2023, 1, 1)
DAYS = 731  # two years: 2023 and 2024


def _categories() -> list[Category]:
    return [Category(name=name) for name in CATALOGUE]


def _products(rng: random.Random, categories: list[Category]) -> list[Product]:
    products = []
    for category in categories:
        low, high = PRICE_RANGE[category.name]
        for name in CATALOGUE[category.name]:
            cents = rng.randrange(low * 100, high * 100, 50) - 1  # prices like 12.49
            products.append(Product(name=name, category=category, price=Decimal(cents) / 100,
                                    in_stock=rng.random() > 0.1))
    return products


def _customers(rng: random.Random, count: int) -> list[Customer]:
    customers = []
    for i in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        country = rng.choices(list(COUNTRIES), weights=list(COUNTRIES.values()))[0]
        customers.append(Customer(
            name=f"{first} {last}", email=f"{first.lower()}.{last.lower()}.{i}@example.com",
            country=country, joined=START + datetime.timedelta(days=int((DAYS - 30) * rng.random() ** 2)),
        ))
    return customers


def _order_day(rng: random.Random, joined: datetime.date) -> datetime.date:
    while True:
        month = rng.choices(range(1, 13), weights=SEASON)[0]
        year = rng.choice((2023, 2024))
        day = datetime.date(year, month, rng.randint(1, 28))
        if day >= joined:
            return day


def _orders(rng: random.Random, customers: list[Customer], count: int) -> list[Order]:
    # a few loyal customers order often, most only now and then
    weights = [rng.paretovariate(2.5) for _ in customers]
    orders = []
    for customer in rng.choices(customers, weights=weights, k=count):
        day = _order_day(rng, customer.joined)
        placed = datetime.datetime.combine(day, datetime.time(rng.randint(7, 22), rng.randrange(60)),
                                           tzinfo=datetime.timezone.utc)
        status = rng.choices(list(Status), weights=[20, 70, 7, 3])[0]
        orders.append(Order(customer=customer, placed_at=placed, status=status))
    orders.sort(key=lambda order: order.placed_at)
    return orders


def _lines(rng: random.Random, orders: list[Order], products: list[Product]) -> list[OrderLine]:
    popularity = [rng.paretovariate(2.0) for _ in products]
    lines = []
    for order in orders:
        chosen = set()
        for _ in range(rng.choices((1, 2, 3, 4, 5), weights=(35, 30, 18, 10, 7))[0]):
            product = rng.choices(products, weights=popularity)[0]
            if product.id in chosen:
                continue
            chosen.add(product.id)
            quantity = rng.choices((1, 2, 3, 6), weights=(70, 20, 7, 3))[0]
            lines.append(OrderLine(order=order, product=product, quantity=quantity, unit_price=product.price))
    return lines


async def populate(seed: int = 2024, customers: int = 600, orders: int = 4000) -> dict[str, int]:
    """Fill the (empty) shop tables with the same made-up rows for the same arguments.

    Returns how many rows each table got.
    """
    rng = random.Random(seed)
    async with in_transaction():  # one transaction: all rows or none
        categories = await Category.bulk_create(_categories())
        products = await Product.bulk_create(_products(rng, categories))
        people = await Customer.bulk_create(_customers(rng, customers), batch_size=1000)
        placed = await Order.bulk_create(_orders(rng, people, orders), batch_size=1000)
        lines = await OrderLine.bulk_create(_lines(rng, placed, products), batch_size=1000)
    made = (categories, products, people, placed, lines)
    return {type(objects[0]).__name__: len(objects) for objects in made}
