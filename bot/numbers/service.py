"""The programme's numbers for a period, from stored facts only: `/idea stats`, the Home tab,
the monthly report and the stats export all read them here."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.foundation.context import Context
from bot.ideas import answer_blocks
from bot.numbers import blocks, rules
from bot.numbers.facts import QUIET_AFTER_DAYS, Funnel, Period, ProgrammeNumbers, Slice
from storage import exploration
from storage import numbers as store


async def stats_command(ctx: Context, *, text: str, now: datetime | None = None) -> dict:
    """`/idea stats [period]`: the answer, for the person who asked only."""
    now = now or datetime.now(UTC)
    try:
        period = rules.parse_period(text, now=now, tz=ctx.settings.tz)
    except rules.StatsPeriodError as error:
        return answer_blocks.private_note(str(error))
    return blocks.stats_message(await compute(ctx, period, now=now))


async def compute(ctx: Context, period: Period, *, now: datetime) -> ProgrammeNumbers:
    # The voters, the longest count, on a connection of their own meanwhile: PostgreSQL
    # gives it another core.
    counting = asyncio.create_task(_voters(ctx, period))
    try:
        async with ctx.db.session() as session:
            return await compute_in(session, period, now=now, voters=counting)
    finally:
        counting.cancel()  # a no-op once counted; stops the count if the rest failed


async def _voters(ctx: Context, period: Period) -> store.Participation:
    async with ctx.db.session() as session:
        return await store.voters(session=session, start=period.start, end=period.end)


async def compute_in(
    session: AsyncSession,
    period: Period,
    *,
    now: datetime,
    voters: Awaitable[store.Participation] | None = None,
) -> ProgrammeNumbers:
    """The numbers of `period`; departments are quiet as of its end (or now, if sooner).
    `voters`, when given, is their count under way elsewhere."""
    start, end = period.start, period.end
    ideas = await store.ideas(session=session, start=start, end=end, ranks=rules.FUNNEL_RANKS)
    decisions = await store.days_to_first_decision(session=session, start=start, end=end)
    experiments = await store.experiments(session=session, start=start, end=end)
    headcount = await store.headcount(session=session)
    protected = await exploration.protected_by_department(session=session, start=start, end=end)
    staffed = [department for department in headcount if department is not None]
    heard = await store.heard_from(session=session, end=min(end, now), days=QUIET_AFTER_DAYS)
    if voters is None:
        voters = store.voters(session=session, start=start, end=end)
    voted = await voters

    days: dict[str | None, list[float]] = defaultdict(list)
    for department, value in decisions:
        days[department].append(value)
    known = (
        set(ideas.ideas) | set(voted.departments) | set(experiments) | set(protected) | set(days)
    )
    # Staffed departments are listed even with nothing to show: a row of zeros is the news.
    departments = [
        _slice(department, ideas, voted, days, experiments, headcount, protected)
        for department in known | set(staffed)
    ]
    programme = _programme(
        departments,
        contributors=ideas.contributors.programme,
        voters=voted.programme,
        median_days=rules.median(value for _, value in decisions),
        headcount=sum(headcount.values()) if headcount else None,
    )
    return ProgrammeNumbers(
        period=period,
        programme=programme,
        departments=rules.ordered(departments),
        quiet_departments=rules.quiet_departments(staffed, heard),
    )


def _slice(
    department: str | None,
    ideas: store.IdeaCounts,
    voters: store.Participation,
    days: dict[str | None, list[float]],
    experiments: dict[str | None, store.ExperimentCounts],
    headcount: dict[str | None, int],
    protected: dict[str | None, tuple[int, int, int]],
) -> Slice:
    posted = ideas.ideas.get(department, 0)
    reached = ideas.reached.get(department, (0, 0, 0))
    tested = experiments.get(department, store.ExperimentCounts())
    asked, answered, got = protected.get(department, (0, 0, 0))
    return Slice(
        department=department,
        ideas=posted,
        contributors=ideas.contributors.departments.get(department, 0),
        headcount=headcount.get(department) if headcount else None,
        voters=voters.departments.get(department, 0),
        funnel=Funnel(posted, *reached),
        median_days_to_decision=rules.median(days.get(department, ())),
        experiments_started=tested.started,
        experiments_concluded=tested.concluded,
        concluded_with_learning=tested.with_learning,
        exploration_asked=asked,
        exploration_answered=answered,
        exploration_protected=got,
    )


def _programme(
    departments: Sequence[Slice],
    *,
    contributors: int,
    voters: int,
    median_days: float | None,
    headcount: int | None,
) -> Slice:
    """The sums of the departments, with the distinct counts and the median taken over the
    whole programme (someone who moved within the period is one contributor, not two)."""
    total = Slice(department=None)
    for one in departments:
        total = rules.add(total, one)
    return Slice(
        department=None,
        ideas=total.ideas,
        contributors=contributors,
        headcount=headcount,
        voters=voters,
        funnel=total.funnel,
        median_days_to_decision=median_days,
        experiments_started=total.experiments_started,
        experiments_concluded=total.experiments_concluded,
        concluded_with_learning=total.concluded_with_learning,
        exploration_asked=total.exploration_asked,
        exploration_answered=total.exploration_answered,
        exploration_protected=total.exploration_protected,
    )


# The Home's trend line: this month and the five before it.
TREND_MONTHS = 6


@dataclass(frozen=True)
class HomeNumbers:
    month: ProgrammeNumbers
    trend: list[tuple[Period, int, int]]


async def for_home(ctx: Context, *, now: datetime) -> HomeNumbers:
    """This month so far, and ideas and contributors in each of the last months."""
    months = rules.last_months(TREND_MONTHS, now=now, tz=ctx.settings.tz, include_current=True)
    async with ctx.db.session() as session:
        month = await compute_in(session, months[-1], now=now)
        return HomeNumbers(month, await ideas_trend(session, months))


async def ideas_trend(
    session: AsyncSession, periods: Sequence[Period]
) -> list[tuple[Period, int, int]]:
    """(period, ideas, contributors) for consecutive periods, in one query."""
    bounds = [periods[0].start, *(period.end for period in periods)] if periods else []
    counts = await store.ideas_per_window(session=session, bounds=bounds)
    return [(period, n, people) for period, (n, people) in zip(periods, counts, strict=True)]
