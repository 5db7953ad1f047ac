"""When to ask an experiment owner for their learning, as plain functions: the first prompt
after the end date, a gentle reminder a week later, one prompt after a snooze, never two within
a few days, and only in the owner's working hours."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.experiments.prompt_rules import (
    FIRST,
    MIN_GAP,
    REMINDER,
    REMINDER_AFTER,
    in_working_hours,
    next_slot,
)

ENDS_ON = date(2026, 10, 14)  # a Wednesday
DAY_AFTER = date(2026, 10, 15)
NOW = datetime(2026, 10, 15, 9, 0, tzinfo=UTC)
NINE, FIVE = time(9, 0), time(17, 0)
WEEKDAYS = frozenset(range(5))


def slot(
    *,
    now: datetime = NOW,
    sent: Mapping[str, datetime] | None = None,
    snoozed_until: datetime | None = None,
    ends_on: date = ENDS_ON,
    local_today: date | None = None,
) -> str | None:
    return next_slot(
        ends_on=ends_on,
        local_today=local_today or now.date(),
        now=now,
        sent=sent or {},
        snoozed_until=snoozed_until,
    )


def test_the_gaps_are_a_few_days_and_a_week() -> None:
    assert (MIN_GAP.days, REMINDER_AFTER.days) == (3, 7)
    assert MIN_GAP < REMINDER_AFTER


# in_working_hours


@pytest.mark.parametrize(
    ("local", "inside"),
    [
        (datetime(2026, 10, 14, 9, 0), True),  # Wednesday, the first minute
        (datetime(2026, 10, 14, 12, 30), True),
        (datetime(2026, 10, 14, 16, 59, 59), True),
        (datetime(2026, 10, 14, 17, 0), False),  # the end is not inside
        (datetime(2026, 10, 14, 8, 59, 59), False),
        (datetime(2026, 10, 14, 0, 0), False),
        (datetime(2026, 10, 17, 12, 0), False),  # Saturday
        (datetime(2026, 10, 18, 12, 0), False),  # Sunday
        (datetime(2026, 10, 16, 12, 0), True),  # Friday
    ],
)
def test_working_hours_are_start_inclusive_end_exclusive_on_working_days(
    local: datetime, inside: bool
) -> None:
    assert in_working_hours(local, start=NINE, end=FIVE, days=WEEKDAYS) is inside


def test_the_wall_clock_of_the_given_time_decides_not_utc() -> None:
    # 07:30 UTC is 09:30 in Berlin (summer time).
    utc = datetime(2026, 10, 14, 7, 30, tzinfo=UTC)
    assert not in_working_hours(utc, start=NINE, end=FIVE, days=WEEKDAYS)
    berlin = utc.astimezone(ZoneInfo("Europe/Berlin"))
    assert in_working_hours(berlin, start=NINE, end=FIVE, days=WEEKDAYS)


def test_working_days_are_whatever_the_programme_says() -> None:
    saturday = datetime(2026, 10, 17, 10, 0)
    assert in_working_hours(saturday, start=NINE, end=FIVE, days={5, 6})
    assert not in_working_hours(saturday, start=NINE, end=FIVE, days=())


# next_slot


@pytest.mark.parametrize("local_today", [ENDS_ON - timedelta(days=3), ENDS_ON])
def test_nobody_is_asked_until_the_day_after_the_end(local_today: date) -> None:
    assert slot(local_today=local_today) is None


def test_the_day_after_the_end_brings_the_first_prompt() -> None:
    assert slot(local_today=DAY_AFTER) == FIRST
    assert slot(local_today=DAY_AFTER + timedelta(days=30)) == FIRST


def test_the_owners_local_date_decides_not_utcs() -> None:
    # Late on the end date in UTC, but already the day after for an owner east of UTC.
    late = datetime(2026, 10, 14, 23, 0, tzinfo=UTC)
    assert slot(now=late, local_today=DAY_AFTER) == FIRST
    assert slot(now=late, local_today=ENDS_ON) is None


def test_the_first_prompt_is_claimed_once() -> None:
    assert slot(now=NOW + timedelta(hours=1), sent={FIRST: NOW}) is None


@pytest.mark.parametrize("days", [1, 3, 6, 6.99])
def test_no_reminder_before_a_week(days: float) -> None:
    assert slot(now=NOW + timedelta(days=days), sent={FIRST: NOW}) is None


@pytest.mark.parametrize("days", [7, 8, 30])
def test_a_reminder_a_week_after_the_first(days: int) -> None:
    assert slot(now=NOW + timedelta(days=days), sent={FIRST: NOW}) == REMINDER


def test_after_the_reminder_nothing_more() -> None:
    sent = {FIRST: NOW, REMINDER: NOW + timedelta(days=7)}
    for days in (8, 10, 14, 60):
        assert slot(now=NOW + timedelta(days=days), sent=sent) is None


def test_while_snoozed_nobody_is_asked() -> None:
    snoozed_until = NOW + timedelta(days=7)
    sent = {FIRST: NOW}
    assert (
        slot(now=NOW + timedelta(days=6, hours=23), sent=sent, snoozed_until=snoozed_until) is None
    )
    # not even the first prompt, should a snooze come before it
    assert slot(now=NOW, snoozed_until=snoozed_until) is None


def test_a_snooze_ending_brings_one_prompt_named_after_it() -> None:
    snoozed_until = datetime(2026, 10, 22, 9, 0, tzinfo=UTC)
    sent = {FIRST: NOW}
    due = slot(now=snoozed_until, sent=sent, snoozed_until=snoozed_until)
    assert due == "after-snooze-20261022T0900"
    sent[due] = snoozed_until
    assert (
        slot(now=snoozed_until + timedelta(days=1), sent=sent, snoozed_until=snoozed_until) is None
    )


def test_a_snooze_that_ended_before_the_first_prompt_still_asks_first() -> None:
    assert slot(sent={}, snoozed_until=NOW - timedelta(days=1)) == FIRST


def test_a_second_snooze_brings_its_own_prompt() -> None:
    first_snooze = NOW + timedelta(days=1)
    second_snooze = NOW + timedelta(days=11)
    sent = {
        FIRST: NOW,
        f"after-snooze-{first_snooze:%Y%m%dT%H%M}": NOW + timedelta(days=4),
        REMINDER: NOW + timedelta(days=7),
    }
    assert slot(now=second_snooze, sent=sent, snoozed_until=second_snooze) == (
        f"after-snooze-{second_snooze:%Y%m%dT%H%M}"
    )


def test_a_short_snooze_still_waits_for_the_gap_since_the_last_prompt() -> None:
    snoozed_until = NOW + timedelta(days=1)
    sent = {FIRST: NOW}
    assert slot(now=snoozed_until, sent=sent, snoozed_until=snoozed_until) is None
    after_gap = NOW + MIN_GAP
    assert slot(now=after_gap, sent=sent, snoozed_until=snoozed_until) == (
        f"after-snooze-{snoozed_until:%Y%m%dT%H%M}"
    )


def test_the_gap_counts_from_the_latest_prompt_of_any_kind() -> None:
    sent = {FIRST: NOW - timedelta(days=30), "after-snooze-x": NOW - timedelta(days=1)}
    assert slot(sent=sent) is None
    assert slot(now=NOW + timedelta(days=2), sent=sent) == REMINDER


@given(
    sent_days=st.dictionaries(
        st.sampled_from([FIRST, REMINDER, "after-snooze-a", "after-snooze-b"]),
        st.floats(min_value=-60, max_value=0),
    ),
    snooze_days=st.none() | st.floats(min_value=-60, max_value=60),
)
def test_never_two_prompts_within_the_gap_and_never_one_slot_twice(
    sent_days: dict[str, float], snooze_days: float | None
) -> None:
    sent = {name: NOW + timedelta(days=days) for name, days in sent_days.items()}
    snoozed_until = None if snooze_days is None else NOW + timedelta(days=snooze_days)
    due = slot(sent=sent, snoozed_until=snoozed_until)
    if due is None:
        return
    assert due not in sent
    assert all(NOW - at >= MIN_GAP for at in sent.values())
    assert snoozed_until is None or snoozed_until <= NOW
    assert due == FIRST or FIRST in sent
