"""SQLite-specific additions (Tortoise's ``tortoise.contrib.sqlite``)."""
