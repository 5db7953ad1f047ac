"""When each step at the end of a challenge is due, and who picks its winners: plain rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.challenges import timeline_rules as rules

PARIS = ZoneInfo("Europe/Paris")
OPENS, CLOSES = date(2026, 11, 2), date(2026, 11, 20)


def paris(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=PARIS)


def test_a_challenge_closes_at_five_in_the_afternoon_in_the_timezone() -> None:
    assert rules.closes_at(CLOSES, PARIS) == paris(20, 17)
    assert rules.closes_at(CLOSES, PARIS).astimezone(UTC).hour == 16
    assert not rules.close_due(closes_on=CLOSES, now=paris(20, 16, 59), tz=PARIS)
    assert rules.close_due(closes_on=CLOSES, now=paris(20, 17), tz=PARIS)
    assert rules.close_due(closes_on=CLOSES, now=paris(25, 3), tz=PARIS)


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (paris(18, 8, 59), False),
        (paris(18, 9), True),
        (paris(19, 23), True),
        (paris(20, 16, 59), True),
        (paris(20, 17), False),  # closed: a reminder now would come too late
    ],
)
def test_the_reminder_runs_from_nine_two_days_before_until_the_close(
    now: datetime, due: bool
) -> None:
    assert rules.reminder_due(opens_on=OPENS, closes_on=CLOSES, now=now, tz=PARIS) is due


def test_no_reminder_for_a_challenge_that_opened_less_than_two_days_before_its_close() -> None:
    now = paris(19, 10)
    assert not rules.reminder_due(opens_on=date(2026, 11, 19), closes_on=CLOSES, now=now, tz=PARIS)
    assert rules.reminder_due(opens_on=date(2026, 11, 18), closes_on=CLOSES, now=now, tz=PARIS)


def test_one_more_week_and_the_sponsors_two_weeks() -> None:
    assert rules.extended_until(CLOSES) == date(2026, 11, 27)
    closed = paris(20, 17)
    assert not rules.pick_reminder_due(closed_at=closed, now=closed + timedelta(days=7, seconds=-1))
    assert rules.pick_reminder_due(closed_at=closed, now=closed + timedelta(days=7))
    assert not rules.peoples_choice_due(closed_at=closed, now=closed + timedelta(days=13))
    assert rules.peoples_choice_due(closed_at=closed, now=closed + timedelta(days=14))


def test_the_sponsor_picks_else_the_theme_owner_else_the_admins() -> None:
    def who(*, sponsor: bool, owner: bool, owner_id: str | None = "UO") -> list[str]:
        return rules.who_picks(
            sponsor_id="US",
            sponsor_active=sponsor,
            owner_id=owner_id,
            owner_active=owner,
            active_admins=["UA", "UB", "UA"],
        )

    assert who(sponsor=True, owner=True) == ["US"]
    assert who(sponsor=False, owner=True) == ["UO"]
    assert who(sponsor=False, owner=False) == ["UA", "UB"]
    assert who(sponsor=False, owner=False, owner_id=None) == ["UA", "UB"]
    assert (
        rules.who_picks(
            sponsor_id="US",
            sponsor_active=False,
            owner_id=None,
            owner_active=False,
            active_admins=[],
        )
        == []
    )


def test_who_may_pick() -> None:
    for person in ("US", "UO", "UA"):
        assert rules.may_pick(person, sponsor_id="US", theme_owner_id="UO", admins={"UA"})
    assert not rules.may_pick("UX", sponsor_id="US", theme_owner_id="UO", admins={"UA"})
    assert not rules.may_pick("UX", sponsor_id="US", theme_owner_id=None, admins=set())


def test_winners_picked_are_between_one_and_three_of_the_challenges_ideas() -> None:
    entries = [1, 2, 3, 4, 5]
    assert rules.winners_problem([], entries=entries) == rules.NO_WINNER_PICKED
    assert rules.winners_problem([1, 2, 3, 4], entries=entries) == rules.TOO_MANY_WINNERS
    assert rules.winners_problem([1, 9], entries=entries) == rules.NOT_AN_ENTRY
    assert rules.winners_problem([1, 2, 3], entries=entries) is None
