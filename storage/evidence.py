"""Messages attached to ideas as evidence (**Add to an idea**). They know nothing of Slack:
callers pass plain values."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.models import utcnow
from storage.source_models import IdeaEvidence


async def attach(
    *,
    session: AsyncSession,
    idea_id: int,
    added_by: str,
    author_id: str | None,
    channel_id: str,
    message_ts: str,
    public: bool,
    quote: str,
) -> IdeaEvidence | None:
    """Store the message as evidence for the idea; None when it is attached already. One
    statement, so two submissions at once make one row."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(IdeaEvidence)
        .values(
            idea_id=idea_id,
            added_by=added_by,
            author_id=author_id,
            channel_id=channel_id,
            message_ts=message_ts,
            public=public,
            quote=quote,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["idea_id", "channel_id", "message_ts"])
        .returning(col(IdeaEvidence.id))
    )
    evidence_id = (await session.execute(statement)).scalar_one_or_none()
    if evidence_id is None:
        return None
    return await session.get(IdeaEvidence, evidence_id)


async def record_permalink(*, session: AsyncSession, evidence_id: int, permalink: str) -> None:
    await session.execute(
        sa.update(IdeaEvidence)
        .where(col(IdeaEvidence.id) == evidence_id)
        .values(permalink=permalink)
    )


async def record_reply(*, session: AsyncSession, evidence_id: int, thread_ts: str) -> None:
    """Where the quote is in the idea's thread, once it is there."""
    await session.execute(
        sa.update(IdeaEvidence)
        .where(col(IdeaEvidence.id) == evidence_id)
        .values(thread_ts=thread_ts)
    )
