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


def parse_period(text: str, *, now: datetime, tz: ZoneInfo) -> Period | None:
    """`month` (the default: this calendar month in the programme's timezone) or `all`."""
    word = text.strip().lower() or "month"
    if word == "all":
        return Period("all", None, "of all time")
    if word == "month":
        local = now.astimezone(tz)
        start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        return Period("month", start.astimezone(UTC), f"of {local:%B %Y}")
    return None
