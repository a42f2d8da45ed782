"""``Model``: subclass it, declare fields, and query with ``await Model.filter(...)``.

    class Tournament(Model):
        id = fields.IntField(primary_key=True)
        name = fields.CharField(max_length=255)

Class creation collects the fields (``orm.model.setup``); ``Tortoise.init``
binds models to a database and wires relations.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Generator, Iterable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from orm import persistence, signals
from orm.connection import db_for
from orm.exceptions import (
    ConfigurationError,
    DoesNotExist,
    IncompleteInstanceError,
    IntegrityError,
    MultipleObjectsReturned,
    ObjectDoesNotExistError,
    OperationalError,
    ParamsError,
    TransactionManagementError,
    unknown_field,
)
from orm.expressions import Q
from orm.fields.base import given_value
from orm.model.options import ModelOptions
from orm.model.setup import build_model
from orm.queryset.by_pk import by_pk

if TYPE_CHECKING:
    from typing_extensions import Self

    from orm.backends.base.client import QueryRunner
    from orm.queryset import CountQuery, ExistsQuery, QuerySet, QuerySetSingle, ValuesQuery
    from orm.queryset.terminal import RawSQLQuery

MODEL = TypeVar("MODEL", bound="Model")


class Model:
    """Base class of models. ``Meta`` options: table, abstract, app, ordering,
    unique_together, indexes, table_description, schema, manager."""

    _meta: ClassVar[ModelOptions]
    DoesNotExist: ClassVar[type[DoesNotExist]] = DoesNotExist
    MultipleObjectsReturned: ClassVar[type[MultipleObjectsReturned]] = MultipleObjectsReturned
    _saved_in_db: bool = False
    _partial: bool = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        build_model(cls)

    def __init__(self, **kwargs: Any) -> None:
        # generated per model (orm.model.construct): unknown names -> FieldError, given values
        # converted, defaults for the rest, relations assigned; ConfigurationError if abstract
        self._meta.construct(self, kwargs)

    # -- identity -------------------------------------------------------------------
    @property
    def pk(self) -> Any:
        """The primary key value."""
        return self.__dict__.get(self._meta.pk_attr)

    @pk.setter
    def pk(self, value: Any) -> None:
        self.__dict__[self._meta.pk_attr] = value

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        if self.pk is None:  # an unsaved instance equals only itself
            return self is other
        return self.pk == other.pk  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        if self.pk is None:
            raise TypeError("Model instances without a primary key value are unhashable")
        return hash((type(self), self.pk))

    def __repr__(self) -> str:
        if self.pk is not None:
            return f"<{type(self).__name__}: {self.pk}>"
        return f"<{type(self).__name__}>"

    def __str__(self) -> str:
        return f"<{type(self).__name__}>"

    def __await__(self) -> Generator[Any, None, Self]:
        """``await instance`` gives the instance, as in Tortoise: ``await event.tournament``
        works whether the relation was already fetched (an instance) or not (a query)."""

        async def itself() -> Self:
            return self

        return itself().__await__()

    def __class_getitem__(cls, key: Any) -> Awaitable[Self]:
        """``await Event[1]``: the instance with that primary key; ``ObjectDoesNotExistError``
        (also a ``KeyError``) when there is none, as in Tortoise."""
        return cls._getbypk(key)

    @classmethod
    async def _getbypk(cls, key: Any) -> Self:
        try:
            return await cls._qs().get(pk=key)
        except (DoesNotExist, ValueError) as exc:
            raise ObjectDoesNotExistError(cls, cls._meta.pk_attr, key) from exc

    # -- persistence -------------------------------------------------------------------
    def _db(self, using_db: QueryRunner | None, write: bool = True) -> QueryRunner:
        return db_for(type(self), using_db, write)

    async def save(
        self,
        using_db: QueryRunner | None = None,
        update_fields: Iterable[str] | None = None,
        force_create: bool = False,
        force_update: bool = False,
    ) -> None:
        """INSERT (new instance or ``force_create``) or UPDATE (only ``update_fields`` if given)."""
        if force_create and force_update:
            raise ParamsError("save() takes force_create or force_update, not both")
        if self._partial and update_fields is None and self._saved_in_db:
            raise IncompleteInstanceError(
                f"{type(self).__name__} was loaded with only(); save it with update_fields=[...]"
            )
        fields = list(update_fields) if update_fields is not None else None
        client = using_db if using_db is not None else db_for(type(self), None, True)
        creating = force_create or (not self._saved_in_db and not force_update)
        receivers = self._meta.signals
        if receivers["pre_save"]:
            await signals.send(type(self), signals.Signals.pre_save, self, client, fields)
        if creating:
            await persistence.insert(self, client)
        else:
            await persistence.update(self, client, fields, must_exist=force_update)
        if receivers["post_save"]:
            await signals.send(type(self), signals.Signals.post_save, self, creating, client, fields)

    async def delete(self, using_db: QueryRunner | None = None) -> None:
        """DELETE this instance's row."""
        if not self._saved_in_db or self.pk is None:
            raise OperationalError("Can't delete unpersisted record")
        client = using_db if using_db is not None else db_for(type(self), None, True)
        receivers = self._meta.signals
        if receivers["pre_delete"]:
            await signals.send(type(self), signals.Signals.pre_delete, self, client)
        await persistence.delete(self, client)
        if receivers["post_delete"]:
            await signals.send(type(self), signals.Signals.post_delete, self, client)

    async def refresh_from_db(
        self, fields: Iterable[str] | None = None, using_db: QueryRunner | None = None
    ) -> None:
        """Reload field values from the database (all, or just ``fields``)."""
        if not self._saved_in_db or self.pk is None:
            raise OperationalError("Can't refresh an unsaved instance")
        qs = type(self)._meta.manager.get_queryset().using_db(self._db(using_db, write=False))
        if fields:
            qs = qs.only(*fields)
        fresh = await qs.filter(pk=self.pk).first()
        if fresh is None:
            raise self.DoesNotExist(type(self))
        for key, value in fresh.__dict__.items():
            if not key.startswith("_") or key in self._meta.fields_map:
                self.__dict__[key] = value
        if fields is None:
            self._partial = False

    async def fetch_related(self, *args: Any, using_db: QueryRunner | None = None) -> None:
        """Load these relations onto this instance (names, ``"a__b"`` paths or ``Prefetch``)."""
        from orm.prefetch import prefetch

        await prefetch([self], args, using_db)

    @classmethod
    async def fetch_for_list(
        cls, instances: Iterable[Self], *args: Any, using_db: QueryRunner | None = None
    ) -> None:
        """Load these relations onto every instance, one query per relation level."""
        from orm.prefetch import prefetch

        await prefetch(list(instances), args, using_db)

    def update_from_dict(self, data: dict[str, Any]) -> Self:
        """Set several fields from a dict (validated names); returns self for chaining."""
        meta = self._meta
        for key, value in data.items():
            field = meta.fields_map.get(key) or (meta.pk if key == "pk" else None)
            if field is None:
                raise unknown_field(type(self), key, [*meta.fields_map, "pk"])
            if field.has_db_field:
                if field.pk:
                    raise ParamsError(f"update_from_dict() cannot change the primary key {key!r}")
                self.__dict__[key] = given_value(field, value)
            else:
                field.assign(self, value)  # type: ignore[attr-defined]
        return self

    def clone(self, pk: Any = None) -> Self:
        """An unsaved copy (with primary key ``pk``, None by default); save() inserts it."""
        other = object.__new__(type(self))
        other.__dict__.update(self.__dict__)
        other.pk = pk
        other._saved_in_db = False
        return other

    # -- class-level API: thin entry points into querysets ---------------------------------
    @classmethod
    def _qs(cls, using_db: QueryRunner | None = None) -> QuerySet[Self]:
        qs = cls._meta.manager.get_queryset()
        return qs.using_db(using_db) if using_db is not None else qs

    @classmethod
    async def create(cls, using_db: QueryRunner | None = None, **kwargs: Any) -> Self:
        """Create, INSERT and return an instance."""
        instance = cls(**kwargs)
        await instance.save(using_db=using_db, force_create=True)
        return instance

    @classmethod
    def all(cls, using_db: QueryRunner | None = None) -> QuerySet[Self]:
        """Every row."""
        return cls._qs(using_db)

    @classmethod
    def filter(cls, *args: Q, **kwargs: Any) -> QuerySet[Self]:
        """Rows matching the conditions."""
        return cls._qs().filter(*args, **kwargs)

    @classmethod
    def exclude(cls, *args: Q, **kwargs: Any) -> QuerySet[Self]:
        """Rows not matching the conditions."""
        return cls._qs().exclude(*args, **kwargs)

    @classmethod
    def annotate(cls, **kwargs: Any) -> QuerySet[Self]:
        """Rows with computed values added."""
        return cls._qs().annotate(**kwargs)

    @classmethod
    def get(cls, *args: Q, using_db: QueryRunner | None = None, **kwargs: Any) -> QuerySetSingle[Self]:
        """The one matching instance (DoesNotExist / MultipleObjectsReturned otherwise)."""
        if not args:
            fast = by_pk(cls, kwargs, using_db, "get")
            if fast is not None:
                return fast
        return cls._qs(using_db).get(*args, **kwargs)

    @classmethod
    def get_or_none(
        cls, *args: Q, using_db: QueryRunner | None = None, **kwargs: Any
    ) -> QuerySetSingle[Self | None]:  # type: ignore[type-var]
        """The one matching instance, or None."""
        if not args:
            fast = by_pk(cls, kwargs, using_db, "get_or_none")
            if fast is not None:
                return fast  # type: ignore[return-value]
        return cls._qs(using_db).get_or_none(*args, **kwargs)

    @classmethod
    def first(cls, using_db: QueryRunner | None = None) -> QuerySetSingle[Self | None]:  # type: ignore[type-var]
        """The first instance by ordering (else primary key), or None."""
        return cls._qs(using_db).first()

    @classmethod
    def last(cls, using_db: QueryRunner | None = None) -> QuerySetSingle[Self | None]:  # type: ignore[type-var]
        """The last instance by ordering (else primary key), or None."""
        return cls._qs(using_db).last()

    @classmethod
    def latest(cls, *orderings: str) -> QuerySetSingle[Self | None]:  # type: ignore[type-var]
        return cls._qs().latest(*orderings)

    @classmethod
    def earliest(cls, *orderings: str) -> QuerySetSingle[Self | None]:  # type: ignore[type-var]
        return cls._qs().earliest(*orderings)

    @classmethod
    def exists(cls, *args: Q, using_db: QueryRunner | None = None, **kwargs: Any) -> ExistsQuery:
        """Whether any row matches."""
        return cls._qs(using_db).filter(*args, **kwargs).exists()

    @classmethod
    def count(cls, using_db: QueryRunner | None = None) -> CountQuery:
        return cls._qs(using_db).count()

    @classmethod
    def values(cls, *fields: str, **named: str) -> ValuesQuery[dict[str, Any]]:
        return cls._qs().values(*fields, **named)

    @classmethod
    def values_list(cls, *fields: str, flat: bool = False) -> ValuesQuery[Any]:
        return cls._qs().values_list(*fields, flat=flat)

    @classmethod
    def raw(cls, sql: str, using_db: QueryRunner | None = None) -> RawSQLQuery:
        """Instances from hand-written SQL (columns named like fields fill them)."""
        from orm.queryset.terminal import RawSQLQuery

        return RawSQLQuery(cls, sql, db_for(cls, using_db, False))

    @classmethod
    def select_for_update(
        cls, nowait: bool = False, skip_locked: bool = False, of: tuple[str, ...] = ()
    ) -> QuerySet[Self]:
        return cls._qs().select_for_update(nowait, skip_locked, of)

    @classmethod
    async def get_or_create(
        cls, defaults: dict[str, Any] | None = None, using_db: QueryRunner | None = None, **kwargs: Any
    ) -> tuple[Self, bool]:
        """``(instance, created)``: the matching instance, or a new one made of kwargs + defaults."""
        if not kwargs:
            raise ParamsError("get_or_create() needs keyword filters")
        client = db_for(cls, using_db, write=True)
        found = await cls._qs(client).get_or_none(**kwargs)
        if found is not None:
            return found, False
        try:
            async with client.in_transaction() as tx:
                return await cls.create(using_db=tx, **{**(defaults or {}), **kwargs}), True
        except (IntegrityError, TransactionManagementError):
            found = await cls._qs(client).get_or_none(**kwargs)
            if found is None:
                raise
            return found, False

    @classmethod
    async def update_or_create(
        cls, defaults: dict[str, Any] | None = None, using_db: QueryRunner | None = None, **kwargs: Any
    ) -> tuple[Self, bool]:
        """``(instance, created)``: update the matching instance with defaults, or create it."""
        client = db_for(cls, using_db, write=True)
        async with client.in_transaction() as tx:
            found = await cls._qs(tx).select_for_update().get_or_none(**kwargs)
            if found is None:
                return await cls.create(using_db=tx, **{**(defaults or {}), **kwargs}), True
            if defaults:
                found.update_from_dict(defaults)
                await found.save(using_db=tx, update_fields=list(defaults))
            return found, False

    @classmethod
    async def bulk_create(
        cls,
        objects: Iterable[Self],
        batch_size: int | None = None,
        ignore_conflicts: bool = False,
        update_fields: Iterable[str] | None = None,
        on_conflict: Iterable[str] | None = None,
        using_db: QueryRunner | None = None,
    ) -> list[Self]:
        """INSERT many instances at once; generated primary keys are filled in where possible."""
        client = db_for(cls, using_db, write=True)
        return await persistence.bulk_create(
            cls, list(objects), client, batch_size, ignore_conflicts, update_fields, on_conflict
        )  # type: ignore[return-value]

    @classmethod
    async def bulk_update(
        cls,
        objects: Iterable[Self],
        fields: Iterable[str],
        batch_size: int | None = None,
        using_db: QueryRunner | None = None,
    ) -> int:
        """UPDATE ``fields`` of many instances in few statements; returns the rows changed."""
        return await persistence.bulk_update(
            cls, list(objects), fields, db_for(cls, using_db, True), batch_size
        )

    @classmethod
    async def in_bulk(
        cls, id_list: Iterable[Any], field_name: str = "pk", using_db: QueryRunner | None = None
    ) -> dict[Any, Self]:
        """A dict of the instances whose ``field_name`` is in ``id_list``."""
        return await cls._qs(using_db).in_bulk(id_list, field_name)

    @classmethod
    def register_listener(cls, signal: signals.Signals, listener: Callable[..., Any]) -> None:
        """Call ``listener`` on ``signal`` (pre_save, post_save, pre_delete, post_delete)."""
        if not callable(listener):
            raise ConfigurationError(f"signal listener {listener!r} is not callable")
        receivers = cls._meta.signals[signals.Signals(signal).value]
        if listener not in receivers:  # as in Tortoise: registering twice calls it once
            receivers.append(listener)

    @classmethod
    def describe(cls, serializable: bool = True) -> dict[str, Any]:
        """A dict describing the model and its fields."""
        meta = cls._meta

        def of_kind(names: set[str]) -> list[dict[str, Any]]:
            return [f.describe(serializable) for name, f in meta.fields_map.items() if name in names]

        return {
            "name": meta.full_name,
            "app": meta.app,
            "table": meta.db_table,
            "abstract": meta.abstract,
            "description": meta.table_description or None,
            "docstring": inspect.cleandoc(cls.__doc__ or "") or None,
            "unique_together": meta.unique_together or [],
            "indexes": [
                index.describe() if serializable and hasattr(index, "describe") else index
                for index in meta.indexes
            ],
            "pk_field": meta.pk.describe(serializable) if meta.pk else None,
            "data_fields": [f.describe(serializable) for f in meta.db_fields if not f.pk],
            "fk_fields": of_kind(meta.fk_fields),
            "backward_fk_fields": of_kind(meta.backward_fk_fields),
            "o2o_fields": of_kind(meta.o2o_fields),
            "backward_o2o_fields": of_kind(meta.backward_o2o_fields),
            "m2m_fields": of_kind(meta.m2m_fields),
        }

