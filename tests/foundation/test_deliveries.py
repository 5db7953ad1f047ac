"""Every post Slack refuses is posted later, exactly once: learning cards, experiment updates,
replies in idea threads and status DMs, through the real endpoint and the five-minute sweep."""

from __future__ import annotations

import json
from typing import TypeVar

from sqlmodel import col, select

from bot.experiments import forms as experiment_forms
from bot.experiments import lab_posts
from bot.foundation import retried_posts
from scheduler.timetable import post_unposted
from storage import experiments as store
from storage.models import Experiment, ExperimentUpdate, Learning
from tests.experiments.test_experiments import OWNER, start_experiment, texts
from tests.harness import ADMIN, IDEAS_CHANNEL, LAB_CHANNEL, Harness, eventually

T = TypeVar("T")

LEARNING_FIELDS: dict[str, dict] = {
    "outcome": {"type": "radio_buttons", "selected_option": {"value": "invalidated"}},
    "learned": {"type": "plain_text_input", "value": "People used the time for email"},
    "next_step": {"type": "plain_text_input", "value": "Try async updates instead"},
}


def posts_of(lab: Harness, channel: str, job: str) -> list[dict]:
    """Lightbulb's messages in `channel` (threads included) claimed for `job`."""
    return [
        m
        for m in lab.fake.messages(channel)
        if (m.get("metadata") or {}).get("event_payload", {}).get("job") == job
    ]


def dms_to(lab: Harness, person: str) -> list[str]:
    return [
        c.args.get("text") or ""
        for c in lab.fake.calls_to("chat.postMessage")
        if c.args["channel"] == person
    ]


async def conclude(lab: Harness, experiment: Experiment) -> None:
    reply = await lab.submit_view(
        experiment_forms.LEARNING_FORM,
        LEARNING_FIELDS,
        user=OWNER,
        private_metadata=json.dumps({"experiment_id": experiment.id}),
    )
    assert reply.status == 200 and reply.text == ""


async def learning_of(lab: Harness, experiment: Experiment) -> Learning:
    async def load() -> Learning | None:
        async with lab.db.session() as session:
            return await store.learning_for(session=session, experiment_id=experiment.id or 0)

    return await eventually(load, failure="the learning was never stored")


async def updates_of(lab: Harness, experiment: Experiment) -> list[ExperimentUpdate]:
    async with lab.db.session() as session:
        result = await session.execute(
            select(ExperimentUpdate)
            .where(col(ExperimentUpdate.experiment_id) == experiment.id)
            .order_by(col(ExperimentUpdate.id))
        )
        return list(result.scalars())


async def test_a_learning_card_slack_refused_is_posted_later_once(lab: Harness) -> None:
    idea = await lab.share_idea("Shorter stand-ups")
    experiment = await start_experiment(lab, idea)
    lab.fake.not_in_channels.add(LAB_CHANNEL)

    await conclude(lab, experiment)

    await lab.fake.wait_until(
        lambda: any("is saved, but Slack didn't take its card" in t for t in dms_to(lab, OWNER)),
        what="the owner being told the learning is saved",
    )
    assert "no need to submit it again" in dms_to(lab, OWNER)[-1]
    learning = await learning_of(lab, experiment)
    assert learning.message_ts is None
    assert posts_of(lab, LAB_CHANNEL, lab_posts.LEARNING_JOB) == []

    lab.fake.not_in_channels.discard(LAB_CHANNEL)
    await post_unposted(lab.runtime)
    await post_unposted(lab.runtime)

    [card] = posts_of(lab, LAB_CHANNEL, lab_posts.LEARNING_JOB)
    assert card["metadata"]["event_payload"] == {"job": "learning-card", "period": str(learning.id)}
    assert "People used the time for email" in texts(card)
    learning = await learning_of(lab, experiment)
    assert learning.message_ts == card["ts"] and learning.permalink
    assert "Concluded" in texts(lab.fake.message(LAB_CHANNEL, experiment.message_ts or ""))
    concluded = [
        m
        for m in lab.fake.messages(IDEAS_CHANNEL)
        if m.get("thread_ts") == idea.message_ts and "concluded" in m["text"]
    ]
    assert len(concluded) == 1 and learning.permalink in concluded[0]["text"]


