"""The rules for starting a challenge, as plain functions: a question that reads as a problem,
dates that make sense, who may start one, and when it opens.

"The framing of a problem determines the solution space": a challenge that names its solution
("Build a mobile app") leaves people nothing to imagine, so the form says so and suggests a
"How might we …?" wording. The person may still insist (Keep my wording).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.challenges.timeline_rules import CLOSING_HOUR
from bot.core.typed import text_length

QUESTION_LIMIT = 300
WHY_LIMIT = 1000
JUDGED_BY_LIMIT = 1000
# The form suggests a close this far after the opening: time for ideas and for votes.
DEFAULT_WEEKS = 4
# A challenge that opens on a later day has its card posted at this hour in TIMEZONE.
OPENING_TIME = time(9, 0)
# How much of the question an inline error quotes back.
QUOTED = 60


class Field(StrEnum):
    """What the challenge form asks for; a problem is reported against its field (block id)."""

    QUESTION = "question"
    WHY = "why"
    JUDGED_BY = "judged_by"
    THEME = "theme"
    SPONSOR = "sponsor"
    OPENS_ON = "opens_on"
    CLOSES_ON = "closes_on"
    CHANNEL = "channel"
    KEEP_WORDING = "keep_wording"


@dataclass(frozen=True)
class ChallengeDraft:
    question: str
    why: str
    judged_by: str
    sponsor_id: str
    opens_on: date | None
    closes_on: date | None
    theme_id: int | None = None
    channel_id: str = ""  # empty: the ideas channel
    keep_wording: bool = False


_HOW_MIGHT_WE = re.compile(r"^\s*(how\s+might\s+we|hmw)\b[\s,:]*", re.IGNORECASE)
# A question that opens with one of these verbs has already chosen its answer.
_SOLUTION_VERBS = ("build", "buy", "implement", "launch")
# Anywhere in the question, these name a solution (or a decision already taken).
_SOLUTION_PHRASES = (
    "create an app",
    "build an app",
    "build a",
    "buy a",
    "implement a",
    "launch a",
    "add a",
    "we should",
    "let's",
    "let us",
)


def names_a_solution(question: str) -> bool:
    """Whether the question (after any "How might we") starts with a solution verb or
    contains a phrase that names a solution."""
    flat = " ".join(question.lower().replace("’", "'").split())
    rest = _HOW_MIGHT_WE.sub("", flat)
    first = re.split(r"[^a-z']+", rest, maxsplit=1)[0]
    if first in _SOLUTION_VERBS:
        return True
    return any(re.search(rf"(^|[^a-z']){re.escape(p)}($|[^a-z'])", flat) for p in _SOLUTION_PHRASES)


def reads_as_problem(question: str) -> bool:
    return _HOW_MIGHT_WE.match(question) is not None


def _quoted(question: str) -> str:
    flat = " ".join(question.split())
    return flat if len(flat) <= QUOTED else flat[: QUOTED - 1].rstrip() + "…"


def suggestion(question: str) -> str:
    """The question as "How might we …?", for a question that is not a solution."""
    rest = _HOW_MIGHT_WE.sub("", " ".join(question.split())).rstrip(" ?.!")
    if rest[:1].isupper() and not rest[1:2].isupper():
        rest = rest[0].lower() + rest[1:]
    return f"How might we {rest}?" if rest else "How might we …?"


def framing_problem(question: str) -> str | None:
    """Why the question does not read as a problem, with a rewording; None when it does."""
    if names_a_solution(question):
        return (
            f'This reads like a solution ("{_quoted(question)}"). Try the problem it would '
            'solve: "How might we …?" — or tick Keep my wording to use it as it is.'
        )
    if not reads_as_problem(question):
        return (
            f'Frame it as a problem people can answer in many ways. Try: "{suggestion(question)}"'
            " — or tick Keep my wording to use it as it is."
        )
    return None


def _text_problem(text: str, *, limit: int, missing: str, what: str) -> str | None:
    if not text.strip():
        return missing
    if text_length(text) > limit:
        return f"Keep {what} to {limit:,} characters (it has {text_length(text):,})."
    return None


def date_problems(opens_on: date | None, closes_on: date | None, *, today: date) -> dict[str, str]:
    problems: dict[str, str] = {}
    if opens_on is None:
        problems[Field.OPENS_ON] = "Pick the day the challenge opens."
    elif opens_on < today:
        problems[Field.OPENS_ON] = (
            f"That day has passed: pick today ({today:%-d %B}) or a later day."
        )
    if closes_on is None:
        problems[Field.CLOSES_ON] = "Pick the day the challenge closes."
    elif opens_on is not None and closes_on <= opens_on:
        problems[Field.CLOSES_ON] = (
            f"The challenge must close after it opens: pick a day after {opens_on:%-d %B}."
        )
    return problems


def draft_problems(draft: ChallengeDraft, *, today: date) -> dict[str, str]:
    """Field-by-field problems with the challenge form that need nothing but the form itself;
    empty when it may be started (the sponsor and the channel are checked with Slack)."""
    question = _text_problem(
        draft.question,
        limit=QUESTION_LIMIT,
        missing='Write the question, starting with "How might we …?".',
        what="the question",
    )
    if question is None and not draft.keep_wording:
        question = framing_problem(draft.question)
    problems = {
        Field.QUESTION: question,
        Field.WHY: _text_problem(
            draft.why,
            limit=WHY_LIMIT,
            missing="Say why it matters: what the company gains when this is solved.",
            what="why it matters",
        ),
        Field.JUDGED_BY: _text_problem(
            draft.judged_by,
            limit=JUDGED_BY_LIMIT,
            missing="Say how the ideas will be judged, so people know what a winner looks like.",
            what="how success is judged",
        ),
        Field.SPONSOR: None if draft.sponsor_id else "Choose who sponsors the challenge.",
    }
    found = {str(field): problem for field, problem in problems.items() if problem}
    return found | date_problems(draft.opens_on, draft.closes_on, today=today)


def sponsor_problem(*, known: bool, is_bot: bool, deleted: bool) -> str | None:
    """Why this person cannot sponsor a challenge: they pick its winners."""
    if not known:
        return "Slack doesn't know this person: choose someone in your workspace."
    if is_bot:
        return "That's a bot: choose a person, who will pick the winners at the close."
    if deleted:
        return "This person has left the workspace: choose someone who can pick the winners."
    return None


def channel_problem(*, found: bool, is_member: bool, name: str) -> str | None:
    """Why the card cannot be posted in the chosen channel."""
    if not found:
        return (
            "I can't see that channel: if it is private, invite me first (/invite @Lightbulb "
            "in it), then submit again."
        )
    if not is_member:
        return f"Invite me first: /invite @Lightbulb in #{name}, then submit again"
    return None


def may_start(user_id: str, *, admins: Collection[str], theme_owners: Collection[str]) -> bool:
    """Admins and the owners of active themes start challenges."""
    return user_id in admins or user_id in theme_owners


REFUSAL = (
    "Only Lightbulb admins and theme owners start challenges. Have a question worth asking "
    "everyone? Tell one of them; or share your own idea with `/idea`."
)


def default_close(opens_on: date) -> date:
    return opens_on + timedelta(weeks=DEFAULT_WEEKS)


def opening_moment(opens_on: date, tz: ZoneInfo) -> datetime:
    """When the scheduled job posts the card of a challenge opening on a later day."""
    return datetime.combine(opens_on, OPENING_TIME, tzinfo=tz)


def opens_at_once(opens_on: date, *, today: date) -> bool:
    """A challenge that opens today is opened as soon as it is saved, at any hour."""
    return opens_on <= today


def is_due(opens_on: date, *, created_on: date, now: datetime, tz: ZoneInfo) -> bool:
    """Whether the challenges job should post the card now: from OPENING_TIME on its opening
    day; at once for one saved on its opening day (its first post may have failed)."""
    return opening_moment(opens_on, tz) <= now or opens_at_once(opens_on, today=created_on)


def deadline(closes_on: date, *, today: date) -> str:
    """ "Closes Friday 18 December at 17:00 (in 15 days)"."""
    days = (closes_on - today).days
    if days > 1:
        when = f"in {days} days"
    elif days == 1:
        when = "tomorrow"
    elif days == 0:
        when = "today"
    else:
        return f"Closed {closes_on:%A %-d %B}"
    return f"Closes {closes_on:%A %-d %B} at {CLOSING_HOUR}:00 ({when})"
