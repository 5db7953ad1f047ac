"""Periods of scheduled posts, in the programme's timezone, as plain functions.

A period names what one post is about: `2026-10` for October's awards, `2026-W48` for the
digest of that ISO week. Period boundaries are local midnights, so an idea posted at 23:30 on
31 October in Berlin belongs to October although it was already November in UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


class PeriodError(ValueError):
    """A period the user typed that does not parse; the message says what to type."""


def previous_month(local: datetime) -> str:
    """The calendar month before the one `local` falls in."""
    first = local.date().replace(day=1)
    return f"{first - timedelta(days=1):%Y-%m}"


def parse_month(period: str) -> tuple[int, int]:
    match = _MONTH.match(period.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise PeriodError(f"{period!r} is not a month: write it as YYYY-MM, e.g. 2026-10.")
    return int(match.group(1)), int(match.group(2))


def month_bounds(period: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of the month in UTC, from local midnight to local midnight."""
    year, month = parse_month(period)
    start = datetime(year, month, 1, tzinfo=tz)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def month_name(period: str) -> str:
    year, month = parse_month(period)
    return f"{date(year, month, 1):%B %Y}"


def iso_week(local: datetime) -> str:
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(period: str) -> tuple[int, int]:
    match = _WEEK.match(period.strip())
    if match is None or not 1 <= int(match.group(2)) <= 53:
        raise PeriodError(f"{period!r} is not a week: write it as YYYY-Www, e.g. 2026-W48.")
    return int(match.group(1)), int(match.group(2))


def latest_fire_time(
    trigger: CronTrigger, *, now: datetime, lookback: timedelta
) -> datetime | None:
    """The schedule's most recent moment at or before `now`, looking back at most
    `lookback`; None when it did not fire in that window."""
    latest = None
    moment = trigger.get_next_fire_time(None, now - lookback)
    while moment is not None and moment <= now:
        latest = moment
        moment = trigger.get_next_fire_time(moment, moment + timedelta(seconds=1))
    return latest
