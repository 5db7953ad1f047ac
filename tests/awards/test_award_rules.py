"""The award rules as plain functions: ranking, tie-breaks, no winner two months running,
department names, the spark's threshold, the podium's size and the published rules text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
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


def test_departments_come_from_titles_however_they_are_written() -> None:
    titles = {"U1": "Engineering", "U2": " engineering", "U3": "Sales", "U4": ""}
    assert rules.departments_of(["U1", "U2", "U3", "U4", "U5"], titles) == 2
    assert rules.departments_of(["U4", "U5"], titles) is None


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


# department


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Engineering", "engineering"),
        ("  Customer   Success\t", "customer success"),
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),  # casefold, not lower
        ("", None),
        ("   \n", None),
    ],
)
def test_a_department_is_the_title_in_one_spacing_and_case(title: str, name: str | None) -> None:
    assert rules.department(title) == name


def test_people_without_a_title_add_no_department() -> None:
    titles = {"U1": "Sales", "U2": "SALES ", "U3": "  "}
    assert rules.departments_of(["U1", "U2", "U3", "U9"], titles) == 1
    assert rules.departments_of([], titles) is None
    assert rules.departments_of(["U1", "U1"], titles) == 1


@given(st.lists(st.sampled_from(["Sales", " sales", "Legal", "LEGAL ", "", " "])))
def test_departments_of_counts_distinct_named_departments(titles: list[str]) -> None:
    people = [f"U{n}" for n in range(len(titles))]
    found = rules.departments_of(people, dict(zip(people, titles, strict=True)))
    expected = len({t.strip().casefold() for t in titles if t.strip()})
    assert found == (expected or None)


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
