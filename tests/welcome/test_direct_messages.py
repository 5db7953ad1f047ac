"""What people type to Lightbulb in its Messages tab gets a helpful answer, once a minute at
most; edits, joins, bots and other channels get none, and every one of them gets a 200."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import date, timedelta

from sqlmodel import select

from bot.experiments import blocks as experiment_blocks
from bot.ideas.blocks import POST_AS_IDEA_ACTION
from storage import experiments as store
from storage.models import Idea
from tests.harness import IDEAS_CHANNEL, TEAM_ID, Harness, Reply, settled

PERSON, OTHER = "U0DANA001", "U0EVAN001"


def dm_channel(user: str) -> str:
    return "D" + user[1:]


async def typed(bot: Harness, user: str, text: str, **extra: object) -> Reply:
    event = {
        "type": "message",
        "channel": dm_channel(user),
        "user": user,
        "text": text,
        "ts": f"{time.time():.6f}",
        "event_ts": f"{time.time():.6f}",
        "channel_type": "im",
        **extra,
    }
    return await bot.event(event)


def answers_to(bot: Harness, user: str) -> list[dict]:
    return [
        c.args
        for c in bot.fake.calls_to("chat.postMessage")
        if c.args["channel"] == dm_channel(user)
    ]


def buttons(message: dict) -> list[dict]:
    blocks = (
        message["blocks"] if isinstance(message["blocks"], list) else json.loads(message["blocks"])
    )
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


async def test_a_message_gets_an_answer_with_the_learning_it_awaits(bot: Harness) -> None:
    async with bot.db.session() as session:
        experiment = await store.create_experiment(
            session=session,
            hypothesis="Shorter stand-ups free an hour a week",
            metric="minutes in meetings",
            owner_id=PERSON,
            started_by=PERSON,
            ends_on=date.today() - timedelta(days=2),
        )

    reply = await typed(bot, PERSON, "ok it went well, what now?")

    assert reply.status == 200
    await bot.fake.wait_until(lambda: bool(answers_to(bot, PERSON)), what="the answer")
    [answer] = answers_to(bot, PERSON)
    assert f"experiment #{experiment.id}" in answer["text"]
    assert "`/idea &lt;your idea&gt;`" in answer["text"]
    actions = {b["action_id"]: b.get("value") for b in buttons(answer)}
    assert actions[experiment_blocks.CONCLUDE_ACTION] == str(experiment.id)
    assert actions[POST_AS_IDEA_ACTION] == "ok it went well, what now?"


async def test_at_most_one_answer_a_minute_and_none_to_edits_bots_or_channels(
    bot: Harness,
) -> None:
    await typed(bot, PERSON, "hello")
    await bot.fake.wait_until(lambda: bool(answers_to(bot, PERSON)), what="the first answer")

    before = asyncio.all_tasks()
    replies = [
        await typed(bot, PERSON, "hello again"),
        await typed(bot, PERSON, "edited", subtype="message_changed"),
        await typed(bot, OTHER, "from an integration", bot_id="B0OTHER01"),
        await typed(bot, OTHER, "in a channel", channel_type="channel"),
        await typed(bot, OTHER, "someone joined", subtype="channel_join"),
    ]
    assert [r.status for r in replies] == [200] * 5
    await typed(bot, "U0FRANK01", "hi there")
    await settled(before)  # everything those messages set off has finished

    assert len(answers_to(bot, PERSON)) == 1
    assert answers_to(bot, OTHER) == []
    [frank] = answers_to(bot, "U0FRANK01")
    assert POST_AS_IDEA_ACTION not in {b["action_id"] for b in buttons(frank)}


async def test_what_someone_typed_can_be_posted_as_an_idea_once(bot: Harness) -> None:
    text = "Free fruit on Fridays for the night shift"
    await typed(bot, PERSON, text)
    await bot.fake.wait_until(lambda: bool(answers_to(bot, PERSON)), what="the answer")
    answer_ts = bot.fake.messages(dm_channel(PERSON))[-1]["ts"]

    async def click() -> Reply:
        return await bot.interact(
            {
                "type": "block_actions",
                "team": {"id": TEAM_ID},
                "user": {"id": PERSON},
                "api_app_id": "A0LIGHT01",
                "trigger_id": "trigger-dm",
                "response_url": bot.fake.response_url("click"),
                "container": {
                    "type": "message",
                    "channel_id": dm_channel(PERSON),
                    "message_ts": answer_ts,
                    "is_ephemeral": False,
                },
                "actions": [{"type": "button", "action_id": POST_AS_IDEA_ACTION, "value": text}],
            }
        )

    first, second = await click(), await click()

    assert (first.status, second.status) == (200, 200)
    responses = await bot.fake.wait_for_responses(count=2, timeout=20)
    assert any("Your idea #1 is posted" in r["text"] for r in responses)
    assert any("posted already" in r["text"] for r in responses)
    assert all(r["replace_original"] is False for r in responses)
    async with bot.db.session() as session:
        [idea] = (await session.execute(select(Idea))).scalars().all()
    assert (idea.text, idea.author_id) == (text, PERSON)
    assert len(bot.fake.messages(IDEAS_CHANNEL)) == 1
