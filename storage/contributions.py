"""Who stands behind an idea beyond voting, as the Cross-functional spark counts them: the
people whose offer of help stands, the current team of each experiment testing it, and each
such experiment's owner (a cancelled experiment's people count no more).

Few ideas have any, so they are read whole and weighed exactly (see `bot.awards.weighing`),
next to the ceilings the votes give every other idea."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import Experiment, Idea, VoteReaction
from storage.people_models import Person
from storage.team_models import HelpOffer, TeamChange
from storage.vocabulary import ExperimentStatus


async def spark_departments(
    *, session: AsyncSession, start: datetime, end: datetime
) -> dict[int, set[str]]:
    """The ideas posted in [start, end) with a standing offer of help or an experiment, each
    with the distinct departments of its helpers (as recorded when they offered), its teams'
    current members (as recorded when they joined), its experiments' owners (as stored for
    them now) and its voters (each in the department of their first standing reaction).
    Unknown departments count nowhere."""
    posted = select(col(Idea.id)).where(
        col(Idea.created_at) >= start,
        col(Idea.created_at) < end,
        col(Idea.message_ts).is_not(None),
    )
    # The union's columns take these names.
    offers = sa.select(col(HelpOffer.idea_id), col(HelpOffer.department)).where(
        col(HelpOffer.idea_id).in_(posted), col(HelpOffer.withdrawn_at).is_(None)
    )
    # A person is on a team while their latest change to it says they joined.
    latest = select(sa.func.max(col(TeamChange.id))).group_by(
        col(TeamChange.experiment_id), col(TeamChange.user_id)
    )
    members = (
        sa.select(col(Experiment.idea_id), col(TeamChange.department))
        .join(Experiment, col(Experiment.id) == col(TeamChange.experiment_id))
        .where(
            col(Experiment.idea_id).in_(posted),
            col(Experiment.status) != ExperimentStatus.CANCELLED,
            col(TeamChange.id).in_(latest),
            col(TeamChange.joined) == sa.true(),
        )
    )
    owners = (
        sa.select(col(Experiment.idea_id), col(Person.department))
        .outerjoin(Person, col(Person.user_id) == col(Experiment.owner_id))
        .where(
            col(Experiment.idea_id).in_(posted),
            col(Experiment.status) != ExperimentStatus.CANCELLED,
        )
    )
    contributed = sa.union_all(offers, members, owners).cte("contributed")
    # Each voter once, in the department of their first standing reaction, as the tallies.
    nth = sa.func.row_number().over(
        partition_by=(col(VoteReaction.idea_id), col(VoteReaction.voter_id)),
        order_by=(col(VoteReaction.updated_at), col(VoteReaction.voter_department)),
    )
    firsts = (
        select(
            col(VoteReaction.idea_id).label("idea_id"),
            col(VoteReaction.voter_department).label("department"),
            nth.label("nth"),
        )
        .where(
            col(VoteReaction.idea_id).in_(select(contributed.c.idea_id)),
            col(VoteReaction.active) == sa.true(),
        )
        .subquery("firsts")
    )
    everyone = sa.union(
        select(contributed.c.idea_id, contributed.c.department),
        select(firsts.c.idea_id, firsts.c.department).where(firsts.c.nth == 1),
    )
    departments: dict[int, set[str]] = {}
    for idea_id, department in await session.execute(everyone):
        found = departments.setdefault(idea_id, set())
        if department is not None:
            found.add(department)
    return departments
