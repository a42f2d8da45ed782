"""PostgreSQL backend (driver: psycopg 3). URL: ``psycopg://user:pass@host:5432/db``."""

from orm.backends.psycopg.client import PsycopgClient, client_class

__all__ = ["PsycopgClient", "client_class"]
