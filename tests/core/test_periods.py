"""Periods and schedules in the programme's timezone, across DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from bot.core import periods

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
AUCKLAND = ZoneInfo("Pacific/Auckland")


def test_a_month_runs_from_local_midnight_to_local_midnight_across_dst() -> None:
    # Berlin leaves summer time on 25 October 2026: October starts at UTC+2, ends at UTC+1.
    start, end = periods.month_bounds("2026-10", BERLIN)
    assert start == datetime(2026, 9, 30, 22, 0, tzinfo=UTC)
    assert end == datetime(2026, 10, 31, 23, 0, tzinfo=UTC)


def test_december_ends_at_the_new_year() -> None:
    start, end = periods.month_bounds("2026-12", AUCKLAND)
    assert start == datetime(2026, 11, 30, 11, 0, tzinfo=UTC)  # NZ summer time, UTC+13
    assert end == datetime(2026, 12, 31, 11, 0, tzinfo=UTC)


def test_the_previous_month_is_the_local_one() -> None:
    # 1 November 00:30 in Auckland is still 31 October in UTC.
    local = datetime(2026, 11, 1, 0, 30, tzinfo=AUCKLAND)
    assert periods.previous_month(local) == "2026-10"
    assert periods.previous_month(local.astimezone(UTC)) == "2026-09"
    assert periods.previous_month(datetime(2027, 1, 1, 10, tzinfo=BERLIN)) == "2026-12"


def test_a_weekly_schedule_keeps_its_local_hour_across_dst() -> None:
    trigger = CronTrigger.from_crontab("0 10 * * mon", timezone=NEW_YORK)
    # US summer time ends on 1 November 2026.
    before = periods.latest_fire_time(
        trigger, now=datetime(2026, 10, 27, tzinfo=UTC), lookback=timedelta(days=15)
    )
    after = periods.latest_fire_time(
        trigger, now=datetime(2026, 11, 3, tzinfo=UTC), lookback=timedelta(days=15)
    )
    assert before == datetime(2026, 10, 26, 14, 0, tzinfo=UTC)
    assert after == datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
    assert periods.iso_week(after.astimezone(NEW_YORK)) == "2026-W45"


def test_the_latest_fire_time_is_none_outside_the_lookback() -> None:
    trigger = CronTrigger.from_crontab("0 10 1 * *", timezone=BERLIN)
    now = datetime(2026, 11, 25, tzinfo=UTC)
    assert periods.latest_fire_time(trigger, now=now, lookback=timedelta(days=62)) == datetime(
        2026, 11, 1, 9, 0, tzinfo=UTC
    )
    assert periods.latest_fire_time(trigger, now=now, lookback=timedelta(days=20)) is None


@pytest.mark.parametrize("bad", ["2026-13", "Oct", "2026-1", "26-10", ""])
def test_a_mistyped_month_says_how_to_write_it(bad: str) -> None:
    with pytest.raises(periods.PeriodError, match="YYYY-MM"):
        periods.parse_month(bad)
