"""PostgreSQL-specific additions (Tortoise's ``tortoise.contrib.postgres``)."""
