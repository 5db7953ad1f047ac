"""When each step at the end of a challenge is due, and who picks its winners, as plain
functions (times in TIMEZONE). The timeline (`bot.challenges.timeline`) runs every few minutes
and asks these; the claims make each post once, whenever it runs.

- The reminder: from 09:00 two days before the closing day until the close.
- The close: 17:00 on the closing day. No ideas by then: one more week, once.
- Picking winners: a reminder 7 days after the close; the people's choice 7 days after that.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

REMINDER_HOUR = 9
CLOSING_HOUR = 17
REMINDER_DAYS_BEFORE = 2
EXTENSION_DAYS = 7
# A sponsor who has not picked winners hears once after this; after twice this, the idea
# with the most votes is announced as the people's choice.
PICK_WITHIN = timedelta(days=7)
TOP_FOR_SPONSOR = 5
# Slack shows at most 10 checkboxes in one group.
PICK_CHOICES = 10
MAX_WINNERS = 3

NO_WINNER_PICKED = "Pick at least one idea to announce as a winner."
TOO_MANY_WINNERS = f"Pick at most {MAX_WINNERS} winners, so that each one stands out."
NOT_AN_ENTRY = "One of these ideas is not part of this challenge any more: pick again."
ALREADY_DECIDED = "Winners were already announced for this challenge."


def closes_at(closes_on: date, tz: ZoneInfo) -> datetime:
    """A challenge takes ideas until 17:00 on its closing day."""
    return datetime.combine(closes_on, time(CLOSING_HOUR), tzinfo=tz)


def reminder_at(closes_on: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(
        closes_on - timedelta(days=REMINDER_DAYS_BEFORE), time(REMINDER_HOUR), tzinfo=tz
    )


def reminder_due(*, opens_on: date, closes_on: date, now: datetime, tz: ZoneInfo) -> bool:
    """From 09:00 two days before the close until the close; never for a challenge that
    opened less than two days before it closes (its card is news enough)."""
    if opens_on > closes_on - timedelta(days=REMINDER_DAYS_BEFORE):
        return False
    return reminder_at(closes_on, tz) <= now < closes_at(closes_on, tz)


def close_due(*, closes_on: date, now: datetime, tz: ZoneInfo) -> bool:
    return now >= closes_at(closes_on, tz)


def extended_until(closes_on: date) -> date:
    """A challenge with no ideas at its first close gets one more week."""
    return closes_on + timedelta(days=EXTENSION_DAYS)


def pick_reminder_due(*, closed_at: datetime, now: datetime) -> bool:
    return now >= closed_at + PICK_WITHIN


def peoples_choice_due(*, closed_at: datetime, now: datetime) -> bool:
    return now >= closed_at + 2 * PICK_WITHIN


def may_pick(
    user_id: str, *, sponsor_id: str, theme_owner_id: str | None, admins: Iterable[str]
) -> bool:
    """The sponsor picks winners; the theme's owner and the admins may stand in."""
    return user_id in (sponsor_id, theme_owner_id) or user_id in set(admins)


def who_picks(
    *,
    sponsor_id: str,
    sponsor_active: bool,
    owner_id: str | None,
    owner_active: bool,
    active_admins: Sequence[str],
) -> list[str]:
    """Who is asked to pick winners: the sponsor; if they left or are a bot, the theme's owner;
    else every admin. Nobody (an empty list) means the people's choice is announced at once."""
    if sponsor_active:
        return [sponsor_id]
    if owner_id is not None and owner_active:
        return [owner_id]
    return list(dict.fromkeys(active_admins))


def winners_problem(chosen: Sequence[int], *, entries: Iterable[int]) -> str | None:
    """What is wrong with the winners picked in the form, in words for the person; None when
    nothing is."""
    if not chosen:
        return NO_WINNER_PICKED
    if len(set(chosen)) > MAX_WINNERS:
        return TOO_MANY_WINNERS
    if not set(chosen) <= set(entries):
        return NOT_AN_ENTRY
    return None
