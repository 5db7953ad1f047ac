"""The end of a challenge through the real bot: the challenges job (`timeline.run`) called at
chosen times, with the fake Slack. The reminder, the close, the sponsor's DM, one more week
when nobody answered, and posts made exactly once whatever Slack does."""

from __future__ import annotations

from datetime import date, timedelta

from bot.challenges import closing_blocks, timeline
from storage.vocabulary import ChallengeStatus
from tests.challenges.close_helpers import (
    ADMIN,
    AUTHORS,
    CLOSE,
    OWNER,
    REMINDER,
    SPONSOR,
    broadcast,
    dms,
    entry,
    open_challenge,
    posts,
    reload,
)
from tests.harness import Harness


async def test_the_reminder_is_posted_once_two_days_before_the_close(hq: Harness) -> None:
    challenge = await open_challenge(hq)
    await entry(hq, challenge, "A buddy for every starter", author=AUTHORS[0], voters=0)

    await timeline.run(hq.runtime, now=REMINDER - timedelta(minutes=1))
    assert posts(hq, "challenge-reminder") == []

    await timeline.run(hq.runtime, now=REMINDER)
    await timeline.run(hq.runtime, now=REMINDER + timedelta(minutes=5))

    [reminder] = posts(hq, "challenge-reminder")
    assert reminder["thread_ts"] == challenge.message_ts and broadcast(hq, reminder)
    assert reminder["text"].startswith("⏳ Two days left to answer")
    assert "&lt;feel&gt;" in reminder["text"] and "<feel>" not in reminder["text"]
    assert "1 idea so far. Submit yours with the button on the card." in reminder["text"]
    assert (await reload(hq, challenge.id or 0)).status == ChallengeStatus.OPEN


