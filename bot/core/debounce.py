"""Coalescing many requests for the same work into one flush in the background.

Slack's rate limits make work done once per request wasteful or impossible: a burst of votes
on one idea, a hundred opens of one App Home, several status changes at once. A `Debouncer`
gathers the keys asked for, waits a moment after the first, and hands them all to one flush in
a task of its own, so that whoever asked (an event handler that must ack fast) never waits.

Plain asyncio with nothing from the project, so that any layer may build on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)

# The lane every key shares when they are flushed together.
_BATCH = object()
# Every debouncer's running lanes, for the shutdown: a lane may wait out a long delay (the
# offers' one-minute batch), and its owner's `drain()` flushes it at once instead.
_LANES: weakref.WeakSet[asyncio.Task[None]] = weakref.WeakSet()


def lane_tasks() -> set[asyncio.Task[None]]:
    """The tasks of every debouncer's lanes still running: on shutdown, leave them to the
    `drain()` of their owners rather than waiting out their delays."""
    return {task for task in _LANES if not task.done()}


class Debouncer(Generic[K]):
    """Calls `flush(keys)` a moment after the first request, with every key asked for by then.

    `delay` is the moment: seconds, or a function of a key about to be flushed, asked each
    time a wait starts (so that it can back off, or keep to a pace of its own). A wait always
    counts from the first request, never restarts: steady requests must not hold work back.

    With `per_key`, each key has a wait and flush of its own; otherwise all share one batch.
    A key asked for while its flush runs gets one more round after another wait, since the
    flush may have read its state already; with `join_in_flight` it counts as served by the
    flush under way instead. When a wait ends while `ready()` is false, its keys stay pending,
    untouched, until a later request or `drain()` finds it true. A flush that raises is
    logged, and does not stop later ones. Tasks are named after `name` (and the key).
    """

    def __init__(
        self,
        flush: Callable[[set[K]], Awaitable[None]],
        *,
        delay: float | Callable[[K], float],
        name: str,
        per_key: bool = False,
        join_in_flight: bool = False,
        ready: Callable[[], bool] = lambda: True,
    ) -> None:
        self._flush = flush
        self._delay = delay
        self._name = name
        self._per_key = per_key
        self._join_in_flight = join_in_flight
        self._ready = ready
        # A lane is what waits and flushes as one: a key with `per_key`, else the one batch.
        self._pending: dict[Hashable, set[K]] = {}  # lane → keys asked for, not yet flushing
        self._lanes: dict[Hashable, asyncio.Task[None]] = {}  # lane → its task, while it runs
        self._flushing: set[Hashable] = set()
        self._hurry = asyncio.Event()  # set while draining: nothing waits out its delay

    def request(self, key: K) -> None:
        """Have `key` flushed soon; returns at once."""
        lane = self._lane(key)
        if self._join_in_flight and lane in self._flushing:
            return
        self._pending.setdefault(lane, set()).add(key)
        if self._idle(lane):
            self._start(lane)

    def busy(self, key: K) -> bool:
        """Whether a wait or flush for `key` (its batch, without `per_key`) is under way."""
        return not self._idle(self._lane(key))

    async def drain(self) -> None:
        """Flush everything pending without waiting out delays, and return once nothing is in
        flight: on shutdown nothing asked for is dropped, and tests need not sleep."""
        self._hurry.set()
        try:
            for lane in list(self._pending):
                if self._idle(lane):  # kept back by `ready`, or its task was cancelled
                    self._start(lane)
            while running := [task for task in self._lanes.values() if not task.done()]:
                await asyncio.gather(*running, return_exceptions=True)
        finally:
            self._hurry.clear()

    def _lane(self, key: K) -> Hashable:
        return key if self._per_key else _BATCH

    def _idle(self, lane: Hashable) -> bool:
        task = self._lanes.get(lane)
        # A task that is done yet still listed was cancelled before it ever ran.
        return task is None or task.done()

    def _start(self, lane: Hashable) -> None:
        name = f"{self._name}-{lane}" if self._per_key else self._name
        self._lanes[lane] = task = asyncio.create_task(self._run(lane), name=name)
        _LANES.add(task)

    async def _run(self, lane: Hashable) -> None:
        try:
            while lane in self._pending:
                await self._wait(lane)
                if not self._ready():
                    return
                keys = self._pending.pop(lane)
                self._flushing.add(lane)
                try:
                    await self._flush(keys)
                except Exception:
                    log.exception("%s: flushing %s failed", self._name, keys)
                finally:
                    self._flushing.discard(lane)
        finally:
            # No await between the last look at `_pending` and this, so no request is lost.
            del self._lanes[lane]

    async def _wait(self, lane: Hashable) -> None:
        delay = self._delay
        seconds = delay(next(iter(self._pending[lane]))) if callable(delay) else delay
        if seconds > 0:
            # `asyncio.timeout`, not `wait_for`: no task of its own, so the lane is the only
            # task a shutdown must leave to `drain()`.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(seconds):
                    await self._hurry.wait()
