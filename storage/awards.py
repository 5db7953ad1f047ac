"""What the monthly awards read and what they keep."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.ideas import as_utc
from storage.models import Award, Experiment, Idea, Learning, VoteReaction


@dataclass
class IdeaEntry:
    idea: Idea
    # voter → when their vote began (their earliest vote reaction still standing)
    voters: dict[str, datetime] = field(default_factory=dict)


async def ideas_posted_between(
    *, session: AsyncSession, start: datetime, end: datetime
) -> list[IdeaEntry]:
    """Ideas posted in [start, end), with their current voters."""
    result = await session.execute(
        select(Idea)
        .where(
            col(Idea.created_at) >= start,
            col(Idea.created_at) < end,
            col(Idea.message_ts).is_not(None),
        )
        .order_by(col(Idea.id))
    )
    entries = {idea.id: IdeaEntry(idea) for idea in result.scalars()}
    if not entries:
        return []
    votes = await session.execute(
        select(
            VoteReaction.idea_id,
            VoteReaction.voter_id,
            sa.func.min(VoteReaction.updated_at),
        )
        .where(col(VoteReaction.idea_id).in_(list(entries)), col(VoteReaction.active))
        .group_by(col(VoteReaction.idea_id), col(VoteReaction.voter_id))
    )
    for idea_id, voter_id, since in votes:
        entries[idea_id].voters[voter_id] = as_utc(since)
    return list(entries.values())


async def voters_between(*, session: AsyncSession, start: datetime, end: datetime) -> set[str]:
    """Everyone whose vote, standing now, was cast in [start, end)."""
    result = await session.execute(
        select(VoteReaction.voter_id)
        .where(
            col(VoteReaction.active),
            col(VoteReaction.updated_at) >= start,
            col(VoteReaction.updated_at) < end,
        )
        .distinct()
    )
    return set(result.scalars())


async def learnings_shared_between(
    *, session: AsyncSession, start: datetime, end: datetime
) -> list[tuple[Learning, Experiment]]:
    result = await session.execute(
        select(Learning, Experiment)
        .join(Experiment, col(Experiment.id) == col(Learning.experiment_id))
        .where(
            col(Learning.created_at) >= start,
            col(Learning.created_at) < end,
            col(Learning.message_ts).is_not(None),
        )
        .order_by(col(Learning.id))
    )
    return [(row[0], row[1]) for row in result]


async def for_period(*, session: AsyncSession, period: str) -> list[Award]:
    result = await session.execute(
        select(Award).where(Award.period == period).order_by(col(Award.category), col(Award.rank))
    )
    return list(result.scalars())


async def winner(*, session: AsyncSession, period: str, category: str) -> str | None:
    result = await session.execute(
        select(Award.winner_id).where(
            Award.period == period, Award.category == category, Award.rank == 1
        )
    )
    return result.scalars().first()


async def keep(*, session: AsyncSession, awards: Sequence[Award]) -> None:
    """Store the results once: a second computation of the same period changes nothing."""
    if not awards:
        return
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    rows = [a.model_dump(exclude={"id", "congratulated_at"}) for a in awards]
    await session.execute(
        insert(Award).on_conflict_do_nothing(index_elements=["period", "category", "rank"]),
        rows,
    )


async def claim_congratulation(*, session: AsyncSession, award_id: int, now: datetime) -> bool:
    claimed = await session.execute(
        sa.update(Award)
        .where(col(Award.id) == award_id, col(Award.congratulated_at).is_(None))
        .values(congratulated_at=now)
        .returning(col(Award.id))
    )
    return claimed.scalar_one_or_none() is not None


async def release_congratulation(*, session: AsyncSession, award_id: int) -> None:
    await session.execute(
        sa.update(Award).where(col(Award.id) == award_id).values(congratulated_at=None)
    )


async def everything(*, session: AsyncSession) -> list[Award]:
    result = await session.execute(
        select(Award).order_by(col(Award.period), col(Award.category), col(Award.rank))
    )
    return list(result.scalars())


def by_category(awards: Sequence[Award]) -> dict[str, list[Award]]:
    grouped: dict[str, list[Award]] = defaultdict(list)
    for award in awards:
        grouped[award.category].append(award)
    return grouped