async def test_the_close_posts_once_and_asks_the_sponsor_with_the_top_five(hq: Harness) -> None:
    challenge = await open_challenge(hq)
    ideas = [
        await entry(hq, challenge, f"Idea number {n}", author=AUTHORS[n % 3], voters=min(n, 3))
        for n in range(6)
    ]

    await timeline.run(hq.runtime, now=CLOSE - timedelta(seconds=1))
    assert (await reload(hq, challenge.id or 0)).status == ChallengeStatus.OPEN

    await timeline.run(hq.runtime, now=CLOSE)
    await timeline.run(hq.runtime, now=CLOSE + timedelta(minutes=5))

    closed = await reload(hq, challenge.id or 0)
    assert closed.status == ChallengeStatus.CLOSED and closed.closed_at is not None
    [post] = posts(hq, "challenge-close")
    assert post["thread_ts"] == challenge.message_ts and broadcast(hq, post)
    assert "🏁" in post["text"] and "is closed: 6 ideas from 3 people." in post["text"]
    assert f"Voting on them goes on; <@{SPONSOR}> picks the winners." in post["text"]

    [dm] = dms(hq, SPONSOR, "challenge-pick")
    text = str(dm["blocks"])
    # Most votes first, the earlier idea first on a tie; the sixth is left out.
    for rank, idea in enumerate([ideas[3], ideas[4], ideas[5], ideas[2], ideas[1]], start=1):
        assert f"{rank}. <{idea.permalink}|#{idea.id} {idea.text}>" in text
    assert f"#{ideas[0].id} " not in text
    assert "3 votes from 2 departments" in text and "1 vote from 1 department" in text
    [button] = [
        element
        for block in dm["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]
    assert button["action_id"] == closing_blocks.PICK_ACTION
    assert button["value"] == str(challenge.id)
    assert dms(hq, SPONSOR, "challenge-pick-reminder") == []


async def test_no_ideas_gets_one_more_week_then_closes_quietly(hq: Harness) -> None:
    challenge = await open_challenge(hq)

    await timeline.run(hq.runtime, now=CLOSE)
    await timeline.run(hq.runtime, now=CLOSE + timedelta(minutes=5))

    extended = await reload(hq, challenge.id or 0)
    assert extended.status == ChallengeStatus.OPEN and extended.extended
    assert extended.closes_on == date(2026, 11, 27)
    [post] = posts(hq, "challenge-extend")
    assert broadcast(hq, post) and post["thread_ts"] == challenge.message_ts
    assert "No ideas yet for" in post["text"]
    assert "one more week, until Friday 27 November at 17:00" in post["text"]
    assert "the first idea could be yours" in post["text"]
    assert posts(hq, "challenge-close") == []

    week_later = CLOSE + timedelta(days=7)
    await timeline.run(hq.runtime, now=week_later)
    await timeline.run(hq.runtime, now=week_later + timedelta(minutes=5))

    ended = await reload(hq, challenge.id or 0)
    assert ended.status == ChallengeStatus.DECIDED and ended.decided_by is None
    [quiet] = posts(hq, "challenge-close")
    assert "is closed without ideas, even after one more week" in quiet["text"]
    assert len(posts(hq, "challenge-extend")) == 1
    assert dms(hq, SPONSOR, "challenge-pick") == [] and posts(hq, "challenge-winners") == []


async def test_a_slack_outage_during_the_close_is_made_up_for_once(hq: Harness) -> None:
    challenge = await open_challenge(hq)
    await entry(hq, challenge, "A buddy for every starter", author=AUTHORS[0], voters=2)
    await timeline.run(hq.runtime, now=CLOSE - timedelta(hours=1))  # lists it in the thread
    assert len(posts(hq, "challenge-entry")) == 1

    hq.fake.outage("chat.postMessage")
    report = await timeline.run(hq.runtime, now=CLOSE)
    assert "failed" in report.summary()
    assert (await reload(hq, challenge.id or 0)).status == ChallengeStatus.CLOSED
    assert posts(hq, "challenge-close") == [] and dms(hq, SPONSOR, "challenge-pick") == []

    hq.fake.clear_faults()
    # Slack takes the close post but its answer is lost: the next run finds it, not repeats it.
    hq.fake.lose_answer_next("chat.postMessage")
    before = len(hq.fake.calls_to("chat.postMessage"))
    await timeline.run(hq.runtime, now=CLOSE + timedelta(minutes=5))
    await timeline.run(hq.runtime, now=CLOSE + timedelta(minutes=10))
    await timeline.run(hq.runtime, now=CLOSE + timedelta(minutes=15))

    assert len(posts(hq, "challenge-close")) == 1
    assert len(dms(hq, SPONSOR, "challenge-pick")) == 1
    lost = hq.fake.calls_to("chat.postMessage")[before].args
    assert lost["metadata"]["event_payload"]["job"] == "challenge-close"


async def test_a_sponsor_who_left_is_replaced_by_the_theme_owner(hq: Harness) -> None:
    hq.fake.add_user(SPONSOR, deleted=True)
    challenge = await open_challenge(hq, theme_owner=OWNER)
    await entry(hq, challenge, "A buddy for every starter", author=AUTHORS[0], voters=1)

    await timeline.run(hq.runtime, now=CLOSE)

    assert dms(hq, SPONSOR, "challenge-pick") == []
    [dm] = dms(hq, OWNER, "challenge-pick")
    assert f"<@{SPONSOR}>, its sponsor, can't pick them" in str(dm["blocks"])
    [post] = posts(hq, "challenge-close")
    assert f"<@{SPONSOR}> can't pick the winners, so <@{OWNER}> will." in post["text"]


async def test_a_bot_sponsor_and_no_theme_leave_it_to_the_admins(hq: Harness) -> None:
    hq.add_people(SPONSOR, is_bot=True)
    challenge = await open_challenge(hq)
    await entry(hq, challenge, "A buddy for every starter", author=AUTHORS[0], voters=1)

    await timeline.run(hq.runtime, now=CLOSE)

    assert dms(hq, SPONSOR, "challenge-pick") == []
    assert len(dms(hq, ADMIN, "challenge-pick")) == 1


async def test_when_nobody_can_pick_the_people_choose_at_the_close(hq: Harness) -> None:
    hq.fake.add_user(SPONSOR, deleted=True)
    hq.fake.add_user(ADMIN, deleted=True)
    challenge = await open_challenge(hq)
    await entry(hq, challenge, "A buddy for every starter", author=AUTHORS[0], voters=1)

    await timeline.run(hq.runtime, now=CLOSE)

    [post] = posts(hq, "challenge-close")
    assert "The idea with the most votes will be the people's choice." in post["text"]
    [announcement] = posts(hq, "challenge-winners")
    assert announcement["text"].startswith("🏆 The people's choice for")
    assert dms(hq, ADMIN, "challenge-pick") == [] and dms(hq, SPONSOR, "challenge-pick") == []
    assert (await reload(hq, challenge.id or 0)).status == ChallengeStatus.DECIDED
