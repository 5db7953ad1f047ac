"""The rules of the programme's numbers: which period `/idea stats …` means, the funnel's
order, the median, quiet departments and the order departments are listed in.

Plain functions: the SQL in `storage.numbers` counts, these decide what the counts mean.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.numbers.facts import Funnel, Period, Slice
from storage.vocabulary import IdeaStatus

USAGE = (
    "Which period? Type `/idea stats` for this month so far, `/idea stats quarter` or "
    "`/idea stats year`, or name one: `/idea stats 2026-11` (a month), `/idea stats 2026-Q4` "
    "(a quarter) or `/idea stats 2026` (a year)."
)
# An idea reached a step when it was changed to that step or a later one: parked and
# declined ideas reached nothing beyond what they had reached before.
FUNNEL_RANKS: Mapping[str, int] = {
    IdeaStatus.UNDER_REVIEW: 1,
    IdeaStatus.EXPERIMENTING: 2,
    IdeaStatus.SHIPPED: 3,
}
# The per-department table shows this many departments; the rest are summed in one row.
DEPARTMENTS_SHOWN = 15
NO_DEPARTMENT = "no department"

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


class StatsPeriodError(ValueError):
    """A period that does not parse or has not begun; the message says what to type."""


def _local(year: int, month: int, tz: ZoneInfo) -> datetime:
    # fold=0: when clocks go back over midnight on the 1st, the period starts at the first one.
    return datetime(year + (month - 1) // 12, (month - 1) % 12 + 1, 1, tzinfo=tz, fold=0)


def _period(
    key: str, label: str, first: tuple[int, int], months: int, *, tz: ZoneInfo, now: datetime
) -> Period:
    start = _local(*first, tz).astimezone(UTC)
    end = _local(first[0], first[1] + months, tz).astimezone(UTC)
    if start > now:
        raise StatsPeriodError(f"{label} has not begun yet. {USAGE}")
    if end > now:
        return Period(key, f"{label} so far", start, now.astimezone(UTC), complete=False)
    return Period(key, label, start, end)


def month(year: int, number: int, *, tz: ZoneInfo, now: datetime) -> Period:
    label = f"{_local(year, number, tz):%B %Y}"
    return _period(f"{year}-{number:02d}", label, (year, number), 1, tz=tz, now=now)


def quarter(year: int, number: int, *, tz: ZoneInfo, now: datetime) -> Period:
    first = (year, 3 * (number - 1) + 1)
    return _period(f"{year}-Q{number}", f"Q{number} {year}", first, 3, tz=tz, now=now)


def year(number: int, *, tz: ZoneInfo, now: datetime) -> Period:
    return _period(str(number), str(number), (number, 1), 12, tz=tz, now=now)


def parse_period(text: str, *, now: datetime, tz: ZoneInfo) -> Period:
    """`/idea stats [month|quarter|year|YYYY-MM|YYYY-Qn|YYYY]` as a period in `tz`: the
    current one (so far) by default, or a named one (complete once it has ended)."""
    word = text.strip().lower() or "month"
    local = now.astimezone(tz)
    if word == "month":
        return month(local.year, local.month, tz=tz, now=now)
    if word == "quarter":
        return quarter(local.year, (local.month - 1) // 3 + 1, tz=tz, now=now)
    if word == "year":
        return year(local.year, tz=tz, now=now)
    if (found := _MONTH.match(word)) and 1 <= int(found.group(2)) <= 12:
        return month(int(found.group(1)), int(found.group(2)), tz=tz, now=now)
    if found := _QUARTER.match(word):
        return quarter(int(found.group(1)), int(found.group(2)), tz=tz, now=now)
    if (found := _YEAR.match(word)) and int(found.group(1)) >= 1970:
        return year(int(found.group(1)), tz=tz, now=now)
    raise StatsPeriodError(f"I can't read `{text.strip()}` as a period. {USAGE}")


def last_months(count: int, *, now: datetime, tz: ZoneInfo, include_current: bool) -> list[Period]:
    """The `count` months up to now, oldest first: ending with this month so far, or with
    the last complete one."""
    local = now.astimezone(tz)
    newest = local.year * 12 + local.month - 1 - (0 if include_current else 1)
    return [
        month(index // 12, index % 12 + 1, tz=tz, now=now)
        for index in range(newest - count + 1, newest + 1)
    ]


def median(values: Iterable[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def quiet_departments(
    staffed: Iterable[str | None], active: Iterable[str | None]
) -> tuple[str, ...]:
    """Departments with people in them and no idea and no vote lately, by name. People with
    no department are not a department, so they are never quiet."""
    heard = set(active)
    return tuple(sorted({d for d in staffed if d is not None and d not in heard}, key=str.lower))


def ordered(slices: Iterable[Slice]) -> tuple[Slice, ...]:
    """Most ideas first, then most contributors and voters, then by name; people with no
    department last, apart from the departments."""
    return tuple(
        sorted(
            slices,
            key=lambda s: (
                s.department is None,
                -s.ideas,
                -s.contributors,
                -s.voters,
                (s.department or "").lower(),
            ),
        )
    )


def shown_and_rest(
    slices: Sequence[Slice], limit: int = DEPARTMENTS_SHOWN
) -> tuple[tuple[Slice, ...], Slice | None]:
    """The first `limit` departments, and the others summed in one row (None if none).

    Contributors and voters in the summed row add up each department's, so someone who moved
    between two of them within the period counts in both.
    """
    if len(slices) <= limit:
        return tuple(slices), None
    rest = slices[limit:]
    total = Slice(department=f"{len(rest)} more")
    for one in rest:
        total = add(total, one)
    return tuple(slices[:limit]), total


def add(into: Slice, one: Slice) -> Slice:
    funnel = Funnel(
        *(a + b for a, b in zip(into.funnel.counts(), one.funnel.counts(), strict=True))
    )
    headcount = (
        None
        if into.headcount is None and one.headcount is None
        else (into.headcount or 0) + (one.headcount or 0)
    )
    return replace(
        into,
        ideas=into.ideas + one.ideas,
        contributors=into.contributors + one.contributors,
        headcount=headcount,
        voters=into.voters + one.voters,
        funnel=funnel,
        median_days_to_decision=None,
        experiments_started=into.experiments_started + one.experiments_started,
        experiments_concluded=into.experiments_concluded + one.experiments_concluded,
        concluded_with_learning=into.concluded_with_learning + one.concluded_with_learning,
        exploration_asked=into.exploration_asked + one.exploration_asked,
        exploration_answered=into.exploration_answered + one.exploration_answered,
        exploration_protected=into.exploration_protected + one.exploration_protected,
    )


def department_name(department: str | None) -> str:
    return department if department is not None else NO_DEPARTMENT


def percent(value: float | None) -> str:
    """A share as people read it: `42%`, or `–` when there is nothing to divide by."""
    return "–" if value is None else f"{round(value * 100)}%"


def days(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f} day{'' if round(value, 1) == 1 else 's'}"


def trend(points: Sequence[tuple[Period, int]]) -> str:
    """`Jul 12 · Aug 18 · …`: a count per month (periods from `month`), oldest first."""
    return " · ".join(f"{_short_month(period.key)} {count}" for period, count in points)


def _short_month(key: str) -> str:
    year, number = key.split("-")
    return f"{date(int(year), int(number), 1):%b}"
