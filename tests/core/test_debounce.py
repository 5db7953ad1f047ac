"""The debouncer on a real event loop: what is flushed together, when, what a flush in flight
does to later requests, keys held back while not ready, failures, draining and cancellation.

Tests wait for what they expect to happen; a short sleep only ever shows that something does
not happen."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

import pytest

from bot.core.debounce import Debouncer

K = TypeVar("K", bound=Hashable)

PATIENCE = 5.0
# Long enough for a flush that did not wait to have happened.
A_MOMENT = 0.05
NEVER = 60.0


class Flushes(Generic[K]):
    """A flush that records each batch, and can be held mid-flush to act while it runs."""

    def __init__(self) -> None:
        self.batches: list[set[K]] = []
        self._released = asyncio.Event()
        self._released.set()
        self._recorded = asyncio.Condition()

    def hold(self) -> None:
        self._released.clear()

    def let_go(self) -> None:
        self._released.set()

    async def __call__(self, keys: set[K]) -> None:
        async with self._recorded:
            self.batches.append(keys)
            self._recorded.notify_all()
        await self._released.wait()

    async def reach(self, count: int) -> None:
        async with asyncio.timeout(PATIENCE), self._recorded:
            await self._recorded.wait_for(lambda: len(self.batches) >= count)


async def until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(PATIENCE):
        while not condition():
            await asyncio.sleep(0.001)


async def drained(debouncer: Debouncer[K]) -> None:
    async with asyncio.timeout(PATIENCE):
        await debouncer.drain()


async def test_keys_asked_for_during_the_wait_are_flushed_together_once() -> None:
    flushes = Flushes[int]()
    debouncer = Debouncer(flushes, delay=A_MOMENT, name="test")

    debouncer.request(1)
    debouncer.request(2)
    debouncer.request(1)
    await flushes.reach(1)
    await drained(debouncer)

    assert flushes.batches == [{1, 2}]


async def test_nothing_is_flushed_before_the_delay_unless_drained() -> None:
    flushes = Flushes[int]()
    debouncer = Debouncer(flushes, delay=NEVER, name="test")

    debouncer.request(1)
    await asyncio.sleep(A_MOMENT)
    assert flushes.batches == []

    await drained(debouncer)
    assert flushes.batches == [{1}]


async def test_the_wait_counts_from_the_first_request_so_steady_ones_do_not_hold_it_off() -> None:
    flushes = Flushes[int]()
    # Thirty times the pacing below, so that even a busy machine asks again during the wait.
    debouncer = Debouncer(flushes, delay=0.3, name="test")

    asked = 0
    debouncer.request(asked)
    async with asyncio.timeout(PATIENCE):
        while not flushes.batches:
            asked += 1
            debouncer.request(asked)
            await asyncio.sleep(0.01)  # pacing the requests: far shorter than the delay

    assert 0 in flushes.batches[0] and asked > 1
    await drained(debouncer)


async def test_with_per_key_each_key_waits_and_flushes_on_its_own() -> None:
    flushes = Flushes[str]()
    delays = {"slow": NEVER, "fast": 0.0}
    debouncer = Debouncer(flushes, delay=delays.__getitem__, name="test", per_key=True)

    debouncer.request("slow")
    debouncer.request("fast")
    await flushes.reach(1)

    assert flushes.batches == [{"fast"}]
    assert debouncer.busy("slow") and not debouncer.busy("fast")
    await drained(debouncer)
    assert flushes.batches == [{"fast"}, {"slow"}]


async def test_the_delay_is_asked_at_every_wait_with_the_key_about_to_be_flushed() -> None:
    flushes = Flushes[str]()
    asked: list[str] = []

    def delay(key: str) -> float:
        asked.append(key)
        return 0.0

    debouncer = Debouncer(flushes, delay=delay, name="test", per_key=True)
    flushes.hold()
    debouncer.request("a")
    await flushes.reach(1)
    debouncer.request("a")
    flushes.let_go()
    await drained(debouncer)

    assert asked == ["a", "a"]


async def test_keys_asked_for_during_a_flush_get_one_more_round_after_it() -> None:
    flushes = Flushes[int]()
    debouncer = Debouncer(flushes, delay=0.0, name="test")
    flushes.hold()
    debouncer.request(1)
    await flushes.reach(1)

    for key in (1, 2, 3):
        debouncer.request(key)
    await asyncio.sleep(A_MOMENT)
    assert flushes.batches == [{1}]  # never two flushes of one batch at once

    flushes.let_go()
    await flushes.reach(2)
    await drained(debouncer)
    assert flushes.batches == [{1}, {1, 2, 3}]


async def test_joining_in_flight_a_key_asked_for_during_its_flush_is_served_by_it() -> None:
    flushes = Flushes[int]()
    debouncer = Debouncer(flushes, delay=0.0, name="test", per_key=True, join_in_flight=True)
    flushes.hold()
    debouncer.request(1)
    await flushes.reach(1)

    debouncer.request(1)
    debouncer.request(2)  # another key's flush does not wait for this one
    await flushes.reach(2)
    flushes.let_go()
    await drained(debouncer)

    assert flushes.batches == [{1}, {2}]


async def test_keys_stay_pending_while_not_ready_for_a_later_request_or_drain() -> None:
    flushes = Flushes[int]()
    ready = False
    debouncer = Debouncer(flushes, delay=0.0, name="test", ready=lambda: ready)

    debouncer.request(1)
    await until(lambda: not debouncer.busy(1))
    await drained(debouncer)  # returns, still not ready, without flushing
    assert flushes.batches == []

    ready = True
    debouncer.request(2)
    await flushes.reach(1)
    assert flushes.batches == [{1, 2}]

    ready = False
    debouncer.request(3)
    await until(lambda: not debouncer.busy(3))
    ready = True
    await drained(debouncer)
    assert flushes.batches == [{1, 2}, {3}]


async def test_a_failed_flush_is_logged_and_later_requests_still_flush(
    caplog: pytest.LogCaptureFixture,
) -> None:
    batches: list[set[int]] = []

    async def flush(keys: set[int]) -> None:
        batches.append(keys)
        if len(batches) == 1:
            raise RuntimeError("the database went away")

    debouncer = Debouncer(flush, delay=0.0, name="notices")
    with caplog.at_level(logging.ERROR, logger="bot.core.debounce"):
        debouncer.request(1)
        await drained(debouncer)
    assert "notices: flushing {1} failed" in caplog.text
    assert "the database went away" in caplog.text

    debouncer.request(2)
    await drained(debouncer)
    assert batches == [{1}, {2}]


async def test_drain_waits_for_the_flush_in_flight_and_flushes_what_came_meanwhile() -> None:
    flushes = Flushes[int]()
    debouncer = Debouncer(flushes, delay=NEVER, name="test")
    flushes.hold()
    debouncer.request(1)

    draining = asyncio.create_task(drained(debouncer))
    await flushes.reach(1)
    debouncer.request(2)
    await asyncio.sleep(A_MOMENT)
    assert not draining.done()

    flushes.let_go()
    await draining
    assert flushes.batches == [{1}, {2}]


async def test_drain_also_waits_for_keys_first_asked_for_while_it_drains() -> None:
    batches: list[set[int]] = []
    released = {1: asyncio.Event(), 2: asyncio.Event()}

    async def flush(keys: set[int]) -> None:
        batches.append(keys)
        [key] = keys
        await released[key].wait()

    debouncer = Debouncer(flush, delay=NEVER, name="test", per_key=True)
    debouncer.request(1)
    draining = asyncio.create_task(drained(debouncer))
    await until(lambda: batches == [{1}])

    debouncer.request(2)
    await until(lambda: batches == [{1}, {2}])  # not made to wait out its delay either
    released[1].set()
    await asyncio.sleep(A_MOMENT)
    assert not draining.done()

    released[2].set()
    await draining
    assert not debouncer.busy(2)


async def test_after_a_drain_requests_wait_their_delay_again() -> None:
    flushes = Flushes[int]()
    debouncer = Debouncer(flushes, delay=NEVER, name="test")
    debouncer.request(1)
    await drained(debouncer)

    debouncer.request(2)
    await asyncio.sleep(A_MOMENT)

    assert flushes.batches == [{1}]
    await drained(debouncer)
    assert flushes.batches == [{1}, {2}]


@pytest.mark.parametrize("waiting", [True, False], ids=["while waiting", "before it ran"])
async def test_a_cancelled_task_loses_no_key_and_stops_nothing_later(waiting: bool) -> None:
    flushes = Flushes[int]()
    asked = asyncio.Event()

    def delay(key: int) -> float:
        asked.set()
        return NEVER

    debouncer = Debouncer(flushes, delay=delay, name="cancelled")
    debouncer.request(1)
    [task] = [task for task in asyncio.all_tasks() if task.get_name() == "cancelled"]
    if waiting:
        await asked.wait()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert asked.is_set() == waiting and not debouncer.busy(1)

    debouncer.request(2)
    await drained(debouncer)
    assert flushes.batches == [{1, 2}]
