"""Who is introduced to whom about an idea, and when.

An idea's author meets two people who offered to help on it, from two different departments,
neither the author's: the earliest offers first, skipping any pair already introduced about
the idea. Everyone must be within their working hours and days, in their own timezone, when
the group DM opens. Weeks are ISO weeks in the programme's timezone: nobody is introduced more
than once in one.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from itertools import combinations

# Helpers in an introduction, each from a department of their own, none the author's.
HELPERS = 2


@dataclass(frozen=True)
class Helper:
    """Someone whose standing offer on the idea could bring them into an introduction, with
    the department recorded when they offered."""

    user_id: str
    department: str


def week_of(local: datetime) -> str:
    """The ISO week `local` falls in, `2026-W49`."""
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def at_work(
    local: datetime, *, work_start: time, work_end: time, work_days: Collection[int]
) -> bool:
    """Whether `local` (the person's own time) is within their working hours and days."""
    return local.weekday() in work_days and work_start <= local.time() < work_end


def people_key(user_ids: Iterable[str]) -> str:
    """The people of an introduction as stored: their ids, sorted, comma-separated."""
    return ",".join(sorted(set(user_ids)))


def from_other_departments(
    offers: Iterable[tuple[str, str | None]], *, author_id: str, author_department: str | None
) -> list[Helper]:
    """The helpers (user id, department when they offered) who may meet the author, in the
    order given: not the author, from a known department that is not the author's."""
    return [
        Helper(user_id, department)
        for user_id, department in offers
        if user_id != author_id and department and department != author_department
    ]


def pick_pair(
    helpers: Sequence[Helper], *, author_id: str, introduced: Collection[str]
) -> tuple[Helper, Helper] | None:
    """The first two helpers, in offer order, from two different departments, whom the author
    has not met about the idea together yet (`introduced`: the people keys already used)."""
    for first, second in combinations(helpers, 2):
        if first.department == second.department:
            continue
        if people_key((author_id, first.user_id, second.user_id)) in introduced:
            continue
        return first, second
    return None
