"""A small time-to-live cache whose concurrent misses for one key share a single load."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_MISSING = object()


class LoadingCache(Generic[K, V]):
    def __init__(self, ttl: float) -> None:
        self._ttl = ttl
        self._entries: dict[K, tuple[float, V]] = {}
        self._loading: dict[K, asyncio.Future[V]] = {}

    def peek(self, key: K, default: V | None = None) -> V | None:
        """The fresh cached value, or `default`; never loads."""
        entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return default
        return entry[1]

    def put(self, key: K, value: V) -> None:
        self._entries[key] = (time.monotonic() + self._ttl, value)

    def drop(self, key: K) -> None:
        self._entries.pop(key, None)

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
