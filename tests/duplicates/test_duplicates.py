"""**Duplicate of #N** through the real HTTP endpoint: who may mark, the closed post, the DMs
(once each), votes moved only with consent and counted once, chains, refusals, and undo."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import col

from bot.duplicates import rules as duplicate_rules
from bot.duplicates.blocks import MOVE_VOTE_ACTION, UNDO_ACTION
from bot.ideas import rules as capture
from storage import votes
from storage.duplicate_models import DuplicateMark
from storage.models import Idea
from tests.harness import ADMIN, IDEAS_CHANNEL, Harness, eventually

AUTHOR, OTHER_AUTHOR = "U0AUTHOR1", "U0AUTHOR2"
ANA, BO, CY, DI = "U0ANA0001", "U0BO00001", "U0CY00001", "U0DI00001"
# Far apart in words, so that sharing one never offers the others as similar ideas.
TEXTS = ("Standing desks for everyone", "Quarterly hackathon week", "Bike racks at the office")


async def ideas_with_votes(lab: Harness, voters: dict[int, list[str]]) -> list[Idea]:
    """Three posted ideas (#1 by AUTHOR, the others by OTHER_AUTHOR), with the reactions
    `voters` says (idea index → people)."""
    lab.add_people(AUTHOR, OTHER_AUTHOR, ANA, BO, CY, DI, ADMIN)
    shared = [await lab.share_idea(TEXTS[0], author=AUTHOR)]
    for text in TEXTS[1:]:
        shared.append(await lab.share_idea(text, author=OTHER_AUTHOR))
    judged = sum(lab.runtime.votes.verdicts.values())
    reactions = 0
    for index, people in voters.items():
        for person in people:
            await lab.react(shared[index], person)
            reactions += 1
    await lab.wait_judged(judged + reactions)
    await lab.runtime.votes.drain()
    return shared


async def command(lab: Harness, text: str, *, user: str = ADMIN) -> dict:
    url = lab.fake.response_url("cmd")
    await lab.command(text, user=user, response_url=url)
    [answer] = await eventually(lambda: lab.fake.responses_to(url), failure=f"no answer: {text}")
    return answer


async def click(lab: Harness, action: str, value: str, *, user: str) -> dict:
    before = len(lab.fake.responses)
    await lab.click(action, value, user=user, channel=user)
    return (await lab.fake.wait_for_responses(count=before + 1))[-1]


def dms_to(lab: Harness, person: str) -> list[dict]:
    return [c.args for c in lab.fake.calls_to("chat.postMessage") if c.args["channel"] == person]


def move_button(lab: Harness, person: str) -> str:
    """The value of the "Move my vote" button in the person's one DM."""
    [dm] = dms_to(lab, person)
    blocks = json.loads(dm["blocks"]) if isinstance(dm["blocks"], str) else dm["blocks"]
    [button] = [
        element for block in blocks if block["type"] == "actions" for element in block["elements"]
    ]
    assert button["action_id"] == MOVE_VOTE_ACTION
    return str(button["value"])


async def count(lab: Harness, idea: Idea) -> int:
    async with lab.db.session() as session:
        return await votes.vote_count(session=session, idea_id=idea.id or 0)


async def status_of(lab: Harness, idea: Idea) -> str:
    async with lab.db.session() as session:
        stored = await session.get(Idea, idea.id, populate_existing=True)
    assert stored is not None
    return stored.status


def post_text(lab: Harness, idea: Idea) -> str:
    assert idea.message_ts is not None
    return json.dumps(lab.fake.message(IDEAS_CHANNEL, idea.message_ts)["blocks"])


async def test_only_admins_mark_duplicates(lab: Harness) -> None:
    first, second, _ = await ideas_with_votes(lab, {})

    answer = await command(lab, f"duplicate {second.id} of {first.id}", user=ANA)

    assert "Only Lightbulb admins" in answer["text"]
    assert await status_of(lab, second) == "new"


async def test_voters_are_told_once_and_only_those_who_agree_move(lab: Harness) -> None:
    first, second, _ = await ideas_with_votes(lab, {0: [BO, CY], 1: [ANA, BO, DI]})
    assert (await count(lab, first), await count(lab, second)) == (2, 3)

    answer = await command(lab, f"duplicate {second.id} of {first.id}")

    assert f"duplicate of #{first.id}" in answer["text"]
    assert "Told 4 people" in answer["text"]  # the three voters and the author
    assert await status_of(lab, second) == "duplicate"
    await lab.fake.wait_until(
        lambda: f"Duplicate of <{first.permalink}|#{first.id}>" in post_text(lab, second),
        what="the duplicate's post links to the original",
    )
    assert any(
        "closed this idea as a duplicate" in m["text"]
        for m in lab.fake.messages(IDEAS_CHANNEL)
        if m.get("thread_ts") == second.message_ts
    )
    for voter in (ANA, BO, DI):
        assert len(dms_to(lab, voter)) == 1
    [author_note] = dms_to(lab, OTHER_AUTHOR)
    assert "Your idea" in author_note["text"]
    assert dms_to(lab, CY) == []

    value = move_button(lab, ANA)
    moved = await click(lab, MOVE_VOTE_ACTION, value, user=ANA)
    assert moved["replace_original"] is True
    assert f"moved from #{second.id} to #{first.id}" in moved["text"]
    again = await click(lab, MOVE_VOTE_ACTION, value, user=ANA)
    assert "Done already" in again["text"]
    both = await click(lab, MOVE_VOTE_ACTION, move_button(lab, BO), user=BO)
    assert "counts once" in both["text"]

    # Ana moved, Bo counts once on #1 though he both reacted there and moved; Di never agreed.
    assert await count(lab, first) == 3
    assert await count(lab, second) == 1
    async with lab.db.session() as session:
        top = await votes.leaderboard(session=session)
    assert [(idea.id, n) for idea, n in top][:2] == [(first.id, 3), (second.id, 1)]
    await lab.fake.wait_until(
        lambda: "*3 votes*" in post_text(lab, first), what="the original's post shows 3 votes"
    )


async def test_a_duplicate_of_a_duplicate_points_at_the_chain_end(lab: Harness) -> None:
    first, second, third = await ideas_with_votes(lab, {2: [ANA]})
    await command(lab, f"duplicate {second.id} of {first.id}")

    answer = await command(lab, f"duplicate {third.id} of {second.id}")

    assert f"duplicate of #{first.id}" in answer["text"]
    moved = await click(lab, MOVE_VOTE_ACTION, move_button(lab, ANA), user=ANA)
    assert f"to #{first.id}" in moved["text"]
    assert (await count(lab, first), await count(lab, second), await count(lab, third)) == (
        1,
        0,
        0,
    )


async def test_itself_a_circle_and_unknown_ideas_are_refused(lab: Harness) -> None:
    first, second, _ = await ideas_with_votes(lab, {})

    itself = await command(lab, f"duplicate {first.id} of {first.id}")
    assert "cannot be a duplicate of itself" in itself["text"]
    unknown = await command(lab, f"duplicate 99 of {first.id}")
    assert "There is no idea #99" in unknown["text"]
    usage = await command(lab, "duplicate")
    assert "/idea duplicate 3 of 1" in usage["text"]

    await command(lab, f"duplicate {second.id} of {first.id}")
    circle = await command(lab, f"duplicate {first.id} of {second.id}")
    assert "circle" in circle["text"]
    again = await command(lab, f"duplicate {second.id} of {first.id}")
    assert "already marked a duplicate" in again["text"]
    assert await status_of(lab, first) == "new"


async def test_undo_reopens_and_takes_the_moved_votes_back(lab: Harness) -> None:
    first, second, _ = await ideas_with_votes(lab, {1: [ANA, BO]})
    await command(lab, f"status {second.id} review")
    answer = await command(lab, f"duplicate {second.id} of {first.id}")
    await click(lab, MOVE_VOTE_ACTION, move_button(lab, ANA), user=ANA)
    assert (await count(lab, first), await count(lab, second)) == (1, 1)

    [undo] = [
        element["value"]
        for block in answer["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]
    refused = await click(lab, UNDO_ACTION, undo, user=ANA)
    assert "Only Lightbulb admins" in refused["text"]
    undone = await click(lab, UNDO_ACTION, undo, user=ADMIN)

    assert f"#{second.id} is open again (under review)" in undone["text"]
    assert await status_of(lab, second) == "under review"
    assert (await count(lab, first), await count(lab, second)) == (0, 2)
    await lab.fake.wait_until(
        lambda: "Duplicate of" not in post_text(lab, second), what="the post is redrawn open"
    )
    late_click = await click(lab, MOVE_VOTE_ACTION, move_button(lab, BO), user=BO)
    assert "not a duplicate after all" in late_click["text"]
    twice = await command(lab, f"duplicate undo {second.id}")
    assert "not marked a duplicate" in twice["text"]


async def test_undo_after_seven_days_is_refused(lab: Harness) -> None:
    first, second, _ = await ideas_with_votes(lab, {})
    await command(lab, f"duplicate {second.id} of {first.id}")
    async with lab.db.session() as session:
        await session.execute(
            sa.update(DuplicateMark)
            .where(col(DuplicateMark.idea_id) == second.id)
            .values(marked_at=datetime.now(UTC) - timedelta(days=7, minutes=1))
        )

    answer = await command(lab, f"duplicate undo {second.id}")

    assert "more than 7 days ago" in answer["text"]
    assert await status_of(lab, second) == "duplicate"


# The grammar, as plain functions.


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("3 of 1", duplicate_rules.MarkCommand(3, 1)),
        ("#3 OF #1", duplicate_rules.MarkCommand(3, 1)),
        ("undo 3", duplicate_rules.UndoCommand(3)),
        ("Undo #3", duplicate_rules.UndoCommand(3)),
    ],
)
def test_the_duplicate_grammar(text: str, parsed: object) -> None:
    assert duplicate_rules.parse(text) == parsed
    assert capture.parse_command(f"duplicate {text}") == capture.ParsedCommand(
        capture.Action.DUPLICATE, text=text
    )


@pytest.mark.parametrize("text", ["", "3", "3 of", "3 to 1", "undo", "undo three", "3 of 1 2"])
def test_anything_else_gets_the_usage(text: str) -> None:
    parsed = duplicate_rules.parse(text)
    assert isinstance(parsed, str) and "/idea duplicate 3 of 1" in parsed


def test_a_sentence_starting_with_duplicate_is_an_idea() -> None:
    text = "Duplicate invoices should be flagged before they are paid"
    assert capture.parse_command(text) == capture.ParsedCommand(capture.Action.IDEA, text=text)
