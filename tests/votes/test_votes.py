"""Emoji votes through the real HTTP endpoint: fair, exact, idempotent and live."""

from __future__ import annotations

import asyncio
import re

import sqlalchemy as sa
from sqlmodel import col

from bot.votes.rules import Verdict
from storage import votes
from storage.models import Idea, VoteReaction
from storage.votes import ReactionChange
from tests.harness import IDEAS_CHANNEL, Harness, eventually, restart, start_harness

VOTERS = [f"U0VOTER{n:03d}" for n in range(200)]


def vote_line(bot: Harness, idea: Idea) -> str:
    """The vote line of the idea's post as it is in Slack now."""
    assert idea.message_ts is not None
    return bot.fake.message(IDEAS_CHANNEL, idea.message_ts)["blocks"][-1]["elements"][0]["text"]


async def rows(bot: Harness, idea: Idea) -> list[VoteReaction]:
    async with bot.db.session() as session:
        result = await session.execute(
            sa.select(VoteReaction).where(col(VoteReaction.idea_id) == idea.id)
        )
        return list(result.scalars())


async def final_vote_line(bot: Harness, idea: Idea, expected: str) -> str:
    """Wait until the idea's post shows `expected` in its vote line; return the line."""

    def showing() -> str | None:
        line = vote_line(bot, idea)
        return line if expected in line else None

    return await eventually(
        showing, failure=lambda: f"the post never showed {expected!r}: {vote_line(bot, idea)!r}"
    )


async def test_a_vote_emoji_counts_and_the_post_shows_it(bot: Harness) -> None:
    idea = await bot.share_idea("Standing desks for everyone")
    bot.add_people("U0ANA0001")

    reply = await bot.react(idea, "U0ANA0001", "+1")

    assert reply.status == 200
    await bot.wait_judged(1)
    assert await bot.votes_on(idea) == 1
    line = await final_vote_line(bot, idea, "1 vote")
    assert "*1 vote*" in line and "person-u0ana0001" in line
    assert "<@" not in line, "updating the count must not ping voters"


async def test_skin_tones_count_as_their_base_emoji(bot: Harness) -> None:
    idea = await bot.share_idea("Hackathon every quarter")
    bot.add_people("U0ANA0001")

    await bot.react(idea, "U0ANA0001", "+1::skin-tone-3")

    await bot.wait_judged(1)
    [row] = await rows(bot, idea)
    assert row.emoji == "+1" and row.active


async def test_two_vote_emojis_are_one_vote_until_the_last_is_removed(bot: Harness) -> None:
    idea = await bot.share_idea("Quiet room on the second floor")
    bot.add_people("U0ANA0001")

    await bot.react(idea, "U0ANA0001", "+1")
    await bot.react(idea, "U0ANA0001", "bulb")
    await bot.wait_judged(2)
    assert await bot.votes_on(idea) == 1

    await bot.react(idea, "U0ANA0001", "+1", added=False)
    await bot.wait_judged(3)
    assert await bot.votes_on(idea) == 1

    await bot.react(idea, "U0ANA0001", "bulb", added=False)
    await bot.wait_judged(4)
    assert await bot.votes_on(idea) == 0
    assert "No votes yet" in await final_vote_line(bot, idea, "No votes yet")


async def test_authors_cannot_vote_for_their_own_idea(bot: Harness) -> None:
    idea = await bot.share_idea("Bring your dog Fridays", author="U0AUTHOR1")
    bot.add_people("U0AUTHOR1")

    await bot.react(idea, "U0AUTHOR1", "+1")

    await bot.wait_judged(1)
    assert bot.runtime.votes.verdicts[Verdict.OWN_IDEA] == 1
    assert await bot.votes_on(idea) == 0


async def test_bots_and_unknown_users_do_not_vote(bot: Harness) -> None:
    idea = await bot.share_idea("Automate the release notes")
    bot.add_people("U0ROBOT01", is_bot=True)

    await bot.react(idea, "U0ROBOT01", "+1")
    await bot.react(idea, "U0NOBODY1", "+1")

    await bot.wait_judged(2)
    verdicts = bot.runtime.votes.verdicts
    assert verdicts[Verdict.BOT] == 1 and verdicts[Verdict.NOT_A_MEMBER] == 1
    assert await rows(bot, idea) == []


