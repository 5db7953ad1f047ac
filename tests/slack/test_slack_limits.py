"""Slack's own limits, seen: its notice that it dropped events, and a voter look-up that is
slow to answer."""

from __future__ import annotations

import json
import logging
import time

import pytest

from tests.harness import IDEAS_CHANNEL, TEAM_ID, Harness, eventually

RATE_LIMITED = {
    "token": "legacy",
    "type": "app_rate_limited",
    "team_id": TEAM_ID,
    "minute_rate_limited": 1518467820,
    "api_app_id": "A0LIGHT01",
}


async def test_app_rate_limited_is_acknowledged_logged_and_counted(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)

    reply = await bot.post(json.dumps(RATE_LIMITED), content_type="application/json")

    assert reply.status == 200
    [error] = [r for r in caplog.records if "app_rate_limited" in r.getMessage()]
    assert error.levelno == logging.ERROR
    assert "2018-02-12 20:37 UTC" in error.getMessage()
    assert "lightbulb reconcile" in error.getMessage()
    assert "lightbulb_app_rate_limited_total 1.0" in await bot.metrics()


async def test_votes_slack_dropped_are_repaired_once_the_minute_is_over(bot: Harness) -> None:
    idea = await bot.share_idea("Quiet hours on Thursdays")
    assert idea.message_ts is not None
    bot.add_people("U0ANA0001", "U0BOB0001")
    # Slack dropped both reactions' events; the post still shows them.
    bot.fake.set_reactions(
        IDEAS_CHANNEL, idea.message_ts, [{"name": "+1", "users": ["U0ANA0001", "U0BOB0001"]}]
    )
    a_finished_minute = (int(time.time()) - 120) // 60 * 60
    notice = {**RATE_LIMITED, "minute_rate_limited": a_finished_minute}

    reply = await bot.post(json.dumps(notice), content_type="application/json")

    assert reply.status == 200

    async def repaired() -> bool:
        return await bot.votes_on(idea) == 2

    await eventually(repaired, failure="the dropped votes were never read back from Slack")
    [read] = bot.fake.calls_to("reactions.get")
    assert read.args["timestamp"] == idea.message_ts


async def test_an_unsigned_app_rate_limited_is_refused_and_not_counted(bot: Harness) -> None:
    reply = await bot.post(json.dumps(RATE_LIMITED), content_type="application/json", sign=False)

    assert reply.status == 401
    assert "lightbulb_app_rate_limited_total 0.0" in await bot.metrics()


async def test_a_vote_is_stored_while_slack_is_still_looking_up_the_voter(bot: Harness) -> None:
    idea = await bot.share_idea("Standing desks")
    bot.add_people("U0SLOW001")
    bot.fake.hold("users.info")

    reply = await bot.react(idea, "U0SLOW001")

    assert reply.status == 200
    await bot.fake.wait_for("users.info")
    await bot.wait_judged(1)
    assert await bot.votes_on(idea) == 1, "the vote waited for users.info"
    bot.fake.release("users.info")
    await bot.runtime.votes.drain()
    assert await bot.votes_on(idea) == 1


async def test_the_count_shows_while_slack_is_slow_to_name_the_voter(bot: Harness) -> None:
    idea = await bot.share_idea("Standing desks")
    assert idea.message_ts is not None
    bot.add_people("U0SLOW001", "U0NEXT001")
    bot.fake.hold("users.info")

    def vote_line() -> str:
        message = bot.fake.message(IDEAS_CHANNEL, idea.message_ts or "")
        return message["blocks"][-1]["elements"][0]["text"]

    await bot.react(idea, "U0SLOW001")

    await eventually(lambda: vote_line() == "*1 vote*", failure=vote_line)
    bot.fake.release("users.info")
    await bot.react(idea, "U0NEXT001")
    # Slack's late answer is kept: the next update names the voter without asking again.
    await eventually(
        lambda: vote_line() == "*2 votes* · person-u0slow001, person-u0next001",
        failure=vote_line,
    )
    asked = [c.args.get("user") for c in bot.fake.calls_to("users.info")]
    assert asked.count("U0SLOW001") == 1


async def test_a_bot_counted_before_slack_answered_is_taken_back(bot: Harness) -> None:
    idea = await bot.share_idea("Standing desks")
    bot.add_people("U0ROBOT01", is_bot=True)
    bot.fake.hold("users.info")

    await bot.react(idea, "U0ROBOT01")
    await bot.wait_judged(1)
    assert await bot.votes_on(idea) == 1

    bot.fake.release("users.info")
    await bot.runtime.votes.drain()

    assert await bot.votes_on(idea) == 0
    # Its later reactions are judged from what Slack said, and never count.
    await bot.react(idea, "U0ROBOT01", "bulb")
    await bot.wait_judged(2)
    await bot.runtime.votes.drain()
    assert await bot.votes_on(idea) == 0
