"""Tortoise ORM's documented examples, run against `orm` with only the package renamed."""
