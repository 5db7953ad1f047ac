"""The voting rules, as plain functions: which reaction counts as a vote for what."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from storage.vocabulary import CLOSED_STATUSES


def base_emoji(reaction: str) -> str:
    """`+1::skin-tone-3` counts as `+1`."""
    return reaction.split("::", 1)[0]


@dataclass(frozen=True)
class IdeaPost:
    """What the rules need to know about the idea a reaction landed on."""

    idea_id: int
    author_id: str
    status: str


class Verdict(StrEnum):
    COUNT = "count"
    NOT_A_MESSAGE = "not a message"
    NOT_A_VOTE_EMOJI = "not a vote emoji"
    NOT_AN_IDEA = "not an idea post"
    OWN_IDEA = "the author's own idea"
    BOT = "a bot"
    NOT_A_MEMBER = "not a member of the workspace"
    CLOSED = "the idea is closed"
    FAILED = "could not be recorded"


def judge_reaction(*, reaction: str, item_type: str, vote_emojis: Collection[str]) -> Verdict:
    """The rules that need nothing but the event itself."""
    if item_type != "message":
        return Verdict.NOT_A_MESSAGE
    if base_emoji(reaction) not in vote_emojis:
        return Verdict.NOT_A_VOTE_EMOJI
    return Verdict.COUNT


def judge_idea(*, voter_id: str, idea: IdeaPost | None) -> Verdict:
    """The rules about the idea the reaction landed on."""
    if idea is None:
        return Verdict.NOT_AN_IDEA
    if voter_id == idea.author_id:
        return Verdict.OWN_IDEA
    if idea.status in CLOSED_STATUSES:
        return Verdict.CLOSED
    return Verdict.COUNT


class Person(Protocol):
    """What the rules need to know about whoever reacted, as Slack describes them."""

    @property
    def is_bot(self) -> bool: ...

    @property
    def deleted(self) -> bool: ...


def judge_voter(person: Person | None) -> Verdict:
    """Bots and people Slack does not know (or no longer knows) never vote."""
    if person is None or person.deleted:
        return Verdict.NOT_A_MEMBER
    return Verdict.BOT if person.is_bot else Verdict.COUNT
