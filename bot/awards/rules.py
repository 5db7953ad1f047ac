"""How monthly award winners are chosen, as plain functions. `/idea help awards` publishes
these rules in words (`RULES_TEXT`); keep the two in step."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

IDEA_OF_THE_MONTH = "idea-of-the-month"
CROSS_FUNCTIONAL_SPARK = "cross-functional-spark"
LEARNING_OF_THE_MONTH = "learning-of-the-month"
CATEGORIES = (IDEA_OF_THE_MONTH, CROSS_FUNCTIONAL_SPARK, LEARNING_OF_THE_MONTH)
PLACES = 3  # the winner and two runner-ups
SPARK_MIN_DEPARTMENTS = 2

RULES_TEXT = (
    "*How the monthly awards are chosen* (posted on the 1st for the month before):\n"
    "• *Idea of the month*: the idea posted that month with the most votes. A tie goes to "
    "the idea whose voters come from more departments, then to the one that reached its "
    "count first.\n"
    "• *Cross-functional spark*: another idea with at least one vote whose people span the "
    f"most departments (at least {SPARK_MIN_DEPARTMENTS}), then most votes, then first to "
    "get there. Its people are its voters, everyone whose offer of help on it stands, the "
    "current team of each experiment testing it, and that experiment's owner; each "
    "department counts once.\n"
    "• *Learning of the month*: the learning shared that month with the most vote reactions "
    "on its card; a hypothesis that did not hold can win. A tie goes to the one shared first.\n"
    "• Nobody wins the same award two months running, unless nobody else took part.\n"
    "• A voter's department is the one recorded when they voted (from their Slack user "
    "group, a profile field or their job title, as Lightbulb is set up), a helper's when "
    "they offered, a team member's when they joined, so a later move changes nothing; an "
    "experiment owner's is their current one. Where nobody has one, the department steps "
    "are skipped.\n"
    "• The results are saved when they are announced: later votes don't change them."
)


@dataclass(frozen=True)
class Candidate:
    """An idea or learning in the running, with what decides its place."""

    key: int
    author_id: str
    title: str
    permalink: str | None
    votes: int
    departments: int | None  # among the voters
    reached_at: datetime
    # Among the voters, helpers, teams and experiment owners; None: the voters' alone.
    spark_departments: int | None = None

    @property
    def spark(self) -> int:
        """The departments the Cross-functional spark counts."""
        if self.spark_departments is None:
            return self.departments or 0
        return self.spark_departments


def rank_ideas(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Most votes; then more departments among the voters; then first to reach the count."""
    return sorted(
        (c for c in candidates if c.votes > 0),
        key=lambda c: (-c.votes, -(c.departments or 0), c.reached_at, c.key),
    )


def rank_sparks(candidates: Sequence[Candidate], *, excluding: int | None) -> list[Candidate]:
    """At least one vote; then most spark departments (at least two); then most votes; then
    first to get there."""
    return sorted(
        (
            c
            for c in candidates
            if c.key != excluding and c.votes > 0 and c.spark >= SPARK_MIN_DEPARTMENTS
        ),
        key=lambda c: (-c.spark, -c.votes, c.reached_at, c.key),
    )


def rank_learnings(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Most vote reactions; then shared first."""
    return sorted(candidates, key=lambda c: (-c.votes, c.reached_at, c.key))


def podium(ranked: Sequence[Candidate], *, last_winner: str | None) -> list[Candidate]:
    """Winner first, then runner-ups. Last period's winner of this award is passed over for
    the best entry by someone else, unless every entry is theirs."""
    order = list(ranked)
    if order and last_winner is not None and order[0].author_id == last_winner:
        other = next((c for c in order if c.author_id != last_winner), None)
        if other is not None:
            order.remove(other)
            order.insert(0, other)
    return order[:PLACES]


def unsettled(
    known: Sequence[Candidate],
    *,
    idea_ceiling: tuple[int, int] | None,
    spark_ceiling: tuple[int, int] | None,
    last_idea_winner: str | None,
    last_spark_winner: str | None,
) -> str | None:
    """Which award's podium the ideas not in `known` could still change, or None. Every
    such idea has at most `idea_ceiling` (votes, departments) and `spark_ceiling`
    (spark departments, votes), None when there are none. Lets the awards weigh exactly only the
    ideas near the top."""
    ideas = rank_ideas(known)
    if idea_ceiling is not None:
        ahead = [c for c in ideas if (c.votes, c.departments or 0) > idea_ceiling]
        if not _settled(ahead, last_idea_winner):
            return IDEA_OF_THE_MONTH
    if spark_ceiling is None or spark_ceiling[0] < SPARK_MIN_DEPARTMENTS:
        return None
    first = podium(ideas, last_winner=last_idea_winner)
    sparks = rank_sparks(known, excluding=first[0].key if first else None)
    ahead = [c for c in sparks if (c.spark, c.votes) > spark_ceiling]
    return None if _settled(ahead, last_spark_winner) else CROSS_FUNCTIONAL_SPARK


def _settled(ahead: Sequence[Candidate], last_winner: str | None) -> bool:
    """`ahead` rank above every unknown: they decide the podium if they fill it and, when
    their first is last period's winner, hold someone else to put first."""
    if len(ahead) < PLACES:
        return False
    return ahead[0].author_id != last_winner or any(c.author_id != last_winner for c in ahead)
