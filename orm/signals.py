"""Model signals: functions called before/after an instance is saved or deleted.

    @post_save(Event)
    async def on_saved(sender, instance, created, using_db, update_fields): ...

Receivers may be plain functions or coroutines.
"""

from __future__ import annotations

import enum
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from orm.models import Model

F = TypeVar("F", bound=Callable[..., Any])


class Signals(str, enum.Enum):
    pre_save = "pre_save"
    post_save = "post_save"
    pre_delete = "pre_delete"
    post_delete = "post_delete"


def _connect(signal: Signals, senders: tuple[type[Model], ...]) -> Callable[[F], F]:
    def decorator(receiver: F) -> F:
        for sender in senders:
            sender.register_listener(signal, receiver)
        return receiver

    return decorator


def pre_save(*senders: type[Model]) -> Callable[[F], F]:
    """Call the receiver ``(sender, instance, using_db, update_fields)`` before each save."""
    return _connect(Signals.pre_save, senders)


def post_save(*senders: type[Model]) -> Callable[[F], F]:
    """Call the receiver ``(sender, instance, created, using_db, update_fields)`` after each save."""
    return _connect(Signals.post_save, senders)


def pre_delete(*senders: type[Model]) -> Callable[[F], F]:
    """Call the receiver ``(sender, instance, using_db)`` before each delete."""
    return _connect(Signals.pre_delete, senders)


def post_delete(*senders: type[Model]) -> Callable[[F], F]:
    """Call the receiver ``(sender, instance, using_db)`` after each delete."""
    return _connect(Signals.post_delete, senders)


async def send(model: type[Model], signal: Signals, *args: Any) -> None:
    """Call every receiver of ``signal`` on ``model``, awaiting coroutines in order."""
    for receiver in model._meta.signals[signal.value]:
        result = receiver(model, *args)
        if inspect.isawaitable(result):
            await result
