"""A small time-to-live cache, bounded in size, whose concurrent misses for one key share a
single load.

Without a bound, a long-running bot would keep every person and post it has ever seen. The
cache holds at most `max_entries` values. A new key in a full cache makes room by dropping
every expired entry (at most once per quarter of the bound in new keys) and then, if it is
still full, the least recently used entry. An expired entry that is read is dropped too.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_MISSING = object()

DEFAULT_MAX_ENTRIES = 10_000


class LoadingCache(Generic[K, V]):
    def __init__(self, ttl: float, *, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, not {max_entries}")
        self._ttl = ttl
        self._max_entries = max_entries
        # Least recently used first.
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._loading: dict[K, asyncio.Future[V]] = {}
        # Purging expired entries walks them all. A full cache purges at most once per this
        # many new keys, so a new key costs O(1) on average however long the cache stays full.
        self._purge_every = max(1, max_entries // 4)
        self._added_since_purge = 0

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: K) -> bool:
        """Whether a fresh value is cached for `key`, a cached None included; never loads."""
        entry = self._entries.get(key)
        return entry is not None and entry[0] >= time.monotonic()

    def peek(self, key: K, default: V | None = None) -> V | None:
        """The fresh cached value, or `default`; never loads."""
        entry = self._entries.get(key)
        if entry is None:
            return default
        if entry[0] < time.monotonic():
            del self._entries[key]
            return default
        self._entries.move_to_end(key)
        return entry[1]

    def put(self, key: K, value: V) -> None:
        now = time.monotonic()
        if key in self._entries:
            self._entries.move_to_end(key)
        else:
            if len(self._entries) >= self._max_entries:
                self._make_room(now)
            self._added_since_purge += 1
        self._entries[key] = (now + self._ttl, value)

    def drop(self, key: K) -> None:
        self._entries.pop(key, None)

    def _make_room(self, now: float) -> None:
        if self._added_since_purge >= self._purge_every:
            self._added_since_purge = 0
            expired = [key for key, (expires, _) in self._entries.items() if expires < now]
            for key in expired:
                del self._entries[key]
        if len(self._entries) >= self._max_entries:
            self._entries.popitem(last=False)

    async def get(
        self,
        key: K,
        load: Callable[[], Awaitable[V]],
        *,
        keep: Callable[[V], bool] = lambda _value: True,
    ) -> V:
        """The cached value, or the result of `load()`, cached when `keep(result)`.

        Callers that miss while a load for the same key is under way wait for that load
        instead of starting their own; if it fails, they all see its exception.
        """
        cached = self.peek(key, _MISSING)  # type: ignore[arg-type]
        if cached is not _MISSING:
            return cached  # type: ignore[return-value]
        loading = self._loading.get(key)
        if loading is not None:
            return await asyncio.shield(loading)
        future: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        self._loading[key] = future
        try:
            value = await load()
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: there may be no other waiter
            raise
        finally:
            del self._loading[key]
        if keep(value):
            self.put(key, value)
        future.set_result(value)
        return value
