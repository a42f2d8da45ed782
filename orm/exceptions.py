"""The exceptions `orm` raises, with Tortoise ORM's names.

Several also derive from the matching built-in (``ValidationError`` is a
``ValueError``, ``DoesNotExist`` a ``LookupError``...) so that generic
``except`` clauses keep working.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any


class BaseORMException(Exception):
    """Base class of every exception raised by `orm`."""


class FieldError(BaseORMException, AttributeError):
    """A field, lookup or expression was used where it does not exist or does not fit."""


class ParamsError(BaseORMException, ValueError):
    """A function or method was called with arguments that do not make sense together."""


class ConfigurationError(BaseORMException):
    """The ORM was configured wrongly (bad URL, missing driver, bad modules...)."""


class TransactionManagementError(BaseORMException):
    """A transaction was used in a way that cannot work."""


class OperationalError(BaseORMException):
    """The database refused an operation, or an operation failed at run time."""


class IntegrityError(OperationalError):
    """A write broke a constraint (unique, not null, foreign key, check)."""


class DBConnectionError(BaseORMException, ConnectionError):
    """The database could not be reached, or the connection was lost."""


class NoValuesFetched(OperationalError):
    """A relation was iterated before its values were fetched."""


class NotExistOrMultiple(OperationalError):
    """Base of DoesNotExist and MultipleObjectsReturned."""

    def __init__(self, model: Any = None, *args: Any) -> None:
        self.model = model
        if isinstance(model, str) or model is None:
            super().__init__(*((model,) if model else ()), *args)
        else:
            super().__init__(self.message_for(model), *args)

    def message_for(self, model: Any) -> str:
        return str(model)

    def __str__(self) -> str:
        return self.args[0] if self.args else self.__class__.__name__


class DoesNotExist(NotExistOrMultiple, LookupError):
    """A query that should return exactly one object returned none."""

    def message_for(self, model: Any) -> str:
        return f"{model.__name__} matching the query does not exist"


class MultipleObjectsReturned(NotExistOrMultiple):
    """A query that should return exactly one object returned several."""

    def message_for(self, model: Any) -> str:
        return f"Multiple {model.__name__} objects were returned where one was expected"


class ObjectDoesNotExistError(DoesNotExist, KeyError):
    """Raised by ``await Model[pk]`` for a missing key (a ``KeyError`` too, as in Tortoise)."""

    def __init__(self, model: Any, pk_name: str, pk_val: Any) -> None:
        self.pk_name = pk_name
        self.pk_val = pk_val
        super().__init__(f"{model.__name__} has no object with {pk_name}={pk_val!r}")
        self.model = model


class IncompleteInstanceError(OperationalError):
    """An instance loaded with ``only()`` cannot be saved in full."""


class ValidationError(BaseORMException, ValueError):
    """A value failed a field's validation."""


class UnSupportedError(BaseORMException, NotImplementedError):
    """The database in use does not support this operation."""


def nearest(name: str, choices: Iterable[str]) -> str:
    """Phrase the valid choices nearest to ``name`` for an error message."""
    options = sorted(set(choices))
    close = difflib.get_close_matches(name, options, n=3, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join(repr(c) for c in close) + "?"
    if len(options) <= 12:
        return "choices are: " + ", ".join(options)
    return "choices include: " + ", ".join(options[:12]) + ", ..."


def unknown_field(model: type, name: str, choices: Iterable[str], what: str = "field") -> FieldError:
    """A FieldError naming the model, the bad name and the nearest valid ones."""
    return FieldError(f"{model.__name__} has no {what} {name!r}; {nearest(name, choices)}")
