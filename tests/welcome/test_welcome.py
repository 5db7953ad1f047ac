"""Greetings: `@Lightbulb` in a channel, the first visit to the Messages tab, joining the ideas
channel, and the "Share an idea" shortcut, each as Slack sends it to the endpoint."""

from __future__ import annotations

import asyncio
import time

from bot.ideas.blocks import NEW_IDEA_ACTION
from handlers.shortcuts import SHARE_IDEA_SHORTCUT
from tests.harness import IDEAS_CHANNEL, TEAM_ID, Harness, eventually, settled

CHANNEL = "C0GENERAL"
PERSON = "U0ALICE01"
OTHER = "U0BOB0001"
ROBOT = "U0ROBOT01"


def mention(user: str, *, ts: str, thread_ts: str | None = None, **extra: str) -> dict:
    event = {
        "type": "app_mention",
        "user": user,
        "text": "<@UBOT0001> what can you do?",
        "ts": ts,
        "channel": CHANNEL,
        "event_ts": ts,
        **extra,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def replies_in(bot: Harness, channel: str) -> list[dict]:
    return [
        call.args
        for call in bot.fake.calls_to("chat.postMessage")
        if call.args["channel"] == channel
    ]


def buttons(message: dict) -> list[str]:
    return [
        element["action_id"]
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]


async def test_a_mention_is_answered_in_its_thread_once_an_hour_per_person(bot: Harness) -> None:
    bot.add_people(PERSON, OTHER)

    assert (await bot.event(mention(PERSON, ts="1700000000.000100"))).status == 200
    [reply] = await eventually(lambda: replies_in(bot, CHANNEL))
    assert reply["thread_ts"] == "1700000000.000100"
    assert f"<@{PERSON}>" in reply["text"] and "/idea help" in reply["text"]
    assert f"<#{IDEAS_CHANNEL}>" in reply["text"]
    assert buttons(reply) == [NEW_IDEA_ACTION]

    before = asyncio.all_tasks()
    await bot.event(mention(PERSON, ts="1700000001.000100"))
    await bot.event(mention(ROBOT, ts="1700000002.000100", bot_id="B0ROBOT01"))
    await bot.event(mention(OTHER, ts="1700000003.000100", thread_ts="1699999999.000100"))
    await settled(before)

    answered = replies_in(bot, CHANNEL)
    assert len(answered) == 2, "Alice asked twice within the hour; a bot is never answered"
    assert answered[1]["thread_ts"] == "1699999999.000100", "a mention in a thread stays there"
    assert f"<@{OTHER}>" in answered[1]["text"]


async def test_the_first_visit_to_the_messages_tab_gets_one_welcome_ever(bot: Harness) -> None:
    bot.add_people(PERSON)

    async def open_messages_tab() -> None:
        event = {
            "type": "app_home_opened",
            "user": PERSON,
            "channel": "D" + PERSON[1:],
            "tab": "messages",
            "event_ts": f"{time.time():.6f}",
        }
        assert (await bot.event(event)).status == 200

    await open_messages_tab()
    [welcome] = await eventually(lambda: bot.fake.messages("D" + PERSON[1:]))
    assert "Welcome to Lightbulb" in welcome["text"]
    assert "/idea experiment" in welcome["text"] and "/idea help" in welcome["text"]
    assert buttons(welcome) == [NEW_IDEA_ACTION]

    before = asyncio.all_tasks()
    await asyncio.gather(*(open_messages_tab() for _ in range(3)))
    await settled(before)

    assert len(bot.fake.messages("D" + PERSON[1:])) == 1
    assert bot.fake.calls_to("views.publish") == [], "the Messages tab is not the Home tab"


async def test_joining_the_ideas_channel_gets_a_welcome_only_the_person_sees(bot: Harness) -> None:
    bot.add_people(PERSON)
    bot.add_people(ROBOT, is_bot=True)

    def joined(user: str, channel: str = IDEAS_CHANNEL) -> dict:
        return {
            "type": "member_joined_channel",
            "user": user,
            "channel": channel,
            "channel_type": "C",
            "team": TEAM_ID,
            "event_ts": f"{time.time():.6f}",
        }

    assert (await bot.event(joined(PERSON))).status == 200
    [call] = await bot.fake.wait_for("chat.postEphemeral")
    assert (call.args["channel"], call.args["user"]) == (IDEAS_CHANNEL, PERSON)
    assert "vote" in call.args["text"].lower() and "Only you can see" in call.args["text"]

    before = asyncio.all_tasks()
    await bot.event(joined(ROBOT))
    await bot.event(joined(PERSON, channel=CHANNEL))
    await bot.event(joined(PERSON))  # left and came back the same day
    await settled(before)

    assert len(bot.fake.calls_to("chat.postEphemeral")) == 1


async def test_the_share_an_idea_shortcut_opens_the_idea_form(bot: Harness) -> None:
    shortcut = {
        "type": "shortcut",
        "token": "legacy",
        "action_ts": f"{time.time():.6f}",
        "team": {"id": TEAM_ID, "domain": "acme"},
        "user": {"id": PERSON, "username": "alice", "team_id": TEAM_ID},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": SHARE_IDEA_SHORTCUT,
        "trigger_id": "trigger-shortcut-1",
    }

    reply = await bot.interact(shortcut)

    assert reply.status == 200
    [call] = await bot.fake.wait_for("views.open")
    assert call.args["trigger_id"] == "trigger-shortcut-1"
    assert call.args["view"]["callback_id"] == "idea_form"
