"""The rules for starting a challenge, tested directly: they need nothing running."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.challenges import rules
from bot.challenges.rules import ChallengeDraft, Field

TODAY = date(2026, 12, 3)


def draft(**changes: object) -> ChallengeDraft:
    values: dict = {
        "question": "How might we help new starters feel at home in their first week?",
        "why": "People who settle in fast stay longer.",
        "judged_by": "Fewer questions to HR in the first month.",
        "sponsor_id": "U0SPONSOR",
        "opens_on": TODAY,
        "closes_on": date(2026, 12, 31),
    }
    return ChallengeDraft(**(values | changes))


@pytest.mark.parametrize(
    "question",
    [
        "How might we help new starters feel at home?",
        "how MIGHT we cut the time to a first answer",
        "HMW make Mondays lighter?",
        "hmw: make Mondays lighter?",
        "How might we help teams learn from each other?",
    ],
)
def test_a_how_might_we_question_reads_as_a_problem(question: str) -> None:
    assert rules.framing_problem(question) is None
    assert rules.draft_problems(draft(question=question), today=TODAY) == {}


@pytest.mark.parametrize(
    "question",
    [
        "Build a mobile app",
        "build an intranet",
        "Buy a better coffee machine",
        "Implement SSO everywhere",
        "Launch a podcast",
        "We should create an app for expenses",
        "Let's add a leaderboard",
        "Let’s add a leaderboard",
        "How might we build a mobile app?",
        "How might we launch the new CRM?",
        "HMW add a chat bot to the wiki",
    ],
)
def test_a_question_naming_a_solution_is_told_so_with_a_rewording(question: str) -> None:
    problem = rules.framing_problem(question)
    assert problem is not None
    assert problem.startswith("This reads like a solution (")
    assert '"How might we …?"' in problem
    assert "tick Keep my wording" in problem
    assert rules.draft_problems(draft(question=question), today=TODAY)[Field.QUESTION] == problem


def test_the_rewording_quotes_the_question() -> None:
    problem = rules.framing_problem("Build a mobile app")
    assert problem == (
        'This reads like a solution ("Build a mobile app"). Try the problem it would solve: '
        '"How might we …?" — or tick Keep my wording to use it as it is.'
    )


def test_a_question_that_is_not_a_how_might_we_gets_one_suggested() -> None:
    problem = rules.framing_problem("Reduce the time customers wait for an answer.")
    assert problem == (
        "Frame it as a problem people can answer in many ways. Try: "
        '"How might we reduce the time customers wait for an answer?" — or tick Keep my '
        "wording to use it as it is."
    )


def test_words_inside_other_words_do_not_count_as_solutions() -> None:
    assert not rules.names_a_solution("How might we help rebuilding teams?")
    assert not rules.names_a_solution("How might we make buying easier for customers?")
    assert not rules.names_a_solution("How might we keep the launchpad tidy?")


def test_keep_my_wording_accepts_the_question_as_written() -> None:
    kept = draft(question="Build a mobile app", keep_wording=True)
    assert rules.draft_problems(kept, today=TODAY) == {}


def test_every_missing_or_too_long_field_is_named() -> None:
    problems = rules.draft_problems(
        draft(question=" ", why="", judged_by="", sponsor_id="", opens_on=None, closes_on=None),
        today=TODAY,
    )
    assert set(problems) == {
        Field.QUESTION,
        Field.WHY,
        Field.JUDGED_BY,
        Field.SPONSOR,
        Field.OPENS_ON,
        Field.CLOSES_ON,
    }
    long = rules.draft_problems(
        draft(question="How might we " + "x" * 300, why="y" * 1001), today=TODAY
    )
    assert long[Field.QUESTION].startswith("Keep the question to 300 characters")
    assert long[Field.WHY].startswith("Keep why it matters to 1,000 characters")


@pytest.mark.parametrize("closes_on", [TODAY, date(2026, 12, 2)])
def test_a_challenge_must_close_after_it_opens(closes_on: date) -> None:
    problems = rules.draft_problems(draft(closes_on=closes_on), today=TODAY)
    assert problems == {
        Field.CLOSES_ON: "The challenge must close after it opens: pick a day after 3 December."
    }


def test_a_challenge_cannot_open_in_the_past() -> None:
    problems = rules.draft_problems(draft(opens_on=date(2026, 12, 2)), today=TODAY)
    assert problems == {
        Field.OPENS_ON: "That day has passed: pick today (3 December) or a later day."
    }


def test_sponsors_must_be_people_still_here() -> None:
    assert rules.sponsor_problem(known=True, is_bot=False, deleted=False) is None
    assert "bot" in (rules.sponsor_problem(known=True, is_bot=True, deleted=False) or "")
    assert "left" in (rules.sponsor_problem(known=True, is_bot=False, deleted=True) or "")
    assert "doesn't know" in (rules.sponsor_problem(known=False, is_bot=False, deleted=False) or "")


def test_a_channel_without_the_bot_says_how_to_invite_it() -> None:
    assert rules.channel_problem(found=True, is_member=True, name="ideas") is None
    assert rules.channel_problem(found=True, is_member=False, name="ideas") == (
        "Invite me first: /invite @Lightbulb in #ideas, then submit again"
    )
    assert "/invite @Lightbulb" in (
        rules.channel_problem(found=False, is_member=False, name="") or ""
    )


def test_admins_and_theme_owners_may_start_a_challenge() -> None:
    admins, owners = {"U0ADMIN"}, {"U0OWNER"}
    assert rules.may_start("U0ADMIN", admins=admins, theme_owners=owners)
    assert rules.may_start("U0OWNER", admins=admins, theme_owners=owners)
    assert not rules.may_start("U0ANYONE", admins=admins, theme_owners=owners)


def test_when_a_challenge_opens() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    opens_on = date(2026, 12, 7)
    assert rules.opening_moment(opens_on, berlin) == datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    before = datetime(2026, 12, 7, 7, 59, tzinfo=UTC)
    assert not rules.is_due(opens_on, created_on=TODAY, now=before, tz=berlin)
    assert rules.is_due(
        opens_on, created_on=TODAY, now=datetime(2026, 12, 7, 8, tzinfo=UTC), tz=berlin
    )
    # Saved on its opening day: due at once, at any hour (its first post may have failed).
    assert rules.is_due(opens_on, created_on=opens_on, now=before, tz=berlin)


def test_the_deadline_counts_the_days_left() -> None:
    closes = date(2026, 12, 18)
    assert rules.deadline(closes, today=TODAY) == "Closes Friday 18 December at 17:00 (in 15 days)"
    assert (
        rules.deadline(closes, today=date(2026, 12, 17))
        == "Closes Friday 18 December at 17:00 (tomorrow)"
    )
    assert rules.deadline(closes, today=closes) == "Closes Friday 18 December at 17:00 (today)"
    assert rules.default_close(TODAY) == date(2026, 12, 31)
