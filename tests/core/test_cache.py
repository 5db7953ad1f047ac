"""The loading cache: bounded in size, least recently used out first, expired entries gone,
and concurrent misses for one key still sharing a single load."""

from __future__ import annotations

import asyncio
from collections import OrderedDict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core import cache
from bot.core.cache import LoadingCache


class Clock:
    """Stands in for the `time` module inside `bot.core.cache` only, so the event loop keeps the
    real clock."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(cache, "time", fake)
    return fake


def test_an_expired_entry_that_is_read_is_dropped() -> None:
    people: LoadingCache[str, str] = LoadingCache(-1)
    people.put("U1", "Ana")
    assert len(people) == 1

    assert people.peek("U1") is None
    assert len(people) == 0


def test_a_full_cache_drops_every_expired_entry_before_a_fresh_one(clock: Clock) -> None:
    people: LoadingCache[str, str] = LoadingCache(10, max_entries=4)
    people.put("U1", "Ana")
    people.put("U2", "Bo")
    clock.now += 5
    people.put("U3", "Cy")
    people.put("U4", "Di")
    assert people.peek("U1") == "Ana"  # recently used, yet expires first

    clock.now += 6
    people.put("U5", "Ed")

    assert len(people) == 3
    assert [people.peek(key) for key in ("U3", "U4", "U5")] == ["Cy", "Di", "Ed"]


def test_size_never_exceeds_the_bound() -> None:
    people: LoadingCache[str, int] = LoadingCache(3600, max_entries=10)
    for n in range(1000):
        people.put(f"U{n}", n)
        assert len(people) <= 10

    assert [people.peek(f"U{n}") for n in range(990, 1000)] == list(range(990, 1000))
    assert people.peek("U989") is None


def test_the_least_recently_used_entry_goes_first() -> None:
    people: LoadingCache[str, str] = LoadingCache(3600, max_entries=3)
    people.put("U1", "Ana")
    people.put("U2", "Bo")
    people.put("U3", "Cy")
    people.peek("U1")
    people.put("U2", "Bo again")

    people.put("U4", "Di")

    assert people.peek("U3") is None
    assert [people.peek(key) for key in ("U1", "U2", "U4")] == ["Ana", "Bo again", "Di"]


async def test_a_hit_through_get_counts_as_a_use() -> None:
    people: LoadingCache[str, str] = LoadingCache(3600, max_entries=2)
    people.put("U1", "Ana")
    people.put("U2", "Bo")

    async def never() -> str:
        raise AssertionError("a cached value was loaded again")

    assert await people.get("U1", never) == "Ana"
    people.put("U3", "Cy")

    assert people.peek("U2") is None and people.peek("U1") == "Ana"


@given(
    st.integers(min_value=1, max_value=6),
    st.lists(st.tuples(st.sampled_from(["put", "peek", "drop"]), st.integers(0, 9))),
)
def test_it_keeps_what_a_plain_lru_of_the_same_size_keeps(
    bound: int, operations: list[tuple[str, int]]
) -> None:
    numbers: LoadingCache[int, int] = LoadingCache(3600, max_entries=bound)
    model: OrderedDict[int, int] = OrderedDict()
    for step, (operation, key) in enumerate(operations):
        if operation == "put":
            numbers.put(key, step)
            model[key] = step
            model.move_to_end(key)
            if len(model) > bound:
                model.popitem(last=False)
        elif operation == "peek":
            assert numbers.peek(key) == model.get(key)
            if key in model:
                model.move_to_end(key)
        else:
            numbers.drop(key)
            model.pop(key, None)
        assert len(numbers) == len(model) <= bound
    assert all(numbers.peek(key) == value for key, value in list(model.items()))


async def test_concurrent_misses_share_one_load_in_a_full_cache() -> None:
    people: LoadingCache[str, str] = LoadingCache(3600, max_entries=2)
    people.put("U1", "Ana")
    people.put("U2", "Bo")
    started, release = asyncio.Event(), asyncio.Event()
    loads = 0

    async def load() -> str:
        nonlocal loads
        loads += 1
        started.set()
        await release.wait()
        return "Cy"

    waiters = [asyncio.create_task(people.get("U3", load)) for _ in range(20)]
    await started.wait()
    release.set()

    assert await asyncio.gather(*waiters) == ["Cy"] * 20
    assert loads == 1
    assert len(people) == 2 and people.peek("U1") is None


async def test_a_failed_load_reaches_every_waiter_and_caches_nothing() -> None:
    people: LoadingCache[str, str] = LoadingCache(3600, max_entries=2)
    started, release = asyncio.Event(), asyncio.Event()

    async def load() -> str:
        started.set()
        await release.wait()
        raise LookupError("Slack is down")

    waiters = [asyncio.create_task(people.get("U1", load)) for _ in range(5)]
    await started.wait()
    release.set()

    outcomes = await asyncio.gather(*waiters, return_exceptions=True)
    assert all(isinstance(outcome, LookupError) for outcome in outcomes)
    assert len(people) == 0


async def test_a_value_not_kept_is_loaded_again_and_takes_no_room() -> None:
    people: LoadingCache[str, str | None] = LoadingCache(3600, max_entries=1)
    people.put("U1", "Ana")
    loads = 0

    async def load() -> str | None:
        nonlocal loads
        loads += 1
        return None

    for _ in range(2):
        assert await people.get("U404", load, keep=lambda value: value is not None) is None

    assert loads == 2
    assert people.peek("U1") == "Ana"


def test_a_cache_holds_at_least_one_entry() -> None:
    with pytest.raises(ValueError):
        LoadingCache(60, max_entries=0)
