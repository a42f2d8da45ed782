"""A bounded cache of compiled statements, one per dialect instance."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any


class StatementCache:
    """Keeps the most recently added ``maxsize`` entries (oldest evicted first)."""

    __slots__ = ("_entries", "hits", "maxsize", "misses")

    def __init__(self, maxsize: int = 1024) -> None:
        self._entries: dict[Hashable, Any] = {}
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any:
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
        else:
            self.hits += 1
        return entry

    def put(self, key: Hashable, entry: Any) -> None:
        if len(self._entries) >= self.maxsize:
            del self._entries[next(iter(self._entries))]
        self._entries[key] = entry

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
