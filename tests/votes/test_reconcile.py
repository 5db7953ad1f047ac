"""`reconcile` repairs votes from Slack's own record of reactions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import col

from bot.votes.reconcile import reconcile, repair_recent
from storage.models import Idea
from tests.harness import BOT_TOKEN, IDEAS_CHANNEL, Harness
from tests.processes import run_cli


async def test_reconcile_adds_missed_votes_and_removes_stale_ones(bot: Harness) -> None:
    idea = await bot.share_idea("Lunch roulette", author="U0AUTHOR1")
    bot.add_people("U0ANA0001", "U0BOB0001", "U0CAROL01", "U0AUTHOR1")
    bot.add_people("U0ROBOT01", is_bot=True)
    await bot.react(idea, "U0ANA0001", "+1")  # seen live; the reaction has since gone
    await bot.wait_judged(1)
    assert idea.message_ts is not None
    bot.fake.set_reactions(
        IDEAS_CHANNEL,
        idea.message_ts,
        [
            {"name": "+1", "users": ["U0BOB0001", "U0AUTHOR1", "U0ROBOT01"], "count": 3},
            {"name": "bulb::skin-tone-2", "users": ["U0CAROL01", "U0BOB0001"], "count": 2},
            {"name": "tada", "users": ["U0ANA0001"], "count": 1},
        ],
    )

    report = await reconcile(bot.runtime, days=7)

    assert (report.checked, report.added, report.removed) == (1, 3, 1)
    assert report.changed_ideas == [idea.id]
    assert await bot.votes_on(idea) == 2  # Bob (two emojis, one vote) and Carol
    [call] = bot.fake.calls_to("reactions.get")
    assert call.args["full"] in (True, "true", "1", 1)

    again = await reconcile(bot.runtime, days=7)
    assert (again.added, again.removed, again.changed_ideas) == (0, 0, [])


async def test_reconcile_reports_posts_it_cannot_read(bot: Harness) -> None:
    idea = await bot.share_idea("Deleted later")
    bot.fake.fail_next("reactions.get", error="message_not_found")

    report = await reconcile(bot.runtime, days=7)

    assert report.unreadable == {idea.id: "message_not_found"}
    assert "Could not read the post of #1: message_not_found" in report.summary(7)


async def test_reconcile_from_the_command_line(bot: Harness, tmp_path: Path) -> None:
    idea = await bot.share_idea("Cycle to work scheme")
    bot.add_people("U0ANA0001")
    assert idea.message_ts is not None
    bot.fake.set_reactions(
        IDEAS_CHANNEL, idea.message_ts, [{"name": "+1", "users": ["U0ANA0001"], "count": 1}]
    )

    code, out, err = await run_cli(
        tmp_path,
        "reconcile",
        "--days",
        "3",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_API_URL=bot.fake.api_url,
        IDEAS_CHANNEL=IDEAS_CHANNEL,
        DATABASE_URL=bot.runtime.settings.database_url,
    )

    assert code == 0, err
    assert "Checked 1 idea post(s) from the last 3 day(s): added 1" in out
    assert await bot.votes_on(idea) == 1
    updated = bot.fake.message(IDEAS_CHANNEL, idea.message_ts)
    assert "*1 vote*" in updated["blocks"][-1]["elements"][0]["text"]


async def posted_hours_ago(bot: Harness, idea: Idea, hours: int) -> None:
    async with bot.db.session() as session:
        await session.execute(
            sa.update(Idea)
            .where(col(Idea.id) == idea.id)
            .values(posted_at=datetime.now(UTC) - timedelta(hours=hours))
        )


async def test_a_restart_repairs_votes_acked_but_never_committed(bot: Harness) -> None:
    busy = await bot.share_idea("Busy idea")
    quiet = await bot.share_idea("Quiet idea")
    await posted_hours_ago(bot, busy, 3)
    await posted_hours_ago(bot, quiet, 3)
    bot.add_people("U0ANA0001", "U0BEN0001", "U0CAT0001")
    await bot.react(busy, "U0ANA0001")
    await bot.wait_judged(1)
    await bot.runtime.votes.drain()
    assert busy.message_ts is not None
    # Slack shows three votes; the process that acked two of them died before committing.
    bot.fake.set_reactions(
        IDEAS_CHANNEL,
        busy.message_ts,
        [{"name": "+1", "users": ["U0ANA0001", "U0BEN0001", "U0CAT0001"], "count": 3}],
    )

    report = await repair_recent(bot.runtime)

    assert (report.checked, report.added, report.removed) == (1, 2, 0)
    assert await bot.votes_on(busy) == 3
    read = [c.args["timestamp"] for c in bot.fake.calls_to("reactions.get")]
    assert read == [busy.message_ts] and quiet.message_ts not in read


async def test_a_restart_repairs_the_first_votes_on_a_brand_new_idea(bot: Harness) -> None:
    fresh = await bot.share_idea("Brand-new idea")
    old = await bot.share_idea("Idea from last week")
    await posted_hours_ago(bot, old, 24 * 7)
    voters = [f"U0VOTE{n:03d}" for n in range(12)]
    bot.add_people(*voters)
    assert fresh.message_ts is not None
    # Twelve votes acknowledged, none stored: the process died before committing any.
    bot.fake.set_reactions(
        IDEAS_CHANNEL, fresh.message_ts, [{"name": "+1", "users": voters, "count": 12}]
    )

    report = await repair_recent(bot.runtime)

    assert (report.checked, report.added) == (1, 12)
    assert await bot.votes_on(fresh) == 12
    assert [c.args["timestamp"] for c in bot.fake.calls_to("reactions.get")] == [fresh.message_ts]
