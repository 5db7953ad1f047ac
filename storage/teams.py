"""Experiment teams: who is on an experiment's team, changing it, and the experiments a person
is on. The history is the team: each person's latest change says whether they are on it. They
know nothing of Slack: callers pass plain values."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import Experiment
from storage.people import department_of
from storage.people_models import Person
from storage.team_models import TeamChange
from storage.vocabulary import ExperimentStatus


@dataclass(frozen=True)
class Member:
    """Someone on a team, with the department recorded when they joined and whether they are
    still in the workspace (`people.active`; someone never read is taken to be here)."""

    user_id: str
    department: str | None
    here: bool = True


def _latest_changes(
    experiment_ids: Iterable[int] | None = None, user_id: str | None = None
) -> sa.Subquery:
    """Each person's latest change per experiment."""
    query = select(
        col(TeamChange.experiment_id),
        col(TeamChange.user_id),
        sa.func.max(col(TeamChange.id)).label("latest_id"),
    ).group_by(col(TeamChange.experiment_id), col(TeamChange.user_id))
    if experiment_ids is not None:
        query = query.where(col(TeamChange.experiment_id).in_(set(experiment_ids)))
    if user_id is not None:
        query = query.where(col(TeamChange.user_id) == user_id)
    return query.subquery()


async def members(*, session: AsyncSession, experiment_id: int) -> list[Member]:
    """The team as it is now, in the order they joined."""
    latest = _latest_changes([experiment_id])
    result = await session.execute(
        select(TeamChange, col(Person.active))
        .join(latest, col(TeamChange.id) == latest.c.latest_id)
        .outerjoin(Person, col(Person.user_id) == col(TeamChange.user_id))
        .where(col(TeamChange.joined))
        .order_by(col(TeamChange.id))
    )
    return [
        Member(change.user_id, change.department, active is not False)
        for change, active in result.all()
    ]


async def member_ids(*, session: AsyncSession, experiment_id: int) -> list[str]:
    return [
        member.user_id for member in await members(session=session, experiment_id=experiment_id)
    ]


async def change(
    *,
    session: AsyncSession,
    experiment_id: int,
    team: Sequence[str],
    changed_by: str,
    keep_others: bool = False,
) -> list[TeamChange]:
    """Make the team `team` (with `keep_others`, add `team` to it), one row per person who
    joins or leaves, joiners with their department as it is now. The experiment's row is
    locked first, so two changes at once make no change twice (PostgreSQL; SQLite writes one
    at a time)."""
    await session.execute(
        select(col(Experiment.id)).where(col(Experiment.id) == experiment_id).with_for_update()
    )
    now = await member_ids(session=session, experiment_id=experiment_id)
    wanted = list(dict.fromkeys(team))
    changes = [
        TeamChange(
            experiment_id=experiment_id,
            user_id=user_id,
            joined=True,
            department=await department_of(session=session, user_id=user_id),
            changed_by=changed_by,
        )
        for user_id in wanted
        if user_id not in now
    ]
    if not keep_others:
        changes += [
            TeamChange(
                experiment_id=experiment_id, user_id=user_id, joined=False, changed_by=changed_by
            )
            for user_id in now
            if user_id not in wanted
        ]
    session.add_all(changes)
    await session.flush()
    return changes


async def running_for_idea(*, session: AsyncSession, idea_id: int) -> Experiment | None:
    """The idea's running experiment, the latest started if there are several."""
    result = await session.execute(
        select(Experiment)
        .where(
            col(Experiment.idea_id) == idea_id,
            col(Experiment.status) == ExperimentStatus.RUNNING,
        )
        .order_by(col(Experiment.id).desc())
        .limit(1)
    )
    return result.scalar_one_or_none()


def experiment_ids_of(user_id: str) -> sa.Select:
    """The experiments `user_id` is on the team of now, as a subquery for `in_`."""
    latest = _latest_changes(user_id=user_id)
    return (
        select(col(TeamChange.experiment_id))
        .join(latest, col(TeamChange.id) == latest.c.latest_id)
        .where(col(TeamChange.joined))
    )
