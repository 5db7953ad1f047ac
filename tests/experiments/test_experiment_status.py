"""Starting an experiment on an idea, and cancelling it, are status changes like any other:
history with who and why, the author and voters told, the post redrawn."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import col, select

from bot.experiments import blocks as experiment_blocks
from bot.experiments import forms as experiment_forms
from storage import experiments as experiment_store
from storage.models import Experiment, Idea, StatusChange
from tests.experiments.test_experiments import OWNER, experiment_fields
from tests.harness import ADMIN, IDEAS_CHANNEL, LAB_CHANNEL, Harness, settled

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
        experiment_forms.EXPERIMENT_FORM, experiment_fields(idea=str(idea.id)), user=STARTER
    )
    assert reply.status == 200 and reply.text == ""


async def cancel(lab: Harness, experiment: Experiment) -> None:
    reply, _ = await lab.click(
        experiment_blocks.CANCEL_ACTION,
        experiment_blocks.button_value(experiment),
        user=OWNER,
        channel=LAB_CHANNEL,
    )
    assert reply.status == 200


async def status_of(lab: Harness, idea: Idea) -> str:
    async with lab.db.session() as session:
        stored = await session.get(Idea, idea.id, populate_existing=True)
    assert stored is not None
    return stored.status


async def cancelled_quietly(lab: Harness, idea: Idea, experiment: Experiment) -> None:
    """Cancel the experiment and wait for all it sets off, DMs included."""
    before = asyncio.all_tasks()
    await cancel(lab, experiment)
    await lab.fake.wait_until(
        lambda: any("was cancelled" in m["text"] for m in thread_of(lab, idea)),
        what="the cancelled reply",
    )
    await settled(before)
    await lab.runtime.notices.drain()


async def author_hears_of_cancellation(lab: Harness) -> None:
    await lab.fake.wait_until(
        lambda: any("was cancelled" in b for b in dm_blocks(lab, AUTHOR)),
        what="the author hearing of the cancellation",
    )


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

    await cancel(lab, experiment)

    await author_hears_of_cancellation(lab)
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
    second = await lab.experiment_posted(2)

    await cancelled_quietly(lab, idea, first)

    assert [(c.from_status, c.to_status) for c in await changes_of(lab, idea)] == [
        ("new", "experimenting")
    ]
    assert await status_of(lab, idea) == "experimenting"

    await cancel(lab, second)

    await author_hears_of_cancellation(lab)
    changes = await changes_of(lab, idea)
    assert [(c.from_status, c.to_status) for c in changes] == [
        ("new", "experimenting"),
        ("experimenting", "new"),
    ]
    assert changes[-1].experiment_id == second.id
    assert await status_of(lab, idea) == "new"


async def test_an_experiment_started_before_changes_were_recorded_puts_the_idea_back_too(
    lab: Harness,
) -> None:
    idea = await voted_idea(lab)
    await lab.command(f"status {idea.id} under-review Looking at it", user=ADMIN)
    await lab.fake.wait_until(lambda: len(thread_of(lab, idea)) == 1, what="the status reply")
    # As an earlier release left it: the idea moved to "experimenting" with no change recorded.
    async with lab.db.session() as session:
        experiment = await experiment_store.create_experiment(
            session=session,
            hypothesis="Stand-ups of ten minutes are enough",
            metric="minutes in meetings",
            owner_id=OWNER,
            started_by=STARTER,
            ends_on=date.today() + timedelta(days=14),
            idea_id=idea.id,
        )
        await session.execute(
            sa.update(Idea).where(col(Idea.id) == idea.id).values(status="experimenting")
        )

    await cancel(lab, experiment)

    await author_hears_of_cancellation(lab)
    changes = await changes_of(lab, idea)
    assert [(c.from_status, c.to_status) for c in changes] == [
        ("new", "under review"),
        ("experimenting", "under review"),
    ]
    [news] = [b for b in dm_blocks(lab, AUTHOR) if "was cancelled" in b]
    assert "back to 👀 Under review" in news
    assert await status_of(lab, idea) == "under review"


async def test_an_idea_an_admin_made_experimenting_stays_so_when_an_experiment_is_cancelled(
    lab: Harness,
) -> None:
    idea = await voted_idea(lab)
    await lab.command(f"status {idea.id} experimenting Trialled in the Lyon office", user=ADMIN)
    await start_on(lab, idea)
    experiment = await lab.experiment_posted()

    await cancelled_quietly(lab, idea, experiment)

    changes = await changes_of(lab, idea)
    assert [(c.from_status, c.to_status, c.changed_by) for c in changes] == [
        ("new", "experimenting", ADMIN)
    ]
    assert await status_of(lab, idea) == "experimenting"
    assert not any("was cancelled" in b for b in dm_blocks(lab, AUTHOR))


async def test_an_idea_still_experimenting_after_a_concluded_experiment_stays_so_on_a_cancel(
    lab: Harness,
) -> None:
    idea = await voted_idea(lab)
    await lab.command(f"status {idea.id} under-review Looking at it", user=ADMIN)
    await start_on(lab, idea)
    first = await lab.experiment_posted(1)
    concluded = await lab.submit_view(
        experiment_forms.LEARNING_FORM,
        {
            "outcome": {"type": "radio_buttons", "selected_option": {"value": "validated"}},
            "learned": {"type": "plain_text_input", "value": "Ten minutes are enough"},
            "next_step": {"type": "plain_text_input", "value": "Try it in every team"},
        },
        user=OWNER,
        private_metadata=json.dumps({"experiment_id": first.id}),
    )
    assert concluded.status == 200 and concluded.text == ""
    await start_on(lab, idea)
    second = await lab.experiment_posted(2)

    await cancelled_quietly(lab, idea, second)

    changes = await changes_of(lab, idea)
    assert [(c.from_status, c.to_status) for c in changes] == [
        ("new", "under review"),
        ("under review", "experimenting"),
    ]
    assert await status_of(lab, idea) == "experimenting"
    assert not any("was cancelled" in b for b in dm_blocks(lab, AUTHOR))
