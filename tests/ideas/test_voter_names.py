"""SHOW_VOTER_NAMES: the names under an idea's vote count, or the count alone."""

from __future__ import annotations

import json

import pytest

from storage.models import Idea
from tests.harness import IDEAS_CHANNEL, Harness, eventually

VOTERS = ("U0VOTER01", "U0VOTER02")


async def voted(lab: Harness) -> str:
    """An idea with two votes, as its post shows them once updated."""
    lab.add_people(*VOTERS)
    idea: Idea = await lab.share_idea("Standing desks by the window")
    judged = sum(lab.runtime.votes.verdicts.values())
    for voter in VOTERS:
        await lab.react(idea, voter)
    await lab.wait_judged(judged + len(VOTERS))
    await lab.runtime.votes.drain()
    await lab.runtime.posts.drain()

    def shown() -> str | None:
        post = json.dumps(lab.fake.message(IDEAS_CHANNEL, idea.message_ts or ""))
        return post if "*2 votes*" in post else None

    return await eventually(shown, failure="the post never showed its two votes")


async def test_voter_names_are_shown_by_default(lab: Harness) -> None:
    post = await voted(lab)
    assert "*2 votes* \\u00b7 person-u0voter01, person-u0voter02" in post


@pytest.mark.settings(SHOW_VOTER_NAMES="false")
async def test_voter_names_are_left_out_when_turned_off(lab: Harness) -> None:
    post = await voted(lab)
    assert "person-u0voter0" not in post
    assert '"text": "*2 votes*"' in post
