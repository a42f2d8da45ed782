"""MySQL/MariaDB-specific additions (Tortoise's ``tortoise.contrib.mysql``)."""
