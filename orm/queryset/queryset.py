"""``QuerySet``: a lazy, immutable description of a SELECT over one model.

Every method returns a new queryset (reusing a base queryset is safe);
``await qs`` runs it and returns a list of instances, ``async for`` streams.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterable
from typing import TYPE_CHECKING, Any, Generic

from orm.exceptions import (
    DoesNotExist,
    FieldError,
    MultipleObjectsReturned,
    ParamsError,
    unknown_field,
)
from orm.expressions import Expression, Q
from orm.hydration import builder, hydrate
from orm.queryset.base import MODEL, AwaitableQuery, check_alias, check_limit
from orm.sql.compiler import compile_select
from orm.sql.query import ForUpdate

if TYPE_CHECKING:
    from orm.queryset.terminal import CountQuery, DeleteQuery, ExistsQuery, UpdateQuery
    from orm.queryset.values import ValuesQuery

#: Rows fetched per round trip when a queryset is iterated with ``async for``.
STREAM_CHUNK = 1000


class QuerySet(AwaitableQuery[list[MODEL]], Generic[MODEL]):
    """Rows of ``model`` matching filters, in an order, within limits."""

    _single: str | None = None

    # -- filtering -------------------------------------------------------------
    def _check_keys(self, keys: Iterable[str]) -> None:
        meta = self.model._meta
        annotated = {name for name, _ in self._query.annotations}
        for key in keys:
            first = key.split("__", 1)[0]
            if first != "pk" and first not in meta.fields_map and first not in annotated:
                raise unknown_field(self.model, first, [*meta.fields_map, "pk", *annotated])

    def _checked(self, args: tuple[Q, ...], kwargs: dict[str, Any], method: str) -> None:
        for arg in args:
            if not isinstance(arg, Q):
                raise TypeError(f"{method}() takes Q objects as positional arguments, not {arg!r}")
            self._check_keys(key for key, _ in arg.leaves())
        self._check_keys(kwargs)

    def filter(self, *args: Q, **kwargs: Any) -> QuerySet[MODEL]:
        """Rows matching every condition: ``filter(name__icontains="x", Q(a=1) | Q(b=2))``."""
        if not args and not kwargs:
            return self
        self._checked(args, kwargs, "filter")
        condition = args[0] if len(args) == 1 and not kwargs else Q(*args, **kwargs)
        return self._chain(filters=(*self._query.filters, condition))

    def exclude(self, *args: Q, **kwargs: Any) -> QuerySet[MODEL]:
        """Rows matching none of the conditions: each Q and each keyword is negated on its own
        (``exclude(a=1, b=2)`` is ``NOT a AND NOT b``, as in Tortoise; ``exclude(Q(a=1, b=2))``
        is ``NOT (a AND b)``). Rows where a compared column is NULL are kept."""
        if not args and not kwargs:
            return self
        self._checked(args, kwargs, "exclude")
        negated = [~q for q in args] + [~Q(**{key: value}) for key, value in kwargs.items()]
        return self._chain(filters=(*self._query.filters, *negated))

    def all(self) -> QuerySet[MODEL]:
        """This queryset (a copy)."""
        return self._copy()

    # -- shaping -----------------------------------------------------------------
    def order_by(self, *orderings: str | Expression) -> QuerySet[MODEL]:
        """Order by fields (``"-name"`` descends); ``"tournament__name"`` follows relations."""
        for term in orderings:
            if isinstance(term, str):
                self._check_keys([term.lstrip("-")])
            elif not isinstance(term, Expression):
                raise FieldError(f"order_by() takes field names, not {term!r}")
        return self._chain(order_by=tuple(orderings))

    def limit(self, limit: int) -> QuerySet[MODEL]:
        """At most ``limit`` rows."""
        return self._chain(limit=check_limit(limit, "limit"))

    def offset(self, offset: int) -> QuerySet[MODEL]:
        """Skip the first ``offset`` rows."""
        return self._chain(offset=check_limit(offset, "offset"))

    def __getitem__(self, key: slice) -> QuerySet[MODEL]:
        if not isinstance(key, slice):
            raise ParamsError("QuerySet indices must be slices, e.g. qs[10:20]")
        if key.step not in (None, 1):
            raise ParamsError("QuerySet slices cannot have a step")
        start = check_limit(key.start or 0, "slice start")
        qs = self.offset(start) if start else self
        if key.stop is not None:
            stop = check_limit(key.stop, "slice stop")
            qs = qs.limit(max(stop - start, 0))
        return qs

    def distinct(self) -> QuerySet[MODEL]:
        """Drop duplicate rows."""
        return self._chain(distinct=True)

    def only(self, *fields: str) -> QuerySet[MODEL]:
        """Load only these fields (and the primary key); such instances save only with update_fields."""
        if not fields:
            raise ParamsError("only() needs at least one field name")
        self._check_keys(fields)
        return self._chain(only=tuple(fields))

    def annotate(self, **annotations: Expression) -> QuerySet[MODEL]:
        """Add computed values (``n=Count("events")``) to each row, filterable and orderable."""
        for name, value in annotations.items():
            check_alias(name, "annotation name")
            if not isinstance(value, Expression):
                raise FieldError(f"annotate({name}=...) needs an expression, not {value!r}")
            if name in self.model._meta.fields_map:
                raise FieldError(f"annotation {name!r} clashes with a field of {self.model.__name__}")
        return self._chain(annotations=(*self._query.annotations, *annotations.items()))

    def group_by(self, *fields: str) -> QuerySet[MODEL]:
        """GROUP BY these fields (use with ``values()`` and aggregate annotations)."""
        self._check_keys(fields)
        return self._chain(group_by=tuple(fields))

    def select_related(self, *paths: str) -> QuerySet[MODEL]:
        """Fetch these foreign-key relations in the same query (JOIN)."""
        self._check_keys(paths)
        return self._chain(select_related=(*self._query.select_related, *paths))

    def prefetch_related(self, *lookups: Any) -> QuerySet[MODEL]:
        """Fetch these relations with one extra query per level (names or ``Prefetch``)."""
        from orm.prefetch import check_paths

        for lookup in lookups:
            if isinstance(lookup, str):
                self._check_keys([lookup])
        check_paths(self.model, lookups)
        return self._chain(prefetch=(*self._query.prefetch, *lookups))

    def select_for_update(
        self, nowait: bool = False, skip_locked: bool = False, of: tuple[str, ...] = ()
    ) -> QuerySet[MODEL]:
        """Lock the selected rows until the transaction ends (where supported)."""
        return self._chain(for_update=ForUpdate(nowait, skip_locked, tuple(of)))

    def force_index(self, *indexes: str) -> QuerySet[MODEL]:
        """MySQL's FORCE INDEX hint (ignored elsewhere)."""
        return self._chain(force_index=tuple(indexes))

    def use_index(self, *indexes: str) -> QuerySet[MODEL]:
        """MySQL's USE INDEX hint (ignored elsewhere)."""
        return self._chain(use_index=tuple(indexes))

    # -- other results -----------------------------------------------------------
    def values(self, *fields: str, **named: str) -> ValuesQuery[dict[str, Any]]:
        """Rows as dicts of the given fields (all fields when none given)."""
        from orm.queryset.values import ValuesQuery

        return ValuesQuery.build(self, fields, named, "dict")

    def values_list(self, *fields: str, flat: bool = False) -> ValuesQuery[Any]:
        """Rows as tuples of the given fields, or single values with ``flat=True``."""
        from orm.queryset.values import ValuesQuery

        if flat and len(fields) != 1:
            raise ParamsError("values_list(flat=True) takes exactly one field")
        return ValuesQuery.build(self, fields, {}, "flat" if flat else "tuple")

    async def to_dataframe(
        self, *fields: str, decimal: str = "exact", index: str | None = None, progress: bool | None = None,
        **named: str,
    ) -> Any:
        """The rows as a pandas DataFrame: all fields (and annotations), or the given ones.

        ``to_dataframe("id", "name", "tournament__name")`` follows relations;
        ``decimal="float"`` gives float64 instead of exact Decimals; ``index="id"`` sets the index.
        In a notebook, exports past 10,000 rows show a progress bar (``progress=False``: never).
        """
        return await self.values(*fields, **named).to_dataframe(decimal=decimal, index=index, progress=progress)

    async def to_polars(
        self, *fields: str, decimal: str = "exact", progress: bool | None = None, **named: str
    ) -> Any:
        """The rows as a polars DataFrame (needs polars): like ``to_dataframe``, without an index."""
        return await self.values(*fields, **named).to_polars(decimal=decimal, progress=progress)

    def count(self) -> CountQuery:
        """The number of rows (respects limit, offset and distinct)."""
        from orm.queryset.terminal import CountQuery

        return CountQuery(self.model, self._query, self._db)

    def exists(self) -> ExistsQuery:
        """Whether any row matches."""
        from orm.queryset.terminal import ExistsQuery

        return ExistsQuery(self.model, self._query, self._db)

    def update(self, **values: Any) -> UpdateQuery:
        """Set fields on every matching row in one statement; returns the row count."""
        from orm.queryset.terminal import UpdateQuery

        return UpdateQuery(self.model, self._query, self._db, values)

    def delete(self) -> DeleteQuery:
        """Delete every matching row in one statement; returns the row count."""
        from orm.queryset.terminal import DeleteQuery

        return DeleteQuery(self.model, self._query, self._db)

    # -- single objects --------------------------------------------------------------
    def _single_query(self, mode: str, limit: int) -> QuerySetSingle[MODEL]:
        other = QuerySetSingle.__new__(QuerySetSingle)
        other.__dict__.update(self.__dict__)
        other._single = mode
        other._query = self._query.replace(limit=limit)
        return other

    def get(self, *args: Q, **kwargs: Any) -> QuerySetSingle[MODEL]:
        """The one matching object; DoesNotExist or MultipleObjectsReturned otherwise."""
        return self.filter(*args, **kwargs)._single_query("get", 2)

    def get_or_none(self, *args: Q, **kwargs: Any) -> QuerySetSingle[MODEL | None]:  # type: ignore[type-var]
        """The one matching object or None (MultipleObjectsReturned if several)."""
        return self.filter(*args, **kwargs)._single_query("get_or_none", 2)  # type: ignore[return-value]

    def first(self) -> QuerySetSingle[MODEL | None]:  # type: ignore[type-var]
        """The first object (by the ordering, else by primary key), or None."""
        qs = self if self._is_ordered() else self.order_by("pk")
        return qs._single_query("first", 1)  # type: ignore[return-value]

    def last(self) -> QuerySetSingle[MODEL | None]:  # type: ignore[type-var]
        """The last object (by the ordering reversed, else by primary key), or None."""
        if not self._is_ordered():
            return self.order_by("-pk")._single_query("first", 1)  # type: ignore[return-value]
        terms = self._query.order_by or self.model._meta.ordering
        if not all(isinstance(t, str) for t in terms):
            raise ParamsError("last() cannot reverse an ordering by expressions")
        flipped = tuple(t[1:] if t.startswith("-") else f"-{t}" for t in terms)  # type: ignore[union-attr]
        return self.order_by(*flipped)._single_query("first", 1)  # type: ignore[return-value]

    def latest(self, *orderings: str) -> QuerySetSingle[MODEL | None]:  # type: ignore[type-var]
        """The object greatest by these fields, or None."""
        if not orderings:
            raise ParamsError("latest() needs at least one field name")
        return self.order_by(*(f"-{o}" for o in orderings))._single_query("first", 1)  # type: ignore[return-value]

    def earliest(self, *orderings: str) -> QuerySetSingle[MODEL | None]:  # type: ignore[type-var]
        """The object least by these fields, or None."""
        if not orderings:
            raise ParamsError("earliest() needs at least one field name")
        return self.order_by(*orderings)._single_query("first", 1)  # type: ignore[return-value]

    def _is_ordered(self) -> bool:
        return bool(self._query.order_by) or (
            self._query.order_by is None and bool(self.model._meta.ordering)
        )

    async def in_bulk(self, id_list: Iterable[Any], field_name: str = "pk") -> dict[Any, MODEL]:
        """A dict of the objects whose ``field_name`` is in ``id_list``, by that value."""
        ids = list(id_list)
        objects = await self.filter(**{f"{field_name}__in": ids})
        attr = self.model._meta.pk_attr if field_name == "pk" else field_name
        return {getattr(obj, attr): obj for obj in objects}

    # -- execution -----------------------------------------------------------------------
    def _compile(self) -> tuple[str, list[Any]]:
        sql, params, _ = compile_select(self._query, self._client().dialect)
        return sql, params

    async def _execute(self) -> Any:
        client = self._client()
        sql, params, layout = compile_select(self._query, client.dialect)
        objects = hydrate(await client.fetch_all(sql, params), layout, client.dialect)
        if self._query.prefetch and objects:
            from orm.prefetch import prefetch

            await prefetch(objects, self._query.prefetch, self._db)
        return self._result(objects)

    def _result(self, objects: list[Any]) -> Any:
        if self._single is None:
            return objects
        if len(objects) > 1 and self._single in ("get", "get_or_none"):
            raise self._model_error(MultipleObjectsReturned)
        if objects:
            return objects[0]
        if self._single == "get":
            raise self._model_error(DoesNotExist)
        return None

    def _model_error(self, kind: type[Exception]) -> Exception:
        specific = getattr(self.model, kind.__name__, kind)
        return specific(self.model)

    async def __aiter__(self) -> AsyncIterator[MODEL]:
        client = self._client()
        sql, params, layout = compile_select(self._query, client.dialect)
        build = builder(layout, client.dialect)
        async for rows in client.stream(sql, params, STREAM_CHUNK):
            objects = [build(row) for row in rows]
            if self._query.prefetch:
                from orm.prefetch import prefetch

                await prefetch(objects, self._query.prefetch, self._db)
            for obj in objects:
                yield obj

    def __repr__(self) -> str:
        return f"<QuerySet of {self.model.__name__}>"


class QuerySetSingle(QuerySet[MODEL]):
    """A queryset that resolves to one object (``get``, ``first``...)."""

    def __await__(self) -> Generator[Any, None, MODEL]:  # type: ignore[override]
        return self._execute().__await__()

    def __repr__(self) -> str:
        return f"<QuerySet of one {self.model.__name__} ({self._single})>"
