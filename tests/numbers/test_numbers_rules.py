"""The rules of the numbers as plain functions: periods, the funnel, the median, quiet
departments and the order of the department table."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.numbers import rules
from bot.numbers.facts import Funnel, Slice

BERLIN = ZoneInfo("Europe/Berlin")
ZONE_UTC = ZoneInfo("UTC")
NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)
Moment = tuple[int, int, int, int]


def test_the_default_is_this_month_so_far_in_the_programme_timezone() -> None:
    period = rules.parse_period("", now=NOW, tz=BERLIN)

    assert period.key == "2026-12" and period.label == "December 2026 so far"
    assert period.start == datetime(2026, 11, 30, 23, tzinfo=UTC)  # local midnight
    assert period.end == NOW and not period.complete


@pytest.mark.parametrize(
    ("text", "key", "label", "start", "end"),
    [
        ("2026-11", "2026-11", "November 2026", (2026, 10, 31, 23), (2026, 11, 30, 23)),
        ("2026-q3", "2026-Q3", "Q3 2026", (2026, 6, 30, 22), (2026, 9, 30, 22)),
        ("2025", "2025", "2025", (2024, 12, 31, 23), (2025, 12, 31, 23)),
    ],
)
def test_a_named_period_that_has_ended_is_complete(
    text: str, key: str, label: str, start: Moment, end: Moment
) -> None:
    period = rules.parse_period(text, now=NOW, tz=BERLIN)

    assert (period.key, period.label, period.complete) == (key, label, True)
    assert period.start == datetime(*start, tzinfo=UTC)
    assert period.end == datetime(*end, tzinfo=UTC)


def test_quarter_and_year_are_the_current_ones_so_far() -> None:
    quarter = rules.parse_period("quarter", now=NOW, tz=ZONE_UTC)
    year = rules.parse_period("YEAR", now=NOW, tz=ZONE_UTC)

    assert quarter.key == "2026-Q4" and quarter.start == datetime(2026, 10, 1, tzinfo=UTC)
    assert year.label == "2026 so far" and year.end == NOW


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "last month", "11/2026", "26"])
def test_a_bad_period_says_what_to_type(text: str) -> None:
    with pytest.raises(rules.StatsPeriodError) as error:
        rules.parse_period(text, now=NOW, tz=ZONE_UTC)

    assert f"`{text}`" in str(error.value) and "`/idea stats 2026-11`" in str(error.value)


def test_a_period_that_has_not_begun_is_refused() -> None:
    with pytest.raises(rules.StatsPeriodError, match="January 2027 has not begun yet"):
        rules.parse_period("2027-01", now=NOW, tz=ZONE_UTC)


def test_the_last_months_end_with_this_one_or_the_last_complete_one() -> None:
    with_current = rules.last_months(3, now=NOW, tz=ZONE_UTC, include_current=True)
    complete = rules.last_months(12, now=NOW, tz=ZONE_UTC, include_current=False)

    assert [p.key for p in with_current] == ["2026-10", "2026-11", "2026-12"]
    assert complete[0].key == "2025-12" and complete[-1].key == "2026-11"
    assert all(p.complete for p in complete)


def test_the_funnel_steps_are_ordered_and_parked_or_declined_reach_none() -> None:
    ranks = rules.FUNNEL_RANKS

    assert sorted(ranks, key=ranks.__getitem__) == ["under review", "experimenting", "shipped"]
    assert "parked" not in ranks and "declined" not in ranks and "new" not in ranks
    assert Funnel(4, 2, 1, 0).conversions() == (0.5, 0.5, 0.0)
    assert Funnel().conversions() == (None, None, None)


def test_the_median_of_odd_even_and_no_values() -> None:
    assert rules.median([4.0, 1.0, 2.0]) == 2.0
    assert rules.median([6.0, 1.0, 4.0, 2.0]) == 3.0
    assert rules.median([]) is None


def test_a_department_with_people_and_nothing_heard_is_quiet() -> None:
    quiet = rules.quiet_departments(["Legal", "design", None, "Sales"], {"Sales", None})

    assert quiet == ("design", "Legal")


def test_departments_are_listed_by_ideas_with_no_department_last_and_the_rest_summed() -> None:
    slices = [
        Slice("B", ideas=2, contributors=1),
        Slice(None, ideas=9),
        Slice("A", ideas=2, contributors=2),
        *(Slice(f"D{n:02d}", ideas=1, voters=1, headcount=2) for n in range(16)),
    ]

    ordered = rules.ordered(slices)
    shown, rest = rules.shown_and_rest(ordered)

    assert [s.department for s in ordered[:3]] == ["A", "B", "D00"]
    assert ordered[-1].department is None
    assert len(shown) == rules.DEPARTMENTS_SHOWN
    assert rest is not None and rest.department == "4 more"
    assert (rest.ideas, rest.voters, rest.headcount) == (12, 3, 6)


@pytest.mark.parametrize(
    ("value", "shown"), [(None, "–"), (0.333, "33%"), (1.0, "100%"), (0.0, "0%")]
)
def test_shares_as_people_read_them(value: float | None, shown: str) -> None:
    assert rules.percent(value) == shown


def test_a_trend_line_names_each_month() -> None:
    months = rules.last_months(3, now=NOW, tz=ZONE_UTC, include_current=True)

    assert rules.trend(list(zip(months, [12, 18, 3], strict=True))) == "Oct 12 · Nov 18 · Dec 3"
