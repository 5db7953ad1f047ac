"""What the tests of a challenge's end share: the bot, an open challenge with its card,
ideas submitted to it with votes, and where its claimed posts are."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from itertools import count

import sqlalchemy as sa
from sqlmodel import col

from bot.people import service as people
from storage import challenges, themes, votes
from storage.models import Challenge, Idea
from storage.vocabulary import ChallengeStatus
from storage.votes import ReactionChange
from tests.harness import ADMIN, IDEAS_CHANNEL, Harness, start_harness

SPONSOR, OWNER, STRANGER = "U0SPONS01", "U0OWNER01", "U0STRANG1"
AUTHORS = ("U0AUTHOR1", "U0AUTHOR2", "U0AUTHOR3")
TITLES = {"U0VOTER01": "Engineering", "U0VOTER02": "engineering", "U0VOTER03": "Sales"}
VOTERS = tuple(TITLES)
QUESTION = "How might we make a new starter's first week <feel> like home?"
OPENS, CLOSES = date(2026, 11, 2), date(2026, 11, 20)
# 17:00 in Paris on the closing day.
CLOSE = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
REMINDER = datetime(2026, 11, 18, 8, 0, tzinfo=UTC)  # 09:00 in Paris
_event_ts = count(1)


@asynccontextmanager
async def headquarters(migrated_url: str) -> AsyncIterator[Harness]:
    """The bot in Paris time, with an admin, a sponsor, authors and voters from two
    departments."""
    harness, close = await start_harness(
        migrated_url, ADMIN_USER_IDS=ADMIN, TIMEZONE="Europe/Paris"
    )
    harness.add_people(SPONSOR, OWNER, STRANGER, ADMIN, *AUTHORS)
    for voter, title in TITLES.items():
        harness.fake.add_user(voter, title=title)
    # Votes record the department their voter has in `people` when they vote.
    await people.refresh(harness.runtime, now=datetime.now(UTC))
    try:
        yield harness
    finally:
        await close()


async def open_challenge(
    h: Harness, *, sponsor: str = SPONSOR, theme_owner: str | None = None
) -> Challenge:
    """An open challenge whose card is in the ideas channel, as if it had just opened."""
    card = await h.runtime.client.chat_postMessage(channel=IDEAS_CHANNEL, text="The card")
    async with h.db.session() as session:
        theme_id = None
        if theme_owner is not None:
            theme = await themes.create_theme(
                session=session,
                name="Customer love",
                vision="Customers stay because they love us.",
                owner_id=theme_owner,
                emoji="heart",
                created_by=ADMIN,
            )
            theme_id = theme.id
        challenge = await challenges.create_challenge(
            session=session,
            question=QUESTION,
            why="People who feel at home stay.",
            judged_by="Votes and the sponsor",
            theme_id=theme_id,
            sponsor_id=sponsor,
            opens_on=OPENS,
            closes_on=CLOSES,
            target_channel=IDEAS_CHANNEL,
            created_by=ADMIN,
        )
        await challenges.update(
            session=session,
            challenge_id=challenge.id or 0,
            status=ChallengeStatus.OPEN,
            channel_id=IDEAS_CHANNEL,
            message_ts=card["ts"],
            permalink="https://fake-slack.test/card",
        )
    return await reload(h, challenge.id or 0)


async def reload(h: Harness, challenge_id: int) -> Challenge:
    async with h.db.session() as session:
        challenge = await session.get(Challenge, challenge_id, populate_existing=True)
    assert challenge is not None
    return challenge


async def entry(h: Harness, challenge: Challenge, text: str, *, author: str, voters: int) -> Idea:
    """An idea shared with `/idea`, submitted to the challenge, with its first `voters` votes."""
    idea = await h.share_idea(text, author=author)
    async with h.db.session() as session:
        await session.execute(
            sa.update(Idea).where(col(Idea.id) == idea.id).values(challenge_id=challenge.id)
        )
        await votes.apply_reactions(
            session=session,
            changes=[
                ReactionChange(idea.id or 0, voter, "+1", True, f"1700000000.{next(_event_ts):06d}")
                for voter in VOTERS[:voters]
            ],
        )
    return idea


def posts(h: Harness, job: str, channel: str = IDEAS_CHANNEL) -> list[dict]:
    """What is in `channel` (threads included) for the claimed posts of `job`."""
    return [
        message
        for message in h.fake.messages(channel)
        if ((message.get("metadata") or {}).get("event_payload") or {}).get("job") == job
    ]


def dms(h: Harness, person: str, job: str) -> list[dict]:
    return posts(h, job, channel="D" + person[1:])


def broadcast(h: Harness, message: dict) -> bool:
    """Whether the post was asked to show in the channel too."""
    [call] = [
        c for c in h.fake.calls_to("chat.postMessage") if c.args.get("text") == message["text"]
    ]
    return call.args.get("reply_broadcast") in (True, "true", "1", 1)