async def test_other_reactions_messages_and_files_are_ignored_with_200(bot: Harness) -> None:
    idea = await bot.share_idea("Office plants")
    bot.add_people("U0ANA0001")

    replies = [
        await bot.react(idea, "U0ANA0001", "tada"),
        await bot.react(idea, "U0ANA0001", "+1", message_ts="1600000000.000100"),
        await bot.react(idea, "U0ANA0001", "+1", item_type="file"),
    ]

    assert [reply.status for reply in replies] == [200, 200, 200]
    await bot.wait_judged(3)
    verdicts = bot.runtime.votes.verdicts
    assert verdicts[Verdict.NOT_A_VOTE_EMOJI] == 1
    assert verdicts[Verdict.NOT_AN_IDEA] == 1
    assert verdicts[Verdict.NOT_A_MESSAGE] == 1
    assert await rows(bot, idea) == []


async def test_redelivered_events_never_double_count(bot: Harness) -> None:
    idea = await bot.share_idea("Free coffee")
    bot.add_people("U0ANA0001")
    event_ts = bot.next_event_ts()

    await bot.react(idea, "U0ANA0001", event_ts=event_ts, event_id="Ev0001")
    await bot.react(idea, "U0ANA0001", event_ts=event_ts, event_id="Ev0001", retry_num=1)
    await bot.react(idea, "U0ANA0001", event_ts=event_ts, event_id="Ev0001", retry_num=2)
    await bot.react(idea, "U0ANA0001", event_ts=event_ts, event_id="Ev0999")

    await bot.wait_judged(4)
    assert await bot.votes_on(idea) == 1
    assert len(await rows(bot, idea)) == 1


async def test_a_late_retry_never_undoes_a_newer_change(bot: Harness) -> None:
    idea = await bot.share_idea("Mentoring circles")
    bot.add_people("U0ANA0001")
    added_at, removed_at = "1800000000.000100", "1800000005.000100"

    await bot.react(idea, "U0ANA0001", event_ts=added_at)
    await bot.wait_judged(1)
    await bot.react(idea, "U0ANA0001", added=False, event_ts=removed_at)
    await bot.wait_judged(2)
    await bot.react(idea, "U0ANA0001", event_ts=added_at, retry_num=1)

    await bot.wait_judged(3)
    assert await bot.votes_on(idea) == 0


async def test_a_removal_overtaken_by_a_newer_add_keeps_the_vote(bot: Harness) -> None:
    idea = await bot.share_idea("Team lunches")
    bot.add_people("U0ANA0001")

    await bot.react(idea, "U0ANA0001", event_ts="1800000000.000100")
    await bot.wait_judged(1)
    await bot.react(idea, "U0ANA0001", event_ts="1800000009.000100")
    await bot.wait_judged(2)
    await bot.react(idea, "U0ANA0001", added=False, event_ts="1800000005.000100")

    await bot.wait_judged(3)
    assert await bot.votes_on(idea) == 1


async def test_closed_ideas_keep_their_votes_but_take_no_new_ones(bot: Harness) -> None:
    idea = await bot.share_idea("Four-day week pilot")
    bot.add_people("U0ANA0001", "U0BOB0001")
    await bot.react(idea, "U0ANA0001")
    await bot.wait_judged(1)

    async with bot.db.session() as session:
        await session.execute(
            sa.update(Idea).where(col(Idea.id) == idea.id).values(status="shipped")
        )
    assert idea.channel_id is not None and idea.message_ts is not None
    bot.runtime.votes.forget_post(idea.channel_id, idea.message_ts)
    await bot.react(idea, "U0BOB0001")
    await bot.react(idea, "U0ANA0001", added=False)

    await bot.wait_judged(3)
    assert bot.runtime.votes.verdicts[Verdict.CLOSED] == 2
    assert await bot.votes_on(idea) == 1


async def test_many_distinct_voters_at_once_give_the_exact_total(bot: Harness) -> None:
    idea = await bot.share_idea("Company-wide demo day")
    voters = VOTERS[:80]
    bot.add_people(*voters)

    replies = await asyncio.gather(*(bot.react(idea, voter) for voter in voters))

    assert {reply.status for reply in replies} == {200}
    await bot.wait_judged(len(voters))
    assert await bot.votes_on(idea) == len(voters)
    assert len(await rows(bot, idea)) == len(voters)


