"""An uninstalled app, or a revoked bot token: Lightbulb stops talking to Slack, says so once,
and shows it in `/healthz` and `/metrics`."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlmodel import select

from bot.server.http_server import HEALTH_PATH
from scheduler.timetable import post_unposted
from storage.models import Idea
from tests.harness import IDEAS_CHANNEL, Harness, eventually, settled

PERSON = "U0ALICE01"


async def health(bot: Harness) -> dict:
    async with bot.http.get(bot.base_url + HEALTH_PATH) as response:
        assert response.status == 200
        return await response.json()


async def uninstalled(bot: Harness) -> bool:
    return (await health(bot))["slack"] == "uninstalled"


async def open_home(bot: Harness) -> None:
    event = {"type": "app_home_opened", "user": PERSON, "tab": "home", "event_ts": "1.000001"}
    assert (await bot.event(event)).status == 200


async def test_after_app_uninstalled_nothing_more_is_sent_to_slack(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    bot.add_people(PERSON)
    assert (await health(bot))["slack"] == "ok"
    assert "lightbulb_slack_access_lost 0.0" in await bot.metrics()

    assert (await bot.event({"type": "app_uninstalled"})).status == 200

    await eventually(lambda: uninstalled(bot), failure="/healthz never said uninstalled")
    assert "lightbulb_slack_access_lost 1.0" in await bot.metrics()
    [error] = [r for r in caplog.records if "uninstalled" in r.getMessage()]
    assert "SLACK_BOT_TOKEN" in error.getMessage() and "restart" in error.getMessage()

    calls_before = len(bot.fake.calls)
    before = asyncio.all_tasks()
    await open_home(bot)
    await bot.event({"type": "app_home_opened", "user": PERSON, "tab": "messages"})
    await post_unposted(bot.runtime)
    await settled(before)
    # Bolt checks the token with auth.test before the first event it hands a listener.
    assert [c.method for c in bot.fake.calls[calls_before:] if c.method != "auth.test"] == []


async def test_only_a_revoked_bot_token_counts(bot: Harness) -> None:
    user_tokens_only = {"type": "tokens_revoked", "tokens": {"oauth": ["U0ADMIN01"]}}
    before = asyncio.all_tasks()
    assert (await bot.event(user_tokens_only)).status == 200
    await settled(before)
    assert (await health(bot))["slack"] == "ok"

    bot_token = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT0001"]}}
    assert (await bot.event(bot_token)).status == 200

    await eventually(lambda: uninstalled(bot), failure="/healthz never said uninstalled")


async def test_slack_refusing_the_token_on_any_call_pauses_the_same_way(bot: Harness) -> None:
    bot.fake.fail_next("chat.postMessage", status=200, error="token_revoked")

    await bot.command("Standing desks for everyone")

    await eventually(lambda: uninstalled(bot), failure="/healthz never said uninstalled")
    assert bot.fake.messages(IDEAS_CHANNEL) == []
    calls_before = len(bot.fake.calls)
    await post_unposted(bot.runtime)
    assert bot.fake.calls[calls_before:] == [], "the idea waits for a new token and a restart"
    async with bot.db.session() as session:
        [idea] = (await session.execute(select(Idea))).scalars().all()
    assert (idea.text, idea.message_ts) == ("Standing desks for everyone", None)
