"""SQLite backend (driver: aiosqlite). URL: ``sqlite://:memory:``, ``sqlite://file.db``, ``sqlite:///abs/file.db``."""

from orm.backends.sqlite.client import SqliteClient, client_class

__all__ = ["SqliteClient", "client_class"]
