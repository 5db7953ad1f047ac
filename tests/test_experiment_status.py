"""Starting an experiment on an idea, and cancelling it, are status changes like any other:
history with who and why, the author and voters told, the post redrawn."""

from __future__ import annotations

import json

from sqlmodel import col, select

from bot.slack import experiment_blocks
from storage.models import Idea, StatusChange
from tests.harness import ADMIN, IDEAS_CHANNEL, Harness
from tests.test_experiments import OWNER, experiment_fields

AUTHOR, VOTER, STARTER = "U0AUTHOR1", "U0VOTER01", "U0STARTER"


async def voted_idea(lab: Harness) -> Idea:
    lab.add_people(AUTHOR, VOTER, STARTER, OWNER, ADMIN)
    idea = await lab.share_idea("Shorter stand-ups", author=AUTHOR)
    judged = sum(lab.runtime.votes.verdicts.values())
    await lab.react(idea, VOTER)
    await lab.wait_judged(judged + 1)
    await lab.runtime.votes.drain()
    return idea


async def changes_of(lab: Harness, idea: Idea) -> list[StatusChange]:
    async with lab.db.session() as session:
        result = await session.execute(
            select(StatusChange)
            .where(col(StatusChange.idea_id) == idea.id)
            .order_by(col(StatusChange.id))
        )
        return list(result.scalars())


def dm_blocks(lab: Harness, person: str) -> list[str]:
    return [
        json.dumps(call.args.get("blocks") or [], ensure_ascii=False)
        for call in lab.fake.calls_to("chat.postMessage")
        if call.args["channel"] == person
    ]


def thread_of(lab: Harness, idea: Idea) -> list[dict]:
    return [m for m in lab.fake.messages(IDEAS_CHANNEL) if m.get("thread_ts") == idea.message_ts]


def post_of(lab: Harness, idea: Idea) -> str:
    return json.dumps(lab.fake.message(IDEAS_CHANNEL, idea.message_ts or "")["blocks"])


async def start_on(lab: Harness, idea: Idea) -> None:
    reply = await lab.submit_view(
        experiment_blocks.EXPERIMENT_FORM, experiment_fields(idea=str(idea.id)), user=STARTER
    )
    assert reply.status == 200 and reply.text == ""


async def test_starting_an_experiment_is_a_status_change_the_author_and_voters_hear_of(
    lab: Harness,
) -> None:
    idea = await voted_idea(lab)

    await start_on(lab, idea)

    await lab.fake.wait_until(
        lambda: bool(dm_blocks(lab, AUTHOR)) and bool(dm_blocks(lab, VOTER)),
        what="the author and the voter being told",
    )
    [change] = await changes_of(lab, idea)
    assert (change.from_status, change.to_status, change.changed_by) == (
        "new",
        "experimenting",
        STARTER,
    )
    assert change.experiment_id == 1 and "Experiment #1" in change.reason
    experiment_link = (await lab.experiment_posted()).permalink
    assert experiment_link
    [to_author] = dm_blocks(lab, AUTHOR)
    assert f"<@{STARTER}> started an experiment on your idea #{idea.id}" in to_author
    assert experiment_link in to_author
    [to_voter] = dm_blocks(lab, VOTER)
    assert "(you voted for it)" in to_voter and experiment_link in to_voter
    assert not any("started an experiment" in b for b in dm_blocks(lab, STARTER))
    await lab.fake.wait_until(lambda: "Experimenting" in post_of(lab, idea), what="the redraw")
    [reply] = thread_of(lab, idea)
    assert experiment_link in reply["text"]

    history = await lab.command(f"history {idea.id}")
    assert f"by <@{STARTER}>" in history.json()["text"]


async def test_cancelling_the_last_experiment_puts_the_idea_back_and_says_so(
    lab: Harness,
) -> None:
    idea = await voted_idea(lab)
    reviewed = await lab.command(f"status {idea.id} under-review Looking at it", user=ADMIN)
    assert reviewed.status == 200
    await lab.fake.wait_until(lambda: len(thread_of(lab, idea)) == 1, what="the status reply")
    await start_on(lab, idea)
    experiment = await lab.experiment_posted()
    await lab.fake.wait_until(lambda: len(thread_of(lab, idea)) == 2, what="the started reply")
    await lab.fake.wait_until(
        lambda: any("started an experiment" in b for b in dm_blocks(lab, AUTHOR)),
        what="the author hearing of the experiment",
    )

    await lab.click(
        experiment_blocks.CANCEL_ACTION,
        experiment_blocks.button_value(experiment),
        user=OWNER,
        channel="C0EXPER01",
    )

    await lab.fake.wait_until(
        lambda: any("was cancelled" in b for b in dm_blocks(lab, AUTHOR)),
        what="the author hearing of the cancellation",
    )
    changes = await changes_of(lab, idea)
    assert [(c.from_status, c.to_status) for c in changes] == [
        ("new", "under review"),
        ("under review", "experimenting"),
        ("experimenting", "under review"),
    ]
    assert changes[-1].changed_by == OWNER and changes[-1].experiment_id == experiment.id
    [news] = [b for b in dm_blocks(lab, AUTHOR) if "was cancelled" in b]
    assert f"was cancelled by <@{OWNER}>" in news and "back to 👀 Under review" in news
    await lab.fake.wait_until(lambda: "Under review" in post_of(lab, idea), what="the redraw")
    assert len([m for m in thread_of(lab, idea) if "was cancelled" in m["text"]]) == 1


async def test_a_second_experiment_keeps_the_idea_experimenting_until_both_end(
    lab: Harness,
) -> None:
    idea = await voted_idea(lab)
    await start_on(lab, idea)
    first = await lab.experiment_posted(1)
    await start_on(lab, idea)
    await lab.experiment_posted(2)

    await lab.click(
        experiment_blocks.CANCEL_ACTION,
        experiment_blocks.button_value(first),
        user=OWNER,
        channel="C0EXPER01",
    )
    await lab.fake.wait_until(
        lambda: len([m for m in thread_of(lab, idea) if "was cancelled" in m["text"]]) == 1,
        what="the cancelled reply",
    )

    assert [(c.from_status, c.to_status) for c in await changes_of(lab, idea)] == [
        ("new", "experimenting")
    ]
    async with lab.db.session() as session:
        stored = await session.get(Idea, idea.id, populate_existing=True)
    assert stored is not None and stored.status == "experimenting"
