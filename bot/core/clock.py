"""The programme's sense of today."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def today(tz: ZoneInfo, *, now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(tz).date()
