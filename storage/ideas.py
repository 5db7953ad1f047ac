"""Service functions for ideas. They know nothing of Slack: callers pass plain values."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage import anonymous
from storage.duplicates import standing_mark
from storage.models import Challenge, Idea, Theme, utcnow
from storage.people import department_of
from storage.sources import ShownSource, shown_source
from storage.vocabulary import ANONYMOUS_AUTHOR, DUPLICATE
from storage.votes import vote_counts

# A post claim older than this belongs to a worker that died mid-post; it may be taken over.
STALE_POST_CLAIM = timedelta(minutes=2)


async def create_idea(
    *,
    session: AsyncSession,
    author_id: str,
    text: str,
    problem: str | None = None,
    details: str | None = None,
    theme_id: int | None = None,
    challenge_id: int | None = None,
) -> Idea:
    """Store an idea before anything is posted, so a Slack failure cannot lose it. It records
    its author's department as it is now; an author not in `people` yet gets none, filled in
    once they are looked up (`storage.people.backfill`)."""
    idea = Idea(
        author_id=author_id,
        author_department=await department_of(session=session, user_id=author_id),
        text=text,
        problem=problem or None,
        details=details or None,
        theme_id=theme_id,
        challenge_id=challenge_id,
    )
    session.add(idea)
    await session.flush()
    return idea


async def get_idea(*, session: AsyncSession, idea_id: int) -> Idea | None:
    return await session.get(Idea, idea_id)


async def claim_post(*, session: AsyncSession, idea_id: int, now: datetime | None = None) -> bool:
    """Claim the right to post an unposted idea. Exactly one concurrent caller gets True.

    A claim left by a worker that died mid-post goes stale after `STALE_POST_CLAIM`
    and can then be claimed again.
    """
    now = now or utcnow()
    claimed = await session.execute(
        sa.update(Idea)
        .where(
            col(Idea.id) == idea_id,
            col(Idea.message_ts).is_(None),
            sa.or_(
                col(Idea.post_claimed_at).is_(None),
                col(Idea.post_claimed_at) < now - STALE_POST_CLAIM,
            ),
        )
        .values(post_claimed_at=now)
        .returning(col(Idea.id))
    )
    return claimed.scalar_one_or_none() is not None


async def record_post(
    *, session: AsyncSession, idea_id: int, channel_id: str, message_ts: str
) -> None:
    """Remember where the idea was posted; from now on it is never posted again."""
    await session.execute(
        sa.update(Idea)
        .where(col(Idea.id) == idea_id)
        .values(
            channel_id=channel_id,
            message_ts=message_ts,
            posted_at=utcnow(),
            post_claimed_at=None,
            post_error=None,
        )
    )


async def record_permalink(*, session: AsyncSession, idea_id: int, permalink: str) -> None:
    await session.execute(
        sa.update(Idea).where(col(Idea.id) == idea_id).values(permalink=permalink)
    )


async def record_post_failure(*, session: AsyncSession, idea_id: int, error: str) -> None:
    """Release the claim and keep the reason, so the post can be retried later."""
    await session.execute(
        sa.update(Idea)
        .where(col(Idea.id) == idea_id, col(Idea.message_ts).is_(None))
        .values(post_claimed_at=None, post_error=error[:200])
    )


async def unposted_ideas(
    *, session: AsyncSession, author_id: str | None = None, except_errors: Iterable[str] = ()
) -> list[Idea]:
    """Ideas stored but not (yet) in Slack, oldest first; one author's when given (also
    those they shared anonymously). Ideas
    whose last post failed with one of `except_errors` are left out."""
    query = select(Idea).where(col(Idea.message_ts).is_(None)).order_by(col(Idea.id))
    if skipped := list(except_errors):
        query = query.where(
            sa.or_(col(Idea.post_error).is_(None), col(Idea.post_error).not_in(skipped))
        )
    if author_id is not None:
        query = query.where(anonymous.written_by(author_id))
    return list((await session.execute(query)).scalars())


@dataclass(frozen=True)
class IdeaRow:
    """One idea as exported."""

    id: int
    text: str
    problem: str | None
    details: str | None
    author_id: str
    votes: int
    status: str
    created_at: datetime
    permalink: str | None
    channel_id: str | None
    message_ts: str | None
    # Where the idea points: its theme (by name too, as it is now) and its challenge.
    theme_id: int | None = None
    theme: str | None = None
    challenge_id: int | None = None
    challenge_won_at: datetime | None = None


async def export_rows(*, session: AsyncSession) -> list[IdeaRow]:
    """Every idea, oldest first, with its vote count."""
    ideas = list((await session.execute(select(Idea).order_by(col(Idea.id)))).scalars())
    counts = await vote_counts(session=session, idea_ids=[idea.id for idea in ideas if idea.id])
    theme_ids = {idea.theme_id for idea in ideas if idea.theme_id}
    names = {
        theme.id: theme.name
        for theme in (
            await session.execute(select(Theme).where(col(Theme.id).in_(theme_ids)))
        ).scalars()
    }
    return [
        IdeaRow(
            id=idea.id or 0,
            text=idea.text,
            problem=idea.problem,
            details=idea.details,
            author_id=idea.author_id,
            votes=counts.get(idea.id or 0, 0),
            status=idea.status,
            created_at=as_utc(idea.created_at),
            permalink=idea.permalink,
            channel_id=idea.channel_id,
            message_ts=idea.message_ts,
            theme_id=idea.theme_id,
            theme=names.get(idea.theme_id) if idea.theme_id else None,
            challenge_id=idea.challenge_id,
            challenge_won_at=as_utc(idea.challenge_won_at) if idea.challenge_won_at else None,
        )
        for idea in ideas
    ]


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything Lightbulb stores is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class IdeaPlace:
    """What an idea points at, as its post shows it."""

    theme: str | None = None
    theme_emoji: str | None = None
    theme_archived: bool = False
    challenge_id: int | None = None
    challenge: str | None = None  # the question
    challenge_link: str | None = None
    duplicate_of: int | None = None  # the idea it duplicates, while it is a duplicate
    duplicate_link: str | None = None
    source: ShownSource | None = None  # the message it was saved from (Save as idea)


async def place_of(*, session: AsyncSession, idea: Idea) -> IdeaPlace:
    theme = await session.get(Theme, idea.theme_id) if idea.theme_id else None
    challenge = await session.get(Challenge, idea.challenge_id) if idea.challenge_id else None
    mark = (
        await standing_mark(session=session, idea_id=idea.id or 0)
        if idea.status == DUPLICATE
        else None
    )
    original = await session.get(Idea, mark.duplicate_of) if mark else None
    return IdeaPlace(
        theme=theme.name if theme else None,
        theme_emoji=theme.emoji if theme else None,
        theme_archived=bool(theme and theme.archived_at),
        challenge_id=challenge.id if challenge else None,
        challenge=challenge.question if challenge else None,
        challenge_link=challenge.permalink if challenge else None,
        duplicate_of=original.id if original else None,
        duplicate_link=original.permalink if original else None,
        # An anonymous idea's source says no more than "a private conversation": its link
        # and its author could tell who shared it.
        source=await shown_source(
            session=session, idea_id=idea.id or 0, hidden=idea.author_id == ANONYMOUS_AUTHOR
        ),
    )
