"""Service functions for experiments, their updates and learnings."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.claim_models import LearningPrompt
from storage.ideas import as_utc
from storage.models import Experiment, ExperimentUpdate, Learning, utcnow
from storage.vocabulary import ExperimentStatus


async def create_experiment(
    *,
    session: AsyncSession,
    hypothesis: str,
    metric: str,
    owner_id: str,
    started_by: str,
    ends_on: date,
    idea_id: int | None = None,
) -> Experiment:
    experiment = Experiment(
        idea_id=idea_id,
        hypothesis=hypothesis,
        metric=metric,
        owner_id=owner_id,
        started_by=started_by,
        ends_on=ends_on,
    )
    session.add(experiment)
    await session.flush()
    return experiment


async def get_experiment(*, session: AsyncSession, experiment_id: int) -> Experiment | None:
    return await session.get(Experiment, experiment_id)


async def record_card(
    *,
    session: AsyncSession,
    experiment_id: int,
    channel_id: str,
    message_ts: str,
    permalink: str | None,
) -> None:
    await session.execute(
        sa.update(Experiment)
        .where(col(Experiment.id) == experiment_id)
        .values(channel_id=channel_id, message_ts=message_ts, permalink=permalink)
    )


async def running_on_idea(*, session: AsyncSession, idea_id: int) -> int:
    """How many experiments on the idea are running."""
    result = await session.execute(
        sa.select(sa.func.count())
        .select_from(Experiment)
        .where(
            col(Experiment.idea_id) == idea_id, col(Experiment.status) == ExperimentStatus.RUNNING
        )
    )
    return int(result.scalar_one())


async def add_update(
    *, session: AsyncSession, experiment_id: int, author_id: str, text: str
) -> ExperimentUpdate:
    update = ExperimentUpdate(experiment_id=experiment_id, author_id=author_id, text=text)
    session.add(update)
    await session.flush()
    return update


async def record_update_post(*, session: AsyncSession, update_id: int, message_ts: str) -> None:
    await session.execute(
        sa.update(ExperimentUpdate)
        .where(col(ExperimentUpdate.id) == update_id)
        .values(message_ts=message_ts)
    )


async def conclude(
    *,
    session: AsyncSession,
    experiment_id: int,
    outcome: str,
    learned: str,
    next_step: str,
    author_id: str,
) -> Learning | None:
    """Conclude a running experiment with its learning. None when it was not running (a
    second click, or two people concluding at once): exactly one learning is kept."""
    concluded = await session.execute(
        sa.update(Experiment)
        .where(
            col(Experiment.id) == experiment_id, col(Experiment.status) == ExperimentStatus.RUNNING
        )
        .values(status=ExperimentStatus.CONCLUDED, concluded_at=utcnow())
        .returning(col(Experiment.id))
    )
    if concluded.scalar_one_or_none() is None:
        return None
    learning = Learning(
        experiment_id=experiment_id,
        outcome=outcome,
        learned=learned,
        next_step=next_step,
        author_id=author_id,
    )
    session.add(learning)
    await session.flush()
    return learning


async def cancel(*, session: AsyncSession, experiment_id: int) -> Experiment | None:
    """Cancel a running experiment: no learning is expected and no prompt is sent for it.
    None when it was not running (already concluded or cancelled)."""
    cancelled = await session.execute(
        sa.update(Experiment)
        .where(
            col(Experiment.id) == experiment_id, col(Experiment.status) == ExperimentStatus.RUNNING
        )
        .values(status=ExperimentStatus.CANCELLED, concluded_at=utcnow())
        .returning(col(Experiment.id))
    )
    if cancelled.scalar_one_or_none() is None:
        return None
    return await session.get(Experiment, experiment_id, populate_existing=True)


async def record_learning_post(
    *,
    session: AsyncSession,
    learning_id: int,
    channel_id: str,
    message_ts: str,
    permalink: str | None,
) -> None:
    await session.execute(
        sa.update(Learning)
        .where(col(Learning.id) == learning_id)
        .values(channel_id=channel_id, message_ts=message_ts, permalink=permalink)
    )


async def learning_for(*, session: AsyncSession, experiment_id: int) -> Learning | None:
    result = await session.execute(select(Learning).where(Learning.experiment_id == experiment_id))
    return result.scalars().first()


async def awaiting_learning(
    *, session: AsyncSession, ended_before: date, owner_id: str | None = None
) -> list[Experiment]:
    """Running experiments whose end date is before `ended_before` (one owner's, if given)."""
    query = select(Experiment).where(
        col(Experiment.status) == ExperimentStatus.RUNNING, col(Experiment.ends_on) < ended_before
    )
    if owner_id is not None:
        query = query.where(col(Experiment.owner_id) == owner_id)
    result = await session.execute(query.order_by(col(Experiment.id)))
    return list(result.scalars())


async def sent_prompts(*, session: AsyncSession, experiment_id: int) -> dict[str, datetime]:
    """Slot → when it was claimed, for every prompt of the experiment."""
    result = await session.execute(
        select(LearningPrompt.slot, LearningPrompt.claimed_at).where(
            LearningPrompt.experiment_id == experiment_id
        )
    )
    return {slot: as_utc(claimed) for slot, claimed in result}


async def claim_prompt(
    *, session: AsyncSession, experiment_id: int, slot: str, now: datetime
) -> int | None:
    """Claim one prompt; the id of the claim, or None when someone already has it."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    claimed = await session.execute(
        insert(LearningPrompt)
        .values(experiment_id=experiment_id, slot=slot, claimed_at=now)
        .on_conflict_do_nothing(index_elements=["experiment_id", "slot"])
        .returning(col(LearningPrompt.id))
    )
    return claimed.scalar_one_or_none()


async def mark_prompt_sent(
    *, session: AsyncSession, prompt_id: int, message_ts: str, now: datetime
) -> None:
    await session.execute(
        sa.update(LearningPrompt)
        .where(col(LearningPrompt.id) == prompt_id)
        .values(sent_at=now, message_ts=message_ts)
    )


async def release_prompt(*, session: AsyncSession, prompt_id: int) -> None:
    """The DM did not go out: free the slot so the next run tries again."""
    await session.execute(sa.delete(LearningPrompt).where(col(LearningPrompt.id) == prompt_id))


async def snooze(*, session: AsyncSession, experiment_id: int, until: datetime) -> None:
    await session.execute(
        sa.update(Experiment).where(col(Experiment.id) == experiment_id).values(snoozed_until=until)
    )


async def without_card(*, session: AsyncSession) -> list[Experiment]:
    """Running experiments whose card is not in Slack yet."""
    result = await session.execute(
        select(Experiment)
        .where(
            col(Experiment.status) == ExperimentStatus.RUNNING, col(Experiment.message_ts).is_(None)
        )
        .order_by(col(Experiment.id))
    )
    return list(result.scalars())


async def unposted_updates(*, session: AsyncSession) -> list[tuple[Experiment, ExperimentUpdate]]:
    """Updates not in Slack yet, on experiments whose card is: oldest first."""
    result = await session.execute(
        select(Experiment, ExperimentUpdate)
        .join(ExperimentUpdate, col(ExperimentUpdate.experiment_id) == col(Experiment.id))
        .where(col(ExperimentUpdate.message_ts).is_(None), col(Experiment.message_ts).isnot(None))
        .order_by(col(ExperimentUpdate.id))
    )
    return [(row[0], row[1]) for row in result]


async def unposted_learnings(*, session: AsyncSession) -> list[tuple[Experiment, Learning]]:
    """Learnings whose card is not in Slack yet: oldest first."""
    result = await session.execute(
        select(Experiment, Learning)
        .join(Learning, col(Learning.experiment_id) == col(Experiment.id))
        .where(col(Learning.message_ts).is_(None))
        .order_by(col(Learning.id))
    )
    return [(row[0], row[1]) for row in result]


async def started_between(
    *, session: AsyncSession, start: datetime, end: datetime
) -> list[Experiment]:
    result = await session.execute(
        select(Experiment)
        .where(col(Experiment.created_at) >= start, col(Experiment.created_at) < end)
        .order_by(col(Experiment.id))
    )
    return list(result.scalars())


async def running(*, session: AsyncSession) -> list[Experiment]:
    result = await session.execute(
        select(Experiment)
        .where(col(Experiment.status) == ExperimentStatus.RUNNING)
        .order_by(col(Experiment.ends_on), col(Experiment.id))
    )
    return list(result.scalars())


async def concluded_between(
    *, session: AsyncSession, start: datetime, end: datetime
) -> list[tuple[Experiment, Learning]]:
    result = await session.execute(
        select(Experiment, Learning)
        .join(Learning, col(Learning.experiment_id) == col(Experiment.id))
        .where(col(Experiment.concluded_at) >= start, col(Experiment.concluded_at) < end)
        .order_by(col(Experiment.concluded_at))
    )
    return [(row[0], row[1]) for row in result]
