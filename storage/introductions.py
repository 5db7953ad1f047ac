"""Introductions between an idea's author and people who offered to help on it: the ideas
that may have one, who cannot be in one now, and the claim that makes each happen once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import Experiment, Idea, IdeaMute
from storage.team_models import HelpOffer, Introduction, IntroductionSeat
from storage.vocabulary import ANONYMOUS_AUTHOR, CLOSED_STATUSES


async def ideas_to_introduce(*, session: AsyncSession, departments: int) -> list[Idea]:
    """Posted ideas, not closed, with no experiment (whatever its status), that have standing
    offers from at least `departments` departments other than their author's; oldest first."""
    other_departments = (
        select(col(HelpOffer.idea_id))
        .join(Idea, col(Idea.id) == col(HelpOffer.idea_id))
        .where(
            col(HelpOffer.withdrawn_at).is_(None),
            col(HelpOffer.department).is_not(None),
            col(HelpOffer.department).is_distinct_from(col(Idea.author_department)),
            col(HelpOffer.helper_id) != col(Idea.author_id),
        )
        .group_by(col(HelpOffer.idea_id))
        .having(sa.func.count(sa.distinct(col(HelpOffer.department))) >= departments)
    )
    with_experiment = select(col(Experiment.idea_id)).where(col(Experiment.idea_id).is_not(None))
    result = await session.execute(
        select(Idea)
        .where(
            col(Idea.id).in_(other_departments),
            col(Idea.id).not_in(with_experiment),
            col(Idea.status).not_in(list(CLOSED_STATUSES)),
            # A group DM with its author would reveal who shared an anonymous idea.
            col(Idea.author_id) != ANONYMOUS_AUTHOR,
            col(Idea.message_ts).is_not(None),
        )
        .order_by(col(Idea.id))
    )
    return list(result.scalars())


async def seated(*, session: AsyncSession, week: str) -> set[str]:
    """Who has been in an introduction in `week`."""
    result = await session.execute(
        select(col(IntroductionSeat.user_id)).where(col(IntroductionSeat.week) == week)
    )
    return set(result.scalars())


async def muted(*, session: AsyncSession, idea_id: int) -> set[str]:
    """Who asked not to hear about the idea."""
    result = await session.execute(
        select(col(IdeaMute.user_id)).where(col(IdeaMute.idea_id) == idea_id)
    )
    return set(result.scalars())


async def introduced(*, session: AsyncSession, idea_id: int) -> set[str]:
    """The people keys (sorted ids, comma-separated) already introduced about the idea."""
    result = await session.execute(
        select(col(Introduction.people)).where(col(Introduction.idea_id) == idea_id)
    )
    return set(result.scalars())


async def claim(
    *, session: AsyncSession, idea_id: int, people: Sequence[str], week: str, now: datetime
) -> Introduction | None:
    """Take the introduction of `people` about the idea, and each person's seat for `week`,
    in one transaction: None, with everything rolled back, when these people were introduced
    about the idea before or any of them already has a seat this week (here or on another
    replica)."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    key = ",".join(sorted(people))
    inserted = await session.execute(
        insert(Introduction)
        .values(idea_id=idea_id, people=key, week=week, created_at=now)
        .on_conflict_do_nothing(index_elements=["idea_id", "people"])
        .returning(col(Introduction.id))
    )
    introduction_id = inserted.scalar_one_or_none()
    if introduction_id is None:
        await session.rollback()
        return None
    for user_id in sorted(people):
        seat = await session.execute(
            insert(IntroductionSeat)
            .values(user_id=user_id, week=week, introduction_id=introduction_id)
            .on_conflict_do_nothing(index_elements=["user_id", "week"])
            .returning(col(IntroductionSeat.id))
        )
        if seat.scalar_one_or_none() is None:
            await session.rollback()
            return None
    return await session.get(Introduction, introduction_id)


async def unsent(*, session: AsyncSession) -> list[Introduction]:
    """Introductions claimed whose message is not in Slack yet (Slack failed, or the process
    stopped), oldest first."""
    result = await session.execute(
        select(Introduction)
        .where(col(Introduction.message_ts).is_(None))
        .order_by(col(Introduction.id))
    )
    return list(result.scalars())


async def drop(*, session: AsyncSession, introduction_id: int) -> None:
    """Forget an introduction that never reached Slack in its week, with its seats: these
    people were not introduced, so they may be in a later week."""
    await session.execute(
        sa.delete(IntroductionSeat).where(col(IntroductionSeat.introduction_id) == introduction_id)
    )
    await session.execute(sa.delete(Introduction).where(col(Introduction.id) == introduction_id))


async def record_sent(
    *, session: AsyncSession, introduction_id: int, channel_id: str, message_ts: str
) -> None:
    await session.execute(
        sa.update(Introduction)
        .where(col(Introduction.id) == introduction_id)
        .values(channel_id=channel_id, message_ts=message_ts)
    )


async def idea(*, session: AsyncSession, idea_id: int) -> Idea | None:
    return await session.get(Idea, idea_id)