async def test_a_burst_of_votes_coalesces_into_a_few_post_updates(bot: Harness) -> None:
    idea = await bot.share_idea("Open-source Fridays")
    bot.add_people(*VOTERS[:150])
    updates_before = len(bot.fake.calls_to("chat.update"))
    # However slowly the burst arrives, it all lands while the first update is in flight.
    bot.fake.hold("chat.update")

    await asyncio.gather(*(bot.react(idea, voter) for voter in VOTERS[:150]))
    await bot.wait_judged(150)
    bot.fake.release("chat.update")

    line = await final_vote_line(bot, idea, "150 votes")
    assert "*150 votes*" in line and re.search(r"and \d+ more", line)
    await bot.runtime.posts.drain()  # any update still pending has landed
    updates = len(bot.fake.calls_to("chat.update")) - updates_before
    assert 1 <= updates <= 6, f"{updates} chat.update calls for one burst"
    assert "*150 votes*" in vote_line(bot, idea)


async def test_a_vote_another_replica_recorded_mid_update_still_shows(bot: Harness) -> None:
    idea = await bot.share_idea("Plants on every desk")
    bot.add_people("U0ANA0001", "U0BEN0001")
    await bot.react(idea, "U0ANA0001")
    await final_vote_line(bot, idea, "1 vote")
    bot.fake.hold("chat.update")
    updates = len(bot.fake.calls_to("chat.update"))

    await bot.react(idea, "U0BEN0001")
    await bot.fake.wait_for("chat.update", count=updates + 1)
    async with bot.db.session() as session:  # another replica, while "2 votes" is in flight
        await votes.apply_reactions(
            session=session,
            changes=[ReactionChange(idea.id or 0, "U0CAT0001", "+1", True, "1700000000.000001")],
        )
    bot.fake.release("chat.update")

    line = await final_vote_line(bot, idea, "3 votes")
    assert "*3 votes*" in line


async def test_voters_named_before_a_restart_are_named_after_it(migrated_url: str) -> None:
    bot, close = await start_harness(migrated_url)
    try:
        idea = await bot.share_idea("Lunch and learn on Thursdays")
        for user_id, name in (("U0ANA0001", "Ana"), ("U0BO00001", "Bo"), ("U0CY00001", "Cy")):
            bot.fake.add_user(user_id, name=name)
        await bot.react(idea, "U0ANA0001")
        await bot.wait_judged(1)
        await bot.react(idea, "U0BO00001")
        await final_vote_line(bot, idea, "*2 votes* · Ana, Bo")
        bot, close = await restart(bot, close)

        await bot.react(idea, "U0CY00001")

        line = await final_vote_line(bot, idea, "3 votes")
        assert line == "*3 votes* · Ana, Bo, Cy"
    finally:
        await close()


async def test_top_ranks_ideas_by_votes_with_links(bot: Harness) -> None:
    first = await bot.share_idea("Idea with one vote", author="U0AUTHOR1")
    second = await bot.share_idea("Idea with three votes", author="U0AUTHOR2")
    bot.add_people(*VOTERS[:3])
    await bot.react(first, VOTERS[0])
    for voter in VOTERS[:3]:
        await bot.react(second, voter)
    await bot.wait_judged(4)

    await bot.command("top")
    [*_, top] = await bot.fake.wait_for_responses(count=3)

    text = top["text"]
    assert text.index("Idea with three votes") < text.index("Idea with one vote")
    assert "*3 votes*" in text and "*1 vote*" in text
    assert second.permalink and second.permalink in text
    assert first.permalink and first.permalink in text

    await bot.command("top all")
    [*_, top_all] = await bot.fake.wait_for_responses(count=4)
    assert "of all time" in top_all["text"] and "Idea with three votes" in top_all["text"]


async def test_mine_lists_my_ideas_with_votes_and_status(bot: Harness) -> None:
    idea = await bot.share_idea("My own idea here", author="U0AUTHOR1")
    await bot.share_idea("Somebody else's idea", author="U0AUTHOR2")
    bot.add_people("U0ANA0001")
    await bot.react(idea, "U0ANA0001")
    await bot.wait_judged(1)

    await bot.command("mine", user="U0AUTHOR1")
    [*_, mine] = await bot.fake.wait_for_responses(count=3)

    assert "My own idea here" in mine["text"] and "*1 vote*" in mine["text"]
    assert "new" in mine["text"] and "Somebody else's idea" not in mine["text"]


async def test_export_counts_votes(bot: Harness) -> None:
    from storage import ideas

    idea = await bot.share_idea("Export me")
    bot.add_people("U0ANA0001", "U0BOB0001")
    await bot.react(idea, "U0ANA0001")
    await bot.react(idea, "U0BOB0001", "bulb")
    await bot.wait_judged(2)

    async with bot.db.session() as session:
        [row] = await ideas.export_rows(session=session)
    assert row.votes == 2
