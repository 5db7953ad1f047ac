"""The programme's numbers, counted by the database: every query is one aggregate over the
stored facts of a period (the department recorded on each idea and vote, the status history,
experiments and their learnings), never a walk over rows in Python.

Department keys are as recorded; None is "no department". Each function returns the
departments' rows and, where a distinct count cannot be summed, the programme's total.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import Experiment, Idea, Learning, StatusChange, VoteReaction
from storage.people_models import Person
from storage.vocabulary import ExperimentStatus

Department = str | None
# The programme's total travels with the departments' rows under a kind no department has.
_WHOLE = "whole"


@dataclass(frozen=True)
class Participation:
    """Per department, and for the whole programme."""

    departments: dict[Department, int]
    programme: int


@dataclass(frozen=True)
class IdeaCounts:
    ideas: dict[Department, int]
    contributors: Participation
    # Department → ideas that reached each funnel step past new (1, 2, 3) by the period's end.
    reached: dict[Department, tuple[int, int, int]]


@dataclass(frozen=True)
class ExperimentCounts:
    started: int = 0
    concluded: int = 0
    with_learning: int = 0


async def ideas(
    *, session: AsyncSession, start: datetime, end: datetime, ranks: Mapping[str, int]
) -> IdeaCounts:
    """Ideas shared in [start, end) by their author's recorded department, their distinct
    authors, and how far along the funnel (`ranks`: status → step) each had got by `end`."""
    shared = [col(Idea.created_at) >= start, col(Idea.created_at) < end]
    # Each (department, author) once, hashed, then counted: the distinct authors of a
    # department and of the programme without sorting the period's ideas twice.
    pairs = (
        select(col(Idea.author_department), col(Idea.author_id), sa.func.count().label("n"))
        .where(*shared)
        .group_by(col(Idea.author_department), col(Idea.author_id))
        .cte("pairs")
    )
    by_department = select(
        sa.literal("department").label("kind"),
        pairs.c.author_department,
        sa.func.sum(pairs.c.n),
        sa.func.count(),
    ).group_by(pairs.c.author_department)
    authors_overall = select(pairs.c.author_id).distinct().subquery("authors")
    whole = select(sa.literal(_WHOLE), sa.null(), sa.null(), sa.func.count()).select_from(
        authors_overall
    )
    counts: dict[Department, int] = {}
    authors: dict[Department, int] = {}
    everyone = 0
    for kind, department, n, distinct in await session.execute(sa.union_all(by_department, whole)):
        if kind == _WHOLE:
            everyone = int(distinct)
        else:
            counts[department], authors[department] = int(n), int(distinct)
    # From the status history, which is small next to the ideas: each idea's furthest step.
    rank = sa.case(
        *((col(StatusChange.to_status) == status, step) for status, step in ranks.items()),
        else_=0,
    )
    furthest = (
        select(col(StatusChange.idea_id).label("idea_id"), sa.func.max(rank).label("step"))
        .where(col(StatusChange.created_at) < end)
        .group_by(col(StatusChange.idea_id))
        .subquery("furthest")
    )
    reached = await session.execute(
        select(
            col(Idea.author_department),
            *(sa.func.sum(sa.case((furthest.c.step >= n, 1), else_=0)) for n in (1, 2, 3)),
        )
        .join(furthest, furthest.c.idea_id == col(Idea.id))
        .where(*shared)
        .group_by(col(Idea.author_department))
    )
    steps: dict[Department, tuple[int, int, int]] = {}
    for row in reached.all():
        department, one, two, three = tuple(row)
        steps[department] = (int(one or 0), int(two or 0), int(three or 0))
    return IdeaCounts(counts, Participation(authors, everyone), steps)


async def voters(*, session: AsyncSession, start: datetime, end: datetime) -> Participation:
    """Distinct people with a vote reaction created in [start, end), by the department
    recorded with the vote. Someone who voted from two departments counts in both, once in
    the programme."""
    pairs = (
        select(col(VoteReaction.voter_department), col(VoteReaction.voter_id))
        .where(col(VoteReaction.created_at) >= start, col(VoteReaction.created_at) < end)
        .distinct()
        .cte("pairs")
    )
    by_department = select(
        sa.literal("department").label("kind"), pairs.c.voter_department, sa.func.count()
    ).group_by(pairs.c.voter_department)
    whole = select(
        sa.literal(_WHOLE), sa.null(), sa.func.count(sa.distinct(pairs.c.voter_id))
    ).select_from(pairs)
    departments: dict[Department, int] = {}
    programme = 0
    for kind, department, n in await session.execute(sa.union_all(by_department, whole)):
        if kind == _WHOLE:
            programme = int(n)
        else:
            departments[department] = int(n)
    return Participation(departments, programme)


def _days_between(session: AsyncSession, later: Any, earlier: Any) -> sa.ColumnElement[Any]:
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        return sa.extract("epoch", later - earlier) / 86400.0
    return sa.func.julianday(later) - sa.func.julianday(earlier)


async def days_to_first_decision(
    *, session: AsyncSession, start: datetime, end: datetime
) -> list[tuple[Department, float]]:
    """For each idea whose first status change happened in [start, end): its author's
    department and the days from its posting to that change."""
    first = (
        select(
            col(StatusChange.idea_id).label("idea_id"),
            sa.func.min(StatusChange.created_at).label("at"),
        )
        .group_by(col(StatusChange.idea_id))
        .having(sa.func.min(StatusChange.created_at) >= start)
        .having(sa.func.min(StatusChange.created_at) < end)
        .subquery("first")
    )
    result = await session.execute(
        select(
            col(Idea.author_department),
            _days_between(session, first.c.at, col(Idea.created_at)),
        ).join(first, first.c.idea_id == col(Idea.id))
    )
    return [(department, max(0.0, float(days))) for department, days in result.all()]


async def experiments(
    *, session: AsyncSession, start: datetime, end: datetime
) -> dict[Department, ExperimentCounts]:
    """Experiments started and concluded in [start, end), and the concluded ones whose
    learning was written by `end`. An experiment counts for the department recorded on its
    idea; one with no idea for its owner's department (experiments record none)."""
    department = sa.case(
        (col(Experiment.idea_id).is_not(None), col(Idea.author_department)),
        else_=col(Person.department),
    ).label("department")
    started = sa.and_(col(Experiment.created_at) >= start, col(Experiment.created_at) < end)
    concluded = sa.and_(
        col(Experiment.status) == ExperimentStatus.CONCLUDED,
        col(Experiment.concluded_at) >= start,
        col(Experiment.concluded_at) < end,
    )
    learned = sa.and_(concluded, col(Learning.created_at) < end)
    result = await session.execute(
        select(
            department,
            sa.func.sum(sa.case((started, 1), else_=0)),
            sa.func.sum(sa.case((concluded, 1), else_=0)),
            sa.func.sum(sa.case((learned, 1), else_=0)),
        )
        .select_from(Experiment)
        .outerjoin(Idea, col(Idea.id) == col(Experiment.idea_id))
        .outerjoin(Person, col(Person.user_id) == col(Experiment.owner_id))
        .outerjoin(Learning, col(Learning.experiment_id) == col(Experiment.id))
        .where(sa.or_(started, concluded))
        .group_by(department)
    )
    return {
        name: ExperimentCounts(int(a or 0), int(b or 0), int(c or 0))
        for name, a, b, c in result.all()
    }


