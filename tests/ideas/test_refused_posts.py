"""Posts Slack refuses: limits counted as Slack counts them, a plainer form when Slack refuses
one for what it says, never the same refusal tried for ever; and ideas shared during an
outage posted by themselves once Slack is back."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from bot.awards import service as awards
from scheduler.timetable import post_unposted
from storage.claim_models import JobRun
from storage.models import Idea
from tests.harness import IDEAS_CHANNEL, Harness, eventually

AUTHOR = "U0AUTHOR1"


async def stored_ideas(bot: Harness) -> list[Idea]:
    async with bot.db.session() as session:
        return list((await session.execute(select(Idea).order_by(Idea.id))).scalars())  # type: ignore[arg-type]


def posts_to(bot: Harness, channel: str) -> list[dict]:
    return [
        call.args
        for call in bot.fake.calls_to("chat.postMessage")
        if call.args.get("channel") == channel
    ]


async def test_an_emoji_heavy_summary_is_posted_in_a_form_slack_takes(bot: Harness) -> None:
    rockets = "Ship it " + "🚀" * 80  # 88 characters, 168 as Slack counts them: no header

    idea = await bot.share_idea(rockets, author=AUTHOR)

    [post] = bot.fake.messages(IDEAS_CHANNEL)
    assert len(posts_to(bot, IDEAS_CHANNEL)) == 1  # right the first time: nothing refused
    assert idea.post_error is None
    assert all(block["type"] != "header" for block in post["blocks"])
    assert rockets in post["blocks"][0]["text"]["text"]


async def test_a_post_refused_as_invalid_goes_out_in_a_plainer_form(bot: Harness) -> None:
    bot.fake.fail_next("chat.postMessage", status=200, error="invalid_blocks")

    idea = await bot.share_idea("Standing desks for the support team", author=AUTHOR)

    [refused, taken] = posts_to(bot, IDEAS_CHANNEL)
    assert any(block["type"] == "header" for block in refused["blocks"])
    assert all(block["type"] != "header" for block in taken["blocks"])
    assert "*💡 Standing desks for the support team*" in str(taken["blocks"])
    assert idea.message_ts is not None


async def test_a_post_refused_in_every_form_is_handed_back_once_and_never_retried(
    bot: Harness,
) -> None:
    bot.fake.fail_next("chat.postMessage", status=200, error="invalid_blocks", times=3)
    response_url = bot.fake.response_url("cmd")

    await bot.command("Quiet rooms on every floor", user=AUTHOR, response_url=response_url)

    [answer] = await eventually(lambda: bot.fake.responses_to(response_url))
    assert "will not try it again" in answer["text"]
    assert "Quiet rooms on every floor" in str(answer["blocks"])
    [idea] = await stored_ideas(bot)
    assert idea.message_ts is None and idea.post_error == "invalid_blocks"
    tries = len(bot.fake.calls_to("chat.postMessage"))

    await post_unposted(bot.runtime)
    retry_url = bot.fake.response_url("retry")
    await bot.command("retry", user=AUTHOR, response_url=retry_url)

    [summary] = await eventually(lambda: bot.fake.responses_to(retry_url))
    assert "nothing to retry" in summary["text"]
    assert len(bot.fake.calls_to("chat.postMessage")) == tries


async def test_ideas_shared_during_an_outage_are_posted_when_slack_is_back(bot: Harness) -> None:
    bot.fake.outage("chat.postMessage", status=503)
    response_url = bot.fake.response_url("cmd")

    await bot.command("A library corner in the kitchen", user=AUTHOR, response_url=response_url)

    [answer] = await eventually(lambda: bot.fake.responses_to(response_url))
    assert "as soon as Slack answers again" in answer["text"]
    assert "/idea retry" not in answer["text"].split("answers again")[1]

    bot.fake.clear_faults()
    await post_unposted(bot.runtime)  # what the timetable runs every minute

    [idea] = await stored_ideas(bot)
    assert idea.message_ts is not None
    [told] = posts_to(bot, AUTHOR)
    assert f"Your idea #{idea.id} is posted" in told["text"]
    await post_unposted(bot.runtime)
    assert len(posts_to(bot, AUTHOR)) == 1


async def test_a_scheduled_post_refused_in_every_form_is_not_retried(bot: Harness) -> None:
    bot.fake.fail_next("chat.postMessage", status=200, error="invalid_blocks", times=3)
    moment = datetime(2026, 11, 1, 10, tzinfo=UTC)

    await awards.run(bot.runtime, now=moment)
    tries = len(bot.fake.calls_to("chat.postMessage"))
    await awards.run(bot.runtime, now=moment)
    await post_unposted(bot.runtime)

    assert len(bot.fake.calls_to("chat.postMessage")) == tries
    async with bot.db.session() as session:
        [run] = (await session.execute(select(JobRun))).scalars()
    assert run.status == "refused" and run.error == "invalid_blocks"


async def test_the_form_counts_a_summary_as_slack_does(bot: Harness) -> None:
    reply = await bot.submit_form({"summary": "🚀" * 80, "problem": "Launch days feel flat"})

    body = reply.json()
    assert body["response_action"] == "errors"
    assert "counting most emoji as two" in body["errors"]["summary"]
    assert await stored_ideas(bot) == []
