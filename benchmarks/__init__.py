"""Benchmarks: ``orm`` side by side with the raw drivers, Tortoise ORM and SQLAlchemy (see README.md)."""
