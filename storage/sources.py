"""Service functions for the messages ideas were saved from (`IdeaSource`). They know nothing
of Slack: callers pass plain values."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import Idea
from storage.source_models import IdeaSource
from storage.vocabulary import SourceKind

# `reply_ts` of a source whose thread reply was claimed: by a worker about to post it, or
# for good when it was not posted (not a member, a direct message, Slack refused it).
REPLY_CLAIMED = "-"


@dataclass(frozen=True)
class ShownSource:
    """What an idea's post may say about the message it came from: a private one is shown
    with no channel, link or author."""

    public: bool
    channel_id: str
    permalink: str | None = None
    author_id: str | None = None


async def add_source(
    *,
    session: AsyncSession,
    idea_id: int,
    kind: str,
    channel_id: str,
    message_ts: str,
    thread_ts: str | None,
    author_id: str | None,
    permalink: str | None,
    public: bool,
    channel_name: str | None,
) -> None:
    """Record the message an idea was saved from, in the session that stores the idea. A kind
    the form does not offer (only a forged form sends one) is stored as a colleague's."""
    session.add(
        IdeaSource(
            idea_id=idea_id,
            kind=kind if kind in set(SourceKind) else SourceKind.COLLEAGUE,
            channel_id=channel_id,
            message_ts=message_ts,
            thread_ts=thread_ts,
            author_id=author_id,
            permalink=permalink,
            public=public,
            channel_name=channel_name,
        )
    )
    await session.flush()


async def shown_source(
    *, session: AsyncSession, idea_id: int, hidden: bool = False
) -> ShownSource | None:
    """What the idea's post shows of its source; `hidden` shows it as private whatever it is."""
    source = await session.get(IdeaSource, idea_id)
    if source is None:
        return None
    if hidden or not source.public:
        return ShownSource(public=False, channel_id=source.channel_id)
    return ShownSource(
        public=True,
        channel_id=source.channel_id,
        permalink=source.permalink,
        author_id=source.author_id,
    )


async def idea_posted_as(*, session: AsyncSession, channel_id: str, message_ts: str) -> Idea | None:
    """The idea whose post is this message, if it is one."""
    result = await session.execute(
        select(Idea).where(col(Idea.channel_id) == channel_id, col(Idea.message_ts) == message_ts)
    )
    return result.scalars().first()


async def ideas_saved_from(
    *, session: AsyncSession, channel_id: str, message_ts: str
) -> list[Idea]:
    """The ideas saved from this message, oldest first."""
    result = await session.execute(
        select(Idea)
        .join(IdeaSource, col(IdeaSource.idea_id) == col(Idea.id))
        .where(col(IdeaSource.channel_id) == channel_id, col(IdeaSource.message_ts) == message_ts)
        .order_by(col(Idea.id))
    )
    return list(result.scalars().all())


async def awaiting_reply(*, session: AsyncSession, idea_id: int) -> tuple[Idea, IdeaSource] | None:
    """The idea, if it is posted and was saved from a message whose thread reply about it
    nobody has claimed yet, with that message."""
    result = await session.execute(
        select(Idea, IdeaSource)
        .join(IdeaSource, col(IdeaSource.idea_id) == col(Idea.id))
        .where(
            col(Idea.id) == idea_id,
            col(IdeaSource.reply_ts).is_(None),
            col(Idea.message_ts).is_not(None),
        )
    )
    row = result.first()
    return (row[0], row[1]) if row is not None else None


async def claim_reply(*, session: AsyncSession, idea_id: int) -> bool:
    """Claim the right to reply about this idea in its source's thread: exactly one caller
    gets True, however many replicas try, and none ever again."""
    claimed = await session.execute(
        sa.update(IdeaSource)
        .where(col(IdeaSource.idea_id) == idea_id, col(IdeaSource.reply_ts).is_(None))
        .values(reply_ts=REPLY_CLAIMED)
        .returning(col(IdeaSource.idea_id))
    )
    return claimed.scalar_one_or_none() is not None


async def record_reply(*, session: AsyncSession, idea_id: int, reply_ts: str) -> None:
    await session.execute(
        sa.update(IdeaSource).where(col(IdeaSource.idea_id) == idea_id).values(reply_ts=reply_ts)
    )
