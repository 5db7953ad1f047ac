"""Exploration check-ins: claiming one question per person per ISO week, their answers, and
the share of people who got their protected time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage import teams
from storage.models import Experiment, ExperimentUpdate
from storage.people_models import ExplorationCheckin, Person
from storage.vocabulary import ExperimentStatus

# Answers of 2 hours or more: the person got their protected time.
PROTECTED_ANSWERS = ("2_4h", "more")


async def protected_by_department(
    *, session: AsyncSession, start: datetime, end: datetime
) -> dict[str | None, tuple[int, int, int]]:
    """Department (as recorded when the person was asked; None: not known) → (check-ins,
    answered, answered 2 hours or more), over the check-ins whose ISO week began in
    [start, end). Each check-in is one person in one week: someone asked in four weeks of a
    month counts four times, so the share is that of person-weeks with protected time. Only
    answers count towards it: a question left unanswered says nothing about the week."""
    first, last = _week_key(start), _week_key(end)
    protected = sa.case((col(ExplorationCheckin.answer).in_(PROTECTED_ANSWERS), 1), else_=0)
    answered = sa.case((col(ExplorationCheckin.answer).is_not(None), 1), else_=0)
    result = await session.execute(
        select(
            col(ExplorationCheckin.department),
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(answered), 0),
            sa.func.coalesce(sa.func.sum(protected), 0),
        )
        .where(col(ExplorationCheckin.week) >= first, col(ExplorationCheckin.week) < last)
        .group_by(col(ExplorationCheckin.department))
    )
    return {
        department: (int(asked), int(answers), int(got))
        for department, asked, answers, got in result.all()
    }


def _week_key(moment: datetime) -> str:
    """The first ISO week whose Monday is at or after `moment`. Keys (`2026-W05`) sort as
    the weeks do. A Monday is taken at noon UTC, so that a period starting at midnight in any
    timezone from UTC-12 to UTC+12 holds exactly the weeks whose Monday is one of its days."""
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    day = moment.date()
    monday = day + timedelta(days=(7 - day.weekday()) % 7)
    if _noon(monday) < moment:
        monday += timedelta(days=7)
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


async def asked_in(*, session: AsyncSession, week: str) -> set[str]:
    """Who has been asked in `week`."""
    result = await session.execute(
        select(col(ExplorationCheckin.user_id)).where(col(ExplorationCheckin.week) == week)
    )
    return set(result.scalars())


async def claim(*, session: AsyncSession, user_id: str, week: str, now: datetime) -> int | None:
    """Take the right to ask `user_id` this week, recording their department as the people
    table has it now; the check-in's id, or None when someone already asked them."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    department = (
        select(col(Person.department)).where(col(Person.user_id) == user_id).scalar_subquery()
    )
    claimed = await session.execute(
        insert(ExplorationCheckin)
        .values(user_id=user_id, week=week, department=department, asked_at=now)
        .on_conflict_do_nothing(index_elements=["user_id", "week"])
        .returning(col(ExplorationCheckin.id))
    )
    return claimed.scalar_one_or_none()


async def release(*, session: AsyncSession, checkin_id: int) -> None:
    """The question did not reach them: the next run asks again."""
    await session.execute(
        sa.delete(ExplorationCheckin).where(col(ExplorationCheckin.id) == checkin_id)
    )


async def record_question(
    *, session: AsyncSession, checkin_id: int, channel_id: str, message_ts: str
) -> None:
    await session.execute(
        sa.update(ExplorationCheckin)
        .where(col(ExplorationCheckin.id) == checkin_id)
        .values(channel_id=channel_id, message_ts=message_ts)
    )


async def checkin(*, session: AsyncSession, user_id: str, week: str) -> ExplorationCheckin | None:
    result = await session.execute(
        select(ExplorationCheckin).where(
            col(ExplorationCheckin.user_id) == user_id, col(ExplorationCheckin.week) == week
        )
    )
    return result.scalar_one_or_none()


async def record_answer(
    *, session: AsyncSession, checkin_id: int, answer: str, now: datetime
) -> None:
    """Store the answer; the same answer again changes nothing, not even when it was given."""
    await session.execute(
        sa.update(ExplorationCheckin)
        .where(
            col(ExplorationCheckin.id) == checkin_id,
            sa.or_(
                col(ExplorationCheckin.answer).is_(None), col(ExplorationCheckin.answer) != answer
            ),
        )
        .values(answer=answer, answered_at=now)
    )


async def record_experiment(
    *, session: AsyncSession, checkin_id: int, experiment_id: int | None
) -> None:
    await session.execute(
        sa.update(ExplorationCheckin)
        .where(col(ExplorationCheckin.id) == checkin_id)
        .values(experiment_id=experiment_id)
    )


async def running_experiments_of(*, session: AsyncSession, user_id: str) -> list[Experiment]:
    """Running experiments `user_id` owns, is on the team of or has posted an update on,
    newest first."""
    updated = select(col(ExperimentUpdate.experiment_id)).where(
        col(ExperimentUpdate.author_id) == user_id
    )
    result = await session.execute(
        select(Experiment)
        .where(
            col(Experiment.status) == ExperimentStatus.RUNNING,
            sa.or_(
                col(Experiment.owner_id) == user_id,
                col(Experiment.id).in_(updated),
                col(Experiment.id).in_(teams.experiment_ids_of(user_id)),
            ),
        )
        .order_by(col(Experiment.id).desc())
    )
    return list(result.scalars())
