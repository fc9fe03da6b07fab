"""A small thread-safe LRU cache for search results (the API searches from a thread pool)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

RESULT_CACHE_SIZE = 2048  # distinct queries kept; a result list is a few KB of references to chunks


class ResultCache:
    def __init__(self, size: int) -> None:
        self.size = size
        self.hits = self.misses = 0
        self._items: OrderedDict[Hashable, tuple[Any, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> tuple[Any, ...] | None:
        with self._lock:
            try:
                value = self._items[key]
            except (KeyError, TypeError):  # TypeError: an unhashable key is simply never cached
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: Hashable, value: list[Any]) -> tuple[Any, ...]:
        stored = tuple(value)
        if self.size <= 0:
            return stored
        with self._lock:
            try:
                self._items[key] = stored
            except TypeError:
                return stored
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return stored

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
