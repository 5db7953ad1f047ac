"""Which ideas lead, over which period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Period:
    name: str
    since: datetime | None  # UTC; None for all time
    label: str


def parse_period(text: str, *, now: datetime, tz: ZoneInfo) -> Period:
    """`all`, or else this calendar month in the programme's timezone (`month`, the default;
    `/idea` lets no other word through)."""
    if text.strip().lower() == "all":
        return Period("all", None, "of all time")
    local = now.astimezone(tz)
    # fold=0: when clocks go back over midnight on the 1st, the month starts at the first one.
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0, fold=0)
    return Period("month", start.astimezone(UTC), f"of {local:%B %Y}")
