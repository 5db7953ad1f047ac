"""What the App Home shows: a person's experiments and the review queue (the month's numbers
are `storage.numbers`)."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage import teams
from storage.models import Experiment, Idea
from storage.vocabulary import WAITING_FOR_REVIEW, ExperimentStatus


async def running_experiments_of(*, session: AsyncSession, owner_id: str) -> list[Experiment]:
    """Running experiments `owner_id` owns or is on the team of, ending soonest first."""
    result = await session.execute(
        select(Experiment)
        .where(
            sa.or_(
                col(Experiment.owner_id) == owner_id,
                col(Experiment.id).in_(teams.experiment_ids_of(owner_id)),
            ),
            col(Experiment.status) == ExperimentStatus.RUNNING,
        )
        .order_by(col(Experiment.ends_on), col(Experiment.id))
    )
    return list(result.scalars())


async def review_queue(
    *, session: AsyncSession, offset: int, limit: int, theme_ids: Iterable[int] | None = None
) -> tuple[list[Idea], int]:
    """Posted ideas waiting for a decision (only those in `theme_ids`, when given), oldest
    first, one page; and how many in all."""
    waiting = [col(Idea.status).in_(WAITING_FOR_REVIEW), col(Idea.message_ts).is_not(None)]
    if theme_ids is not None:
        waiting.append(col(Idea.theme_id).in_(set(theme_ids)))
    total = await session.execute(select(sa.func.count()).select_from(Idea).where(*waiting))
    page = await session.execute(
        select(Idea)
        .where(*waiting)
        .order_by(col(Idea.created_at), col(Idea.id))
        .offset(offset)
        .limit(limit)
    )
    return list(page.scalars()), int(total.scalar_one())
