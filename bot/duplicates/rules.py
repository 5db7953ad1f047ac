"""What `/idea duplicate …` means, which marks are allowed, and how long an undo stays open.

Plain functions: the service reads the ideas and their chains, these decide."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.typed import parse_id
from storage.vocabulary import DUPLICATE

UNDO_WITHIN = timedelta(days=7)

USAGE = (
    "Use `/idea duplicate <idea number> of <idea number>`, e.g. `/idea duplicate 3 of 1`: "
    "idea #3 closes, linked to #1, and its voters may move their votes there. "
    "`/idea duplicate undo 3` reopens it within 7 days."
)
NOT_AN_ADMIN = (
    "Only Lightbulb admins mark an idea as a duplicate, as it closes the idea and asks its "
    "voters to move their votes. If you spot one, say so in its thread: they read it."
)


@dataclass(frozen=True)
class MarkCommand:
    idea_id: int
    duplicate_of: int


@dataclass(frozen=True)
class UndoCommand:
    idea_id: int


def parse(text: str) -> MarkCommand | UndoCommand | str:
    """`3 of 1`, `#3 of #1`, `undo 3` → the command; anything else → what is wrong."""
    words = text.split()
    if len(words) == 2 and words[0].lower() == "undo":
        idea_id = parse_id(words[1])
        return UndoCommand(idea_id) if idea_id is not None else f"Which idea? {USAGE}"
    if len(words) == 3 and words[1].lower() == "of":
        first, second = parse_id(words[0]), parse_id(words[2])
        if first is not None and second is not None:
            return MarkCommand(first, second)
    return USAGE


def mark_problem(
    *, idea_id: int, duplicate_of: int, status: str, target_chain: Sequence[int]
) -> str | None:
    """Why the idea cannot be marked a duplicate of `duplicate_of`, whose chain (itself, the
    idea it duplicates, and so on) is `target_chain`; None when it can."""
    if idea_id == duplicate_of:
        return f"Idea #{idea_id} cannot be a duplicate of itself."
    if status == DUPLICATE:
        return (
            f"Idea #{idea_id} is already marked a duplicate. "
            f"`/idea duplicate undo {idea_id}` reopens it first."
        )
    if idea_id in target_chain:
        return (
            f"Idea #{duplicate_of} is itself a duplicate of #{idea_id}: marking #{idea_id} a "
            f"duplicate of it would make a circle. `/idea duplicate undo {duplicate_of}` "
            "reopens it first."
        )
    return None


def undo_problem(*, idea_id: int, marked_at: datetime, now: datetime) -> str | None:
    if now - marked_at > UNDO_WITHIN:
        return (
            f"Idea #{idea_id} was marked a duplicate on {marked_at:%-d %b %Y}, more than "
            f"{UNDO_WITHIN.days} days ago: its voters have moved on, so it stays closed."
        )
    return None
