"""Changing an idea's status, its history, and who hears about it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage import anonymous
from storage.models import Idea, IdeaMute, StatusChange, VoteReaction


async def change_status(
    *,
    session: AsyncSession,
    idea_id: int,
    expected: str,
    to: str,
    reason: str,
    changed_by: str,
    owner_id: str | None,
    experiment_id: int | None = None,
) -> StatusChange | None:
    """Move the idea from `expected` to `to` and record it. None when its status was no
    longer `expected` (someone else changed it meanwhile): nothing is written."""
    values: dict[str, object] = {"status": to}
    if owner_id:
        values["owner_id"] = owner_id
    moved = await session.execute(
        sa.update(Idea)
        .where(col(Idea.id) == idea_id, col(Idea.status) == expected)
        .values(**values)
        .returning(col(Idea.id))
    )
    if moved.scalar_one_or_none() is None:
        return None
    change = StatusChange(
        idea_id=idea_id,
        changed_by=changed_by,
        from_status=expected,
        to_status=to,
        reason=reason,
        owner_id=owner_id or None,
        experiment_id=experiment_id,
    )
    session.add(change)
    await session.flush()
    return change


async def history(*, session: AsyncSession, idea_id: int) -> list[StatusChange]:
    result = await session.execute(
        select(StatusChange)
        .where(StatusChange.idea_id == idea_id)
        .order_by(col(StatusChange.created_at), col(StatusChange.id))
    )
    return list(result.scalars())


async def latest_change(*, session: AsyncSession, idea_id: int) -> StatusChange | None:
    """The idea's most recent status change, or None if it is as it was shared."""
    result = await session.execute(
        select(StatusChange)
        .where(StatusChange.idea_id == idea_id)
        .order_by(col(StatusChange.id).desc())
        .limit(1)
    )
    return result.scalars().first()


async def claim_unnotified(
    *, session: AsyncSession, change_ids: Sequence[int], now: datetime
) -> list[StatusChange]:
    """Claim the changes nobody has told people about yet; returns those this call claimed."""
    if not change_ids:
        return []
    claimed = await session.execute(
        sa.update(StatusChange)
        .where(col(StatusChange.id).in_(list(change_ids)), col(StatusChange.notified_at).is_(None))
        .values(notified_at=now)
        .returning(col(StatusChange.id))
    )
    ids = list(claimed.scalars())
    if not ids:
        return []
    result = await session.execute(
        select(StatusChange).where(col(StatusChange.id).in_(ids)).order_by(col(StatusChange.id))
    )
    return list(result.scalars())


async def audience(*, session: AsyncSession, idea_id: int) -> set[str]:
    """The author and everyone whose vote stands, minus those who muted the idea."""
    idea = await session.get(Idea, idea_id)
    if idea is None:
        return set()
    voters = await session.execute(
        select(VoteReaction.voter_id)
        .where(VoteReaction.idea_id == idea_id, col(VoteReaction.active))
        .distinct()
    )
    muted = await session.execute(select(IdeaMute.user_id).where(IdeaMute.idea_id == idea_id))
    # The real author, also of an anonymous idea: the DM is theirs alone.
    author = await anonymous.author_of(session=session, idea=idea)
    told = {author} if author else set()
    return (told | set(voters.scalars())) - set(muted.scalars())


async def mute(*, session: AsyncSession, idea_id: int, user_id: str) -> None:
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(
        insert(IdeaMute)
        .values(idea_id=idea_id, user_id=user_id)
        .on_conflict_do_nothing(index_elements=["idea_id", "user_id"])
    )


async def unmute(*, session: AsyncSession, idea_id: int, user_id: str) -> None:
    await session.execute(
        sa.delete(IdeaMute).where(
            col(IdeaMute.idea_id) == idea_id, col(IdeaMute.user_id) == user_id
        )
    )
