"""Idea statuses as plain functions: the names, which are closed, which need a reason, and
what `/idea status <id> <status> <reason>` means. Messages are plain text: whoever shows them
in Slack escapes them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.typed import parse_id, text_length
from storage.vocabulary import CLOSED_STATUSES, DUPLICATE, IdeaStatus

NEW, UNDER_REVIEW, EXPERIMENTING = IdeaStatus.NEW, IdeaStatus.UNDER_REVIEW, IdeaStatus.EXPERIMENTING
SHIPPED, PARKED, DECLINED = IdeaStatus.SHIPPED, IdeaStatus.PARKED, IdeaStatus.DECLINED
STATUSES = tuple(IdeaStatus)
CLOSED = CLOSED_STATUSES
NEED_A_REASON = frozenset({PARKED, DECLINED})
REASON_LIMIT = 1000

BADGES: dict[str, str] = {
    NEW: "🆕 New",
    UNDER_REVIEW: "👀 Under review",
    EXPERIMENTING: "🧪 Experimenting",
    SHIPPED: "🚀 Shipped",
    PARKED: "🅿️ Parked",
    DECLINED: "🙅 Declined",
}
# Shown for an idea marked a duplicate (`bot.duplicates`); not a status anyone picks.
DUPLICATE_BADGE = "🔁 Duplicate"


def badge(status: str) -> str:
    """How a stored status is shown."""
    return DUPLICATE_BADGE if status == DUPLICATE else BADGES.get(status, status)


_ALIASES = {
    "review": UNDER_REVIEW,
    "under-review": UNDER_REVIEW,
    "under_review": UNDER_REVIEW,
    "underreview": UNDER_REVIEW,
    "experiment": EXPERIMENTING,
}

USAGE = (
    "Use `/idea status <idea number> <status> <reason>`, e.g. "
    "`/idea status 12 declined Too costly this year`. Statuses: "
    + ", ".join(f"`{s.replace(' ', '-')}`" for s in STATUSES)
    + ". Declined and parked need a reason."
)


def parse_status(word: str) -> str | None:
    cleaned = word.strip().lower()
    if cleaned in STATUSES:
        return cleaned
    return _ALIASES.get(cleaned)


def status_problem(*, current: str, to: str) -> str | None:
    """Why the idea cannot move to `to`, or None. A status can arrive from a form that was
    never Slack's, so it is one of `STATUSES` or nothing is changed."""
    if to not in STATUSES:
        return "That is not a status Lightbulb knows. Pick one of: " + ", ".join(BADGES.values())
    if to == current:
        return f"The idea is already {to}."
    if current == DUPLICATE:
        # Its status comes back with the mark's undo, which also takes the moved votes back.
        return "It is marked a duplicate: `/idea duplicate undo <number>` reopens it."
    return None


def reason_problem(*, to: str, reason: str) -> str | None:
    """Why `reason` will not do for a move to `to`, or None."""
    if to in NEED_A_REASON and not reason.strip():
        return f"Say why it is {to}: the author and voters will read it."
    if text_length(reason) > REASON_LIMIT:
        return f"Keep the reason to {REASON_LIMIT:,} characters."
    return None


def change_problem(*, current: str, to: str, reason: str) -> str | None:
    """Why this change cannot be made, or None."""
    return status_problem(current=current, to=to) or reason_problem(to=to, reason=reason)


@dataclass(frozen=True)
class StatusCommand:
    idea_id: int
    status: str
    reason: str


def parse_status_command(text: str) -> StatusCommand | str:
    """`12 declined Too costly` → the command; anything else → what is wrong with it."""
    words = text.split(maxsplit=1)
    idea_id = parse_id(words[0]) if words else None
    if idea_id is None:
        return f"Which idea? {USAGE}"
    rest = words[1] if len(words) > 1 else ""
    for status in sorted(STATUSES, key=len, reverse=True):
        if rest.lower().startswith(status) and (
            len(rest) == len(status) or rest[len(status)].isspace()
        ):
            return StatusCommand(idea_id, status, rest[len(status) :].strip())
    first, _, reason = rest.partition(" ")
    parsed = parse_status(first)
    if parsed is None:
        shown = f"`{first}` is not a status. " if first else "Which status? "
        return shown + USAGE
    return StatusCommand(idea_id, parsed, reason.strip())