async def test_a_learning_card_slack_took_without_answering_is_found_not_repeated(
    lab: Harness,
) -> None:
    experiment = await start_experiment(lab)
    lab.fake.lose_answer_next("chat.postMessage", status=503)

    await conclude(lab, experiment)
    await lab.fake.wait_until(
        lambda: any("is saved" in t for t in dms_to(lab, OWNER)), what="the owner's DM"
    )
    assert len(posts_of(lab, LAB_CHANNEL, lab_posts.LEARNING_JOB)) == 1

    await post_unposted(lab.runtime)

    [card] = posts_of(lab, LAB_CHANNEL, lab_posts.LEARNING_JOB)
    assert (await learning_of(lab, experiment)).message_ts == card["ts"]
    assert lab.fake.calls_to("conversations.history")


async def test_a_refused_update_is_stored_once_and_posted_later_once(lab: Harness) -> None:
    experiment = await start_experiment(lab)
    lab.fake.not_in_channels.add(LAB_CHANNEL)

    reply = await lab.submit_view(
        experiment_forms.UPDATE_FORM,
        {"update": {"type": "plain_text_input", "value": "Week 1: 12% fewer minutes"}},
        user=OWNER,
        private_metadata=json.dumps({"experiment_id": experiment.id}),
    )

    assert reply.status == 200
    await lab.fake.wait_until(
        lambda: any("is saved, but" in t for t in dms_to(lab, OWNER)), what="the owner's DM"
    )
    told = dms_to(lab, OWNER)[-1]
    assert "no need to post it again" in told and "post it again from" not in told
    [update] = await updates_of(lab, experiment)
    assert update.message_ts is None

    lab.fake.not_in_channels.discard(LAB_CHANNEL)
    await post_unposted(lab.runtime)
    await post_unposted(lab.runtime)

    [posted] = posts_of(lab, LAB_CHANNEL, lab_posts.UPDATE_JOB)
    assert posted["thread_ts"] == experiment.message_ts
    assert "12% fewer minutes" in texts(posted)
    [update] = await updates_of(lab, experiment)
    assert update.message_ts == posted["ts"]


async def test_an_update_slack_took_without_answering_is_found_in_the_thread(
    lab: Harness,
) -> None:
    experiment = await start_experiment(lab)
    lab.fake.lose_answer_next("chat.postMessage", status=503)

    await lab.submit_view(
        experiment_forms.UPDATE_FORM,
        {"update": {"type": "plain_text_input", "value": "Week 2: steady"}},
        user=OWNER,
        private_metadata=json.dumps({"experiment_id": experiment.id}),
    )
    await lab.fake.wait_until(
        lambda: any("is saved" in t for t in dms_to(lab, OWNER)), what="the owner's DM"
    )

    await post_unposted(lab.runtime)

    [posted] = posts_of(lab, LAB_CHANNEL, lab_posts.UPDATE_JOB)
    [update] = await updates_of(lab, experiment)
    assert update.message_ts == posted["ts"]
    assert lab.fake.calls_to("conversations.replies")


async def test_a_status_reply_and_dm_slack_refused_are_posted_later_once(lab: Harness) -> None:
    voter = "U0VOTER01"
    lab.add_people(voter, ADMIN, "U0AUTHOR1")
    idea = await lab.share_idea("Free fruit on Fridays", author="U0AUTHOR1")
    judged = sum(lab.runtime.votes.verdicts.values())
    await lab.react(idea, voter)
    await lab.wait_judged(judged + 1)
    await lab.runtime.votes.drain()
    lab.fake.not_in_channels.add(IDEAS_CHANNEL)
    lab.fake.unknown_channels.add(voter)

    reply = await lab.command(f"status {idea.id} under-review Looking at costs", user=ADMIN)

    assert reply.status == 200
    await lab.fake.wait_until(
        lambda: any("is now" in t for t in dms_to(lab, "U0AUTHOR1")), what="the author's DM"
    )
    await lab.runtime.notices.drain()
    assert [m for m in lab.fake.messages(IDEAS_CHANNEL) if m.get("thread_ts")] == []
    assert dms_to(lab, voter) != [] and lab.fake.messages("D" + voter[1:]) == []

    lab.fake.not_in_channels.discard(IDEAS_CHANNEL)
    lab.fake.unknown_channels.discard(voter)
    await post_unposted(lab.runtime)
    await post_unposted(lab.runtime)

    [thread_reply] = posts_of(lab, IDEAS_CHANNEL, retried_posts.STATUS_REPLY)
    assert thread_reply["thread_ts"] == idea.message_ts
    assert "Looking at costs" in thread_reply["text"]
    [dm] = lab.fake.messages("D" + voter[1:])
    assert "Free fruit on Fridays" in json.dumps(dm["blocks"]) and "you voted for" in json.dumps(
        dm["blocks"]
    )
    assert len(lab.fake.messages("D" + "U0AUTHOR1"[1:])) == 1
