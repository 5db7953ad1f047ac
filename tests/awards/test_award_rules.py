"""The award rules as plain functions: ranking, tie-breaks, no winner two months running,
the spark's threshold, the podium's size and the published rules text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.awards import rules

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


def test_learnings_rank_by_reactions_then_by_who_shared_first() -> None:
    ranked = rules.rank_learnings(
        [candidate(1, votes=2, minute=9), candidate(2, votes=2, minute=1), candidate(3, votes=0)]
    )
    assert keys(ranked) == [2, 1, 3]


def test_the_three_categories_and_three_places() -> None:
    assert rules.CATEGORIES == (
        "idea-of-the-month",
        "cross-functional-spark",
        "learning-of-the-month",
    )
    assert rules.PLACES == 3


def test_the_published_rules_name_the_spark_threshold() -> None:
    assert f"at least {rules.SPARK_MIN_DEPARTMENTS}" in rules.RULES_TEXT
    assert "two months running" in rules.RULES_TEXT


# rank_ideas and rank_sparks


def test_the_last_tie_break_is_the_lower_key() -> None:
    ranked = rules.rank_ideas([candidate(9, votes=3), candidate(4, votes=3)])
    assert keys(ranked) == [4, 9]
    assert keys(
        rules.rank_sparks(
            [candidate(9, departments=2), candidate(4, departments=2)], excluding=None
        )
    ) == [4, 9]
    assert keys(rules.rank_learnings([candidate(9), candidate(4)])) == [4, 9]


def test_ideas_without_votes_are_not_ranked() -> None:
    assert rules.rank_ideas([candidate(1, votes=0), candidate(2, votes=0)]) == []
    assert rules.rank_ideas([]) == []


def test_unknown_departments_rank_as_none() -> None:
    ranked = rules.rank_ideas(
        [candidate(1, votes=2, departments=None), candidate(2, votes=2, departments=1, minute=5)]
    )
    assert keys(ranked) == [2, 1]


def test_the_spark_threshold_is_inclusive() -> None:
    at_threshold = rules.SPARK_MIN_DEPARTMENTS
    ranked = rules.rank_sparks(
        [
            candidate(1, departments=at_threshold),
            candidate(2, departments=at_threshold - 1, votes=50),
            candidate(3, departments=None, votes=50),
        ],
        excluding=None,
    )
    assert keys(ranked) == [1]


def test_with_no_idea_of_the_month_no_spark_is_excluded() -> None:
    ranked = rules.rank_sparks(
        [candidate(1, departments=3, votes=1), candidate(2, departments=3, votes=4)],
        excluding=None,
    )
    assert keys(ranked) == [2, 1]


def test_the_spark_ties_go_to_more_votes_then_the_earlier() -> None:
    ranked = rules.rank_sparks(
        [
            candidate(1, departments=3, votes=2, minute=1),
            candidate(2, departments=3, votes=2, minute=0),
            candidate(3, departments=3, votes=5, minute=9),
        ],
        excluding=None,
    )
    assert keys(ranked) == [3, 2, 1]


# podium


def test_the_podium_holds_three_places() -> None:
    ranked = [candidate(n) for n in range(1, 6)]
    assert keys(rules.podium(ranked, last_winner=None)) == [1, 2, 3]
    assert rules.podium([], last_winner="U1") == []


def test_last_months_winner_may_still_be_a_runner_up() -> None:
    ranked = [
        candidate(1, author="UA"),
        candidate(2, author="UB"),
        candidate(3, author="UC"),
        candidate(4, author="UD"),
    ]
    assert keys(rules.podium(ranked, last_winner="UA")) == [2, 1, 3]


def test_only_the_first_place_is_given_way() -> None:
    ranked = [candidate(1, author="UB"), candidate(2, author="UA"), candidate(3, author="UC")]
    assert keys(rules.podium(ranked, last_winner="UA")) == [1, 2, 3]


def test_the_podium_leaves_the_ranking_it_was_given_alone() -> None:
    ranked = [candidate(1, author="UA"), candidate(2, author="UB")]
    rules.podium(ranked, last_winner="UA")
    assert keys(ranked) == [1, 2]


@given(
    authors=st.lists(st.sampled_from(["UA", "UB", "UC"]), max_size=8),
    last_winner=st.none() | st.sampled_from(["UA", "UB", "UC"]),
)
def test_the_podium_is_the_same_entries_and_the_winner_repeats_only_when_alone(
    authors: list[str], last_winner: str | None
) -> None:
    ranked = [candidate(n, author=author) for n, author in enumerate(authors, start=1)]
    chosen = rules.podium(ranked, last_winner=last_winner)
    assert len(chosen) == min(len(ranked), rules.PLACES)
    assert len(set(keys(chosen))) == len(chosen)
    assert set(keys(chosen)) <= set(keys(ranked))
    if chosen and chosen[0].author_id == last_winner:
        assert all(c.author_id == last_winner for c in ranked)


@given(
    st.lists(
        st.tuples(st.integers(1, 6), st.integers(0, 4), st.integers(0, 30), st.sampled_from("ABC")),
        max_size=25,
    ),
    st.integers(0, 25),
    st.sampled_from([None, "UA", "UB"]),
)
def test_podiums_from_the_ideas_above_the_ceilings_are_the_podiums_of_all(
    rows: list[tuple[int, int, int, str]], cut: int, last: str | None
) -> None:
    """When `unsettled` says the known ideas decide, the unknown ones (each no better than
    the ceilings) change neither podium."""
    everyone = [
        candidate(key, author=f"U{author}", votes=votes, departments=min(spread, votes), minute=m)
        for key, (votes, spread, m, author) in enumerate(rows, start=1)
    ]
    by_votes = sorted(everyone, key=lambda c: (c.votes, c.departments or 0), reverse=True)
    known, unknown = by_votes[:cut], by_votes[cut:]
    need = rules.unsettled(
        known,
        idea_ceiling=max(((c.votes, c.departments or 0) for c in unknown), default=None),
        spark_ceiling=max(((c.departments or 0, c.votes) for c in unknown), default=None),
        last_idea_winner=last,
        last_spark_winner=last,
    )
    if need is not None:
        return

    def podiums(pool: list[rules.Candidate]) -> tuple[list[int], list[int]]:
        ideas = rules.podium(rules.rank_ideas(pool), last_winner=last)
        first = ideas[0].key if ideas else None
        return keys(ideas), keys(
            rules.podium(rules.rank_sparks(pool, excluding=first), last_winner=last)
        )

    assert podiums(known) == podiums(everyone)
