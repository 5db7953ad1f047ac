"""Which period a leaderboard covers: all time, or this calendar month in the programme's
timezone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.ideas.leaderboard import Period, parse_period

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
AUCKLAND = ZoneInfo("Pacific/Auckland")
UTC_ZONE = ZoneInfo("UTC")
NOW = datetime(2026, 10, 15, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["all", "ALL", " All ", "all\n"])
def test_all_is_all_time(text: str) -> None:
    assert parse_period(text, now=NOW, tz=BERLIN) == Period("all", None, "of all time")


@pytest.mark.parametrize("text", ["", "month", "MONTH", " month "])
def test_month_is_the_default(text: str) -> None:
    period = parse_period(text, now=NOW, tz=UTC_ZONE)
    assert period == Period("month", datetime(2026, 10, 1, tzinfo=UTC), "of October 2026")


def test_any_other_word_is_this_month_too() -> None:
    # `/idea` lets no other word through; if one came, it would not mean all time.
    assert parse_period("alltime", now=NOW, tz=UTC_ZONE).name == "month"
    assert parse_period("all time", now=NOW, tz=UTC_ZONE).name == "month"


def test_the_month_starts_at_local_midnight_on_the_first() -> None:
    period = parse_period("month", now=NOW, tz=BERLIN)
    # 1 October in Berlin is summer time, two hours ahead of UTC.
    assert period.since == datetime(2026, 9, 30, 22, 0, tzinfo=UTC)
    assert period.since is not None and period.since.utcoffset() == timedelta(0)
    assert period.label == "of October 2026"


def test_the_start_keeps_the_offset_of_the_first_not_of_now() -> None:
    # Berlin changes to winter time on 25 October: now is an hour behind summer time,
    # but the month began in summer time.
    late_october = datetime(2026, 10, 30, 12, 0, tzinfo=UTC)
    period = parse_period("month", now=late_october, tz=BERLIN)
    assert period.since == datetime(2026, 9, 30, 22, 0, tzinfo=UTC)


def test_the_local_month_decides_just_after_midnight_ahead_of_utc() -> None:
    # 23:30 UTC on 31 March is already 1 April in Berlin (summer time from 29 March).
    now = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    period = parse_period("month", now=now, tz=BERLIN)
    assert period == Period("month", datetime(2026, 3, 31, 22, 0, tzinfo=UTC), "of April 2026")
    # while in UTC it is still March, from its first midnight
    assert parse_period("month", now=now, tz=UTC_ZONE) == Period(
        "month", datetime(2026, 3, 1, tzinfo=UTC), "of March 2026"
    )


def test_the_local_month_decides_behind_utc_across_the_new_year() -> None:
    # 03:00 UTC on New Year's Day is still 31 December in New York.
    now = datetime(2026, 1, 1, 3, 0, tzinfo=UTC)
    period = parse_period("month", now=now, tz=NEW_YORK)
    assert period == Period("month", datetime(2025, 12, 1, 5, 0, tzinfo=UTC), "of December 2025")


def test_the_local_month_decides_far_ahead_of_utc() -> None:
    # 12:00 UTC on 31 January is 1 February in Auckland (summer time, UTC+13).
    now = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)
    period = parse_period("month", now=now, tz=AUCKLAND)
    assert period == Period("month", datetime(2026, 1, 31, 11, 0, tzinfo=UTC), "of February 2026")


def test_the_first_instant_of_the_month_is_in_the_month() -> None:
    first = datetime(2026, 2, 1, 5, 0, tzinfo=UTC)  # local midnight in New York
    assert parse_period("month", now=first, tz=NEW_YORK).since == first
    just_before = first - timedelta(microseconds=1)
    assert parse_period("month", now=just_before, tz=NEW_YORK).label == "of January 2026"


def test_leap_february_is_one_month() -> None:
    now = datetime(2028, 2, 29, 23, 59, tzinfo=UTC)
    period = parse_period("month", now=now, tz=UTC_ZONE)
    assert period == Period("month", datetime(2028, 2, 1, tzinfo=UTC), "of February 2028")


def test_a_now_in_another_zone_is_the_same_instant() -> None:
    in_tokyo = NOW.astimezone(ZoneInfo("Asia/Tokyo"))
    assert parse_period("month", now=in_tokyo, tz=BERLIN) == parse_period(
        "month", now=NOW, tz=BERLIN
    )


@given(
    now=st.datetimes(
        min_value=datetime(1990, 1, 1),
        max_value=datetime(2090, 12, 31),
        timezones=st.just(UTC),
    ),
    tz=st.timezones(),
)
def test_the_month_begins_at_the_first_local_instant_of_nows_month(
    now: datetime, tz: ZoneInfo
) -> None:
    period = parse_period("month", now=now, tz=tz)
    assert period.since is not None and period.since <= now
    local_now, local_since = now.astimezone(tz), period.since.astimezone(tz)
    assert (local_since.year, local_since.month, local_since.day) == (
        local_now.year,
        local_now.month,
        1,
    )
    before = (period.since - timedelta(microseconds=1)).astimezone(tz)
    assert (before.year, before.month) != (local_now.year, local_now.month)
    assert period.label == f"of {local_now:%B %Y}"


def test_the_month_starts_at_the_first_midnight_when_clocks_go_back_over_it() -> None:
    """Havana's clocks went back at 01:00 on 1 November 2026, so midnight came twice."""
    havana = ZoneInfo("America/Havana")
    in_the_repeated_hour = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    an_hour_later = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)

    first = parse_period("month", now=in_the_repeated_hour, tz=havana).since
    later = parse_period("month", now=an_hour_later, tz=havana).since

    assert first == later == datetime(2026, 11, 1, 4, tzinfo=UTC)
