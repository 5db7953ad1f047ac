"""When to ask an experiment owner for their learning, as plain functions.

A first prompt once the experiment is past its end date; at most one prompt every few days;
one gentle reminder a week after the first; after a snooze, one prompt when it ends. Never
outside the owner's own working hours and days. Nothing once the learning is shared.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime, time, timedelta

MIN_GAP = timedelta(days=3)
REMINDER_AFTER = timedelta(days=7)
FIRST, REMINDER = "first", "reminder"


def in_working_hours(local: datetime, *, start: time, end: time, days: Collection[int]) -> bool:
    return local.weekday() in days and start <= local.time() < end


def next_slot(
    *,
    ends_on: date,
    local_today: date,
    now: datetime,
    sent: Mapping[str, datetime],
    snoozed_until: datetime | None,
) -> str | None:
    """The prompt due now (a slot name, claimed once), or None."""
    if ends_on >= local_today:
        return None
    if snoozed_until is not None and now < snoozed_until:
        return None
    if sent and now - max(sent.values()) < MIN_GAP:
        return None
    if FIRST not in sent:
        return FIRST
    if snoozed_until is not None:
        after_snooze = f"after-snooze-{snoozed_until:%Y%m%dT%H%M}"
        if after_snooze not in sent:
            return after_snooze
    if REMINDER not in sent and now - sent[FIRST] >= REMINDER_AFTER:
        return REMINDER
    return None
