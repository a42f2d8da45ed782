"""PostgreSQL backend (driver: asyncpg). URL: ``postgres://user:pass@host:5432/db``."""

from orm.backends.asyncpg.client import AsyncpgDBClient, client_class

__all__ = ["AsyncpgDBClient", "client_class"]
