"""MySQL / MariaDB backend (driver: asyncmy). URL: ``mysql://user:pass@host:3306/db``."""

from orm.backends.mysql.client import MySQLClient, client_class

__all__ = ["MySQLClient", "client_class"]
