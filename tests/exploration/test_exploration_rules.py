"""When people are asked about their exploration time, and what their answers mean."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.exploration import rules
from storage.exploration import PROTECTED_ANSWERS

WEEKDAYS = frozenset(range(5))
FRIDAY = datetime(2026, 11, 20)


def asked(
    local: datetime, *, start: time = time(9), end: time = time(17), days: frozenset[int] = WEEKDAYS
) -> bool:
    return rules.may_ask(local, work_start=start, work_end=end, work_days=days)


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [(9, 0, False), (13, 59, False), (14, 0, True), (16, 59, True), (17, 0, False)],
)
def test_friday_afternoon_until_the_end_of_the_working_day(
    hour: int, minute: int, expected: bool
) -> None:
    local = FRIDAY.replace(hour=hour, minute=minute, tzinfo=ZoneInfo("Asia/Tokyo"))

    assert asked(local) is expected


def test_other_days_are_never_asked() -> None:
    thursday = datetime(2026, 11, 19, 15)
    saturday = datetime(2026, 11, 21, 15)

    assert not asked(thursday)
    assert not asked(saturday)


def test_a_late_start_moves_the_afternoon_later() -> None:
    start, end = time(15), time(23)

    assert not asked(FRIDAY.replace(hour=14, minute=30), start=start, end=end)
    assert asked(FRIDAY.replace(hour=15), start=start, end=end)
    assert asked(FRIDAY.replace(hour=22, minute=45), start=start, end=end)


def test_nobody_is_asked_where_friday_is_no_working_day() -> None:
    sunday_to_thursday = frozenset({6, 0, 1, 2, 3})

    assert not asked(FRIDAY.replace(hour=15), days=sunday_to_thursday)


def test_the_week_is_the_iso_week_of_the_persons_own_time() -> None:
    assert rules.week_of(FRIDAY) == "2026-W47"
    # 1 January 2027 is a Friday of the last ISO week of 2026.
    assert rules.week_of(datetime(2027, 1, 1, 15)) == "2026-W53"


def test_an_answer_changes_only_within_its_week() -> None:
    assert rules.may_change("2026-W47", local_now=datetime(2026, 11, 22, 23, 59))  # Sunday
    assert not rules.may_change("2026-W47", local_now=datetime(2026, 11, 23, 0, 0))  # Monday


def test_answers_and_protected_time() -> None:
    assert list(rules.ANSWERS) == ["none", "under_2h", "2_4h", "more"]
    assert [rules.parse_answer(v) for v in ("2_4h", "lots", "")] == ["2_4h", None, None]
    assert [a for a in rules.ANSWERS if rules.got_protected_time(a)] == ["2_4h", "more"]
    assert not rules.got_protected_time(None)
    # The stats count the same answers as protected time.
    assert set(PROTECTED_ANSWERS) == rules.PROTECTED
