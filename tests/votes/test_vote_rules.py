"""The voting rules as plain functions: which reaction counts as a vote for which idea."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.votes.rules import IdeaPost, Verdict, base_emoji, judge_idea, judge_reaction
from storage.vocabulary import CLOSED_STATUSES, IdeaStatus

VOTE_EMOJIS = frozenset({"+1", "bulb"})
AUTHOR, VOTER = "U0AUTHOR1", "U0VOTER01"


@pytest.mark.parametrize(
    ("reaction", "base"),
    [
        ("+1", "+1"),
        ("+1::skin-tone-3", "+1"),
        ("thumbsup::skin-tone-6", "thumbsup"),
        ("bulb", "bulb"),
        ("a::b::c", "a"),  # only the first modifier marks the base
        ("", ""),
    ],
)
def test_base_emoji_drops_the_skin_tone(reaction: str, base: str) -> None:
    assert base_emoji(reaction) == base


@given(st.text(alphabet=st.characters(blacklist_characters=":")), st.text())
def test_base_emoji_is_what_comes_before_the_first_modifier(name: str, modifier: str) -> None:
    assert base_emoji(name) == name
    assert base_emoji(f"{name}::{modifier}") == name


@pytest.mark.parametrize("reaction", ["+1", "bulb", "+1::skin-tone-2", "bulb::skin-tone-5"])
def test_a_vote_emoji_on_a_message_counts(reaction: str) -> None:
    verdict = judge_reaction(reaction=reaction, item_type="message", vote_emojis=VOTE_EMOJIS)
    assert verdict is Verdict.COUNT


@pytest.mark.parametrize("reaction", ["-1", "heart", "+1:", "bulb:skin-tone-2", "skin-tone-2"])
def test_other_emoji_are_not_votes(reaction: str) -> None:
    verdict = judge_reaction(reaction=reaction, item_type="message", vote_emojis=VOTE_EMOJIS)
    assert verdict is Verdict.NOT_A_VOTE_EMOJI


@pytest.mark.parametrize("item_type", ["file", "file_comment", "", "Message"])
def test_only_reactions_on_messages_can_count(item_type: str) -> None:
    # Checked first: a vote emoji on a file is still no vote.
    verdict = judge_reaction(reaction="+1", item_type=item_type, vote_emojis=VOTE_EMOJIS)
    assert verdict is Verdict.NOT_A_MESSAGE


def test_with_no_vote_emojis_configured_nothing_counts() -> None:
    verdict = judge_reaction(reaction="+1", item_type="message", vote_emojis=())
    assert verdict is Verdict.NOT_A_VOTE_EMOJI


def test_a_configured_emoji_is_matched_whole() -> None:
    verdict = judge_reaction(reaction="+1", item_type="message", vote_emojis=["+1::skin-tone-3"])
    assert verdict is Verdict.NOT_A_VOTE_EMOJI


def idea(status: str = IdeaStatus.NEW, author: str = AUTHOR) -> IdeaPost:
    return IdeaPost(idea_id=12, author_id=author, status=status)


def test_a_reaction_on_something_that_is_not_an_idea_does_not_count() -> None:
    assert judge_idea(voter_id=VOTER, idea=None) is Verdict.NOT_AN_IDEA


@pytest.mark.parametrize(
    "status", [IdeaStatus.NEW, IdeaStatus.UNDER_REVIEW, IdeaStatus.EXPERIMENTING]
)
def test_a_vote_on_an_open_idea_counts(status: str) -> None:
    assert judge_idea(voter_id=VOTER, idea=idea(status)) is Verdict.COUNT


@pytest.mark.parametrize("status", ["shipped", "parked", "declined"])
def test_a_closed_idea_takes_no_votes(status: str) -> None:
    # Plain strings, as read back from the database.
    assert judge_idea(voter_id=VOTER, idea=idea(status)) is Verdict.CLOSED


def test_the_closed_statuses_are_shipped_parked_declined_and_duplicate() -> None:
    assert set(CLOSED_STATUSES) == {"shipped", "parked", "declined", "duplicate"}


@pytest.mark.parametrize("status", list(IdeaStatus))
def test_nobody_votes_for_their_own_idea_whatever_its_status(status: str) -> None:
    assert judge_idea(voter_id=AUTHOR, idea=idea(status)) is Verdict.OWN_IDEA


def test_a_status_the_rules_do_not_know_is_treated_as_open() -> None:
    assert judge_idea(voter_id=VOTER, idea=idea("archived")) is Verdict.COUNT


def test_the_author_is_matched_exactly() -> None:
    assert judge_idea(voter_id=AUTHOR.lower(), idea=idea()) is Verdict.COUNT


def test_every_verdict_reads_as_a_reason() -> None:
    assert Verdict.COUNT == "count"
    assert Verdict.OWN_IDEA == "the author's own idea"
    assert Verdict.CLOSED == "the idea is closed"
    assert len({verdict.value for verdict in Verdict}) == len(Verdict)
