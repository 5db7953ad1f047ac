"""When a person is asked about their exploration time, what they may answer, and until when.

Asked once per ISO week, on Friday afternoon in their own timezone: from 14:00 (or the start of
the working day, if later) until the end of the working day, and only where Friday is a working
day. The answer may change until that week ends, in their timezone.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, time

FRIDAY = 4  # Monday is 0
AFTERNOON = time(14, 0)

NONE, UNDER_2H, FROM_2_TO_4H, MORE = "none", "under_2h", "2_4h", "more"
# Stored value → what the button says, in the order the buttons come.
ANSWERS = {
    NONE: "None",
    UNDER_2H: "Under 2 h",
    FROM_2_TO_4H: "2–4 h",
    MORE: "More than 4 h",
}
# What the thanks says: "you spent … exploring this week".
SPENT = {
    NONE: "no time",
    UNDER_2H: "under 2 h",
    FROM_2_TO_4H: "2–4 h",
    MORE: "more than 4 h",
}
# 2 hours or more: the person got their protected time.
PROTECTED = frozenset({FROM_2_TO_4H, MORE})


def may_ask(
    local: datetime, *, work_start: time, work_end: time, work_days: Collection[int]
) -> bool:
    """Whether `local` (the person's own time) is Friday afternoon in their working hours."""
    if FRIDAY not in work_days or local.weekday() != FRIDAY:
        return False
    return max(AFTERNOON, work_start) <= local.time() < work_end


def week_of(local: datetime) -> str:
    """The ISO week a check-in belongs to, `2026-W49`, from the person's own time."""
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def parse_answer(value: str) -> str | None:
    """A stored answer from what a button sent, or None for anything else."""
    return value if value in ANSWERS else None


def got_protected_time(answer: str | None) -> bool:
    return answer in PROTECTED


def may_change(week: str, *, local_now: datetime) -> bool:
    """Whether an answer for `week` may still be given or changed: only during that week."""
    return week_of(local_now) == week
