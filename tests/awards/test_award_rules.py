"""The award rules as plain functions: ranking, tie-breaks, and no winner two months running."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.awards import rules as rules

T0 = datetime(2026, 10, 15, tzinfo=UTC)


def candidate(
    key: int, *, author: str = "", votes: int = 1, departments: int | None = None, minute: int = 0
) -> rules.Candidate:
    return rules.Candidate(
        key=key,
        author_id=author or f"U{key}",
        title=f"idea {key}",
        permalink=None,
        votes=votes,
        departments=departments,
        reached_at=T0 + timedelta(minutes=minute),
    )


def keys(ranked: list[rules.Candidate]) -> list[int]:
    return [c.key for c in ranked]


def test_most_votes_first_then_breadth_then_who_got_there_first() -> None:
    ranked = rules.rank_ideas(
        [
            candidate(1, votes=5, departments=1, minute=1),
            candidate(2, votes=5, departments=3, minute=9),
            candidate(3, votes=5, departments=3, minute=2),
            candidate(4, votes=7, departments=1, minute=50),
            candidate(5, votes=0),
        ]
    )
    assert keys(ranked) == [4, 3, 2, 1]


def test_without_departments_the_earliest_to_reach_the_count_wins() -> None:
    ranked = rules.rank_ideas([candidate(1, votes=2, minute=5), candidate(2, votes=2, minute=3)])
    assert keys(ranked) == [2, 1]


def test_the_spark_needs_two_departments_and_another_idea() -> None:
    ranked = rules.rank_sparks(
        [
            candidate(1, votes=9, departments=4),
            candidate(2, votes=1, departments=3),
            candidate(3, votes=8, departments=3),
            candidate(4, votes=20, departments=1),
        ],
        excluding=1,
    )
    assert keys(ranked) == [3, 2]


def test_last_months_winner_gives_way_unless_they_are_alone() -> None:
    ranked = [candidate(1, author="UA"), candidate(2, author="UA"), candidate(3, author="UB")]
    assert keys(rules.podium(ranked, last_winner="UA")) == [3, 1, 2]
    assert keys(rules.podium(ranked[:2], last_winner="UA")) == [1, 2]
    assert keys(rules.podium(ranked, last_winner="UC")) == [1, 2, 3]


def test_departments_come_from_titles_however_they_are_written() -> None:
    titles = {"U1": "Engineering", "U2": " engineering", "U3": "Sales", "U4": ""}
    assert rules.departments_of(["U1", "U2", "U3", "U4", "U5"], titles) == 2
    assert rules.departments_of(["U4", "U5"], titles) is None


def test_learnings_rank_by_reactions_then_by_who_shared_first() -> None:
    ranked = rules.rank_learnings(
        [candidate(1, votes=2, minute=9), candidate(2, votes=2, minute=1), candidate(3, votes=0)]
    )
    assert keys(ranked) == [2, 1, 3]
