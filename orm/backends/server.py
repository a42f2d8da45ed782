"""Connection settings shared by the server backends (PostgreSQL, MySQL)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from orm.backends.base.client import BaseDBAsyncClient
from orm.exceptions import ConfigurationError, DBConnectionError

T = TypeVar("T")


async def within(awaitable: Awaitable[T], seconds: float) -> T:
    """Await with a time limit, raising asyncio.TimeoutError.

    ``asyncio.wait_for`` before Python 3.12 can swallow a cancellation that arrives
    just as the awaited thing finishes; ``asyncio.timeout`` cannot.
    """
    if sys.version_info >= (3, 11):
        async with asyncio.timeout(seconds):
            return await awaitable
    return await asyncio.wait_for(awaitable, seconds)  # pragma: no cover - Python 3.10


def as_number(value: Any, name: str, kind: type = int) -> Any:
    """``value`` (of the URL option ``name``) as a ``kind``, or a ConfigurationError naming it."""
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise ConfigurationError(f"{name} must be a number, not {value!r}") from None


def _number(options: dict[str, Any], name: str, default: float, kind: type = int) -> Any:
    return as_number(options.pop(name, default), name, kind)


@dataclass
class ServerSettings:
    """Where a server is, how big the pool is, and how long to wait."""

    kind: str
    host: str
    port: int
    user: str | None
    password: str | None = field(repr=False)
    database: str
    minsize: int = 1
    maxsize: int = 10
    connect_timeout: float = 10.0
    acquire_timeout: float = 30.0
    schema: str | None = None
    options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_credentials(cls, kind: str, credentials: dict[str, Any]) -> ServerSettings:
        options = dict(credentials)
        for required in ("host", "database"):
            if not options.get(required):
                raise ConfigurationError(f"{kind} connection needs a {required}")
        host = options.pop("host")
        port = _number(options, "port", 5432 if kind == "postgres" else 3306)
        user = options.pop("user", None) or options.pop("username", None)
        password = options.pop("password", None)
        database = options.pop("database")
        minsize = _number(options, "minsize", _number(options, "min_size", 1))
        maxsize = _number(options, "maxsize", _number(options, "max_size", 10))
        if not 0 <= minsize <= maxsize or maxsize < 1:
            raise ConfigurationError(f"pool sizes must satisfy 0 <= minsize <= maxsize, got {minsize}, {maxsize}")
        return cls(
            kind=kind, host=str(host), port=port, user=user, password=password, database=str(database),
            minsize=minsize, maxsize=maxsize,
            connect_timeout=_number(options, "connect_timeout", 10.0, float),
            acquire_timeout=_number(options, "acquire_timeout", 30.0, float),
            schema=options.pop("schema", None), options=options,
        )

    def describe(self) -> str:
        """``kind://user@host:port/database`` without the password."""
        user = f"{self.user}@" if self.user else ""
        return f"{self.kind}://{user}{self.host}:{self.port}/{self.database}"

    def unreachable(self, exc: BaseException) -> DBConnectionError:
        reason = str(exc) or type(exc).__name__
        return DBConnectionError(f"cannot connect to {self.kind} at {self.host}:{self.port} ({reason})")

    def pool_exhausted(self) -> DBConnectionError:
        return DBConnectionError(
            f"{self.describe()}: no connection became free within {self.acquire_timeout:g}s "
            f"(pool of {self.maxsize}); raise maxsize or acquire_timeout in the URL"
        )


class ServerClient(BaseDBAsyncClient):
    """What the clients of server databases share: their settings, and creating or dropping
    the database itself through a connection to the server's maintenance database."""

    server_kind: ClassVar[str]

    def __init__(self, connection_name: str = "default", **credentials: Any) -> None:
        super().__init__(connection_name)
        self.server = ServerSettings.from_credentials(self.server_kind, credentials)

    def describe_target(self) -> str:
        return self.server.describe()

    async def _admin(self, sql: str) -> None:  # pragma: no cover - abstract
        """Run ``sql`` outside the configured database (which may not exist yet)."""
        raise NotImplementedError

    async def db_create(self) -> None:
        await self._admin(self.dialect.create_database_sql(self.server.database))

    async def db_delete(self) -> None:
        await self.close()
        await self._admin(self.dialect.drop_database_sql(self.server.database))

    def pool_closed(self) -> DBConnectionError:
        return DBConnectionError(f"{self.describe_target()}: the connection pool is closed")