async def headcount(*, session: AsyncSession) -> dict[Department, int]:
    """Active people per department, as the people table has them now (it keeps no history)."""
    result = await session.execute(
        select(col(Person.department), sa.func.count())
        .where(col(Person.active))
        .group_by(col(Person.department))
    )
    return {department: int(n) for department, n in result.all()}


async def heard_from(*, session: AsyncSession, end: datetime, days: int) -> set[str]:
    """The departments with active people that posted an idea or voted in the `days` days
    up to `end`: one index look-up per department, stopping at its first idea or vote."""
    since = end - timedelta(days=days)
    staffed = (
        select(col(Person.department).label("name"))
        .where(col(Person.active), col(Person.department).is_not(None))
        .distinct()
        .subquery("staffed")
    )
    posted = sa.exists().where(
        col(Idea.author_department) == staffed.c.name,
        col(Idea.created_at) >= since,
        col(Idea.created_at) < end,
    )
    voted = sa.exists().where(
        col(VoteReaction.voter_department) == staffed.c.name,
        col(VoteReaction.created_at) >= since,
        col(VoteReaction.created_at) < end,
    )
    result = await session.execute(select(staffed.c.name).where(sa.or_(posted, voted)))
    return set(result.scalars())


async def ideas_per_window(
    *, session: AsyncSession, bounds: Sequence[datetime]
) -> list[tuple[int, int]]:
    """(ideas posted, distinct authors) in each window [bounds[i], bounds[i + 1]): one query
    for a whole trend line."""
    if len(bounds) < 2:
        return []
    window = sa.case(
        *((col(Idea.created_at) < bound, index) for index, bound in enumerate(bounds[1:])),
        else_=-1,
    ).label("window")
    result = await session.execute(
        select(window, sa.func.count(), sa.func.count(sa.distinct(col(Idea.author_id))))
        .where(col(Idea.created_at) >= bounds[0], col(Idea.created_at) < bounds[-1])
        .group_by(window)
    )
    found = {int(index): (int(n), int(authors)) for index, n, authors in result.all()}
    return [found.get(index, (0, 0)) for index in range(len(bounds) - 1)]
