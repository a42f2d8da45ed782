"""``connections``: the clients of the configured database aliases.

The registry is plain process state, so that a notebook cell sees the
connections a previous cell opened. Only the current transaction is
task-scoped (a ContextVar): code inside ``async with in_transaction():``
gets the transaction's client from ``connections.get``.
"""

from __future__ import annotations

import contextvars
from typing import TYPE_CHECKING, Any

from orm.exceptions import ConfigurationError, nearest
from orm.router import router

if TYPE_CHECKING:
    from orm.backends.base.client import BaseDBAsyncClient, QueryRunner, TransactionClient

_transactions: contextvars.ContextVar[dict[str, TransactionClient] | None] = contextvars.ContextVar(
    "orm_transactions", default=None
)


def current_transaction(alias: str) -> TransactionClient | None:
    """The innermost open transaction on ``alias`` in this task, if any."""
    open_transactions = _transactions.get()
    return open_transactions.get(alias) if open_transactions else None


def enter_transaction(tx: TransactionClient) -> contextvars.Token[dict[str, TransactionClient] | None]:
    return _transactions.set({**(_transactions.get() or {}), tx.connection_name: tx})


def leave_transaction(token: contextvars.Token[dict[str, TransactionClient] | None]) -> None:
    try:
        _transactions.reset(token)
    except ValueError:  # exited in another context (e.g. a generator finalised elsewhere)
        pass


class ConnectionHandler:
    """Creates clients from the configuration on first use and keeps them for the process."""

    def __init__(self) -> None:
        self._config: dict[str, Any] = {}
        self._clients: dict[str, BaseDBAsyncClient] = {}

    def configure(self, connections_config: dict[str, Any]) -> None:
        """Replace the configuration (clients are created lazily)."""
        self._config = dict(connections_config)
        self._clients = {}

    @property
    def db_config(self) -> dict[str, Any]:
        return self._config

    def get(self, alias: str) -> QueryRunner:
        """The client for ``alias`` (or the open transaction on it in this task)."""
        open_transactions = _transactions.get()
        if open_transactions:
            tx = open_transactions.get(alias)
            if tx is not None and not tx._released:  # a task may outlive the block it started in
                return tx
        return self.client(alias)

    def client(self, alias: str) -> BaseDBAsyncClient:
        """The client for ``alias``, ignoring any open transaction."""
        client = self._clients.get(alias)
        if client is not None:
            return client
        if alias not in self._config:
            if not self._config:
                raise ConfigurationError(
                    "no database is configured: call Tortoise.init() (or %orm_init) first"
                )
            raise ConfigurationError(f"unknown connection {alias!r}; {nearest(alias, self._config)}")
        from orm.config import create_client

        client = create_client(alias, self._config[alias])
        self._clients[alias] = client
        return client

    def set(self, alias: str, client: BaseDBAsyncClient) -> None:
        """Use ``client`` for ``alias``."""
        self._clients[alias] = client

    def discard(self, alias: str) -> BaseDBAsyncClient | None:
        """Forget ``alias``'s client (without closing it) and return it."""
        return self._clients.pop(alias, None)

    def all(self) -> list[BaseDBAsyncClient]:
        """Every configured alias's client."""
        return [self.client(alias) for alias in self._config]

    def opened(self) -> list[BaseDBAsyncClient]:
        """The clients created so far."""
        return list(self._clients.values())

    async def close_all(self, discard: bool = True) -> None:
        """Close every client; with ``discard``, forget the configuration too."""
        for client in list(self._clients.values()):
            await client.close()
        if discard:
            self._clients = {}
            self._config = {}


connections = ConnectionHandler()


def get_connection(alias: str) -> QueryRunner:
    """``connections.get(alias)``."""
    return connections.get(alias)


def get_connections() -> ConnectionHandler:
    """The connection registry (Tortoise 1.x's accessor; there is one per process here)."""
    return connections


def db_for(model: Any, using_db: QueryRunner | None = None, write: bool = False) -> QueryRunner:
    """The client a query on ``model`` runs on: ``using_db``, a router's choice, or the model's."""
    if using_db is not None:
        return using_db
    if router._routers:
        alias = router.db_for(model, write)
        if alias is not None:
            return connections.get(alias)
    return model._meta.db
