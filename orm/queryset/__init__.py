"""Query objects: ``QuerySet`` and the queries derived from it."""

from orm.queryset.base import AwaitableQuery
from orm.queryset.queryset import QuerySet, QuerySetSingle
from orm.queryset.terminal import CountQuery, DeleteQuery, ExistsQuery, RawSQLQuery, UpdateQuery
from orm.queryset.values import ValuesQuery

ValuesListQuery = ValuesQuery

__all__ = [
    "AwaitableQuery",
    "CountQuery",
    "DeleteQuery",
    "ExistsQuery",
    "QuerySet",
    "QuerySetSingle",
    "RawSQLQuery",
    "UpdateQuery",
    "ValuesListQuery",
    "ValuesQuery",
]
