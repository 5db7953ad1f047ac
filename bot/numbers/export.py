"""`export --what votes|experiments|learnings|people|offers|teams|stats`: the programme's
facts and its numbers as rows for a spreadsheet or a BI tool, in the style of
`bot.ideas.export`.

`stats` is one row for the whole programme and one per department for each month: the last
12 complete months, or the one period asked for with `--period` (`2026-11`, `2026-Q4`, `2026`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.ideas.export import model_records
from bot.numbers import rules, service
from bot.numbers.facts import Period, ProgrammeNumbers, Slice
from storage import tables

VOTE_COLUMNS = (
    "id",
    "idea_id",
    "voter_id",
    "voter_department",
    "emoji",
    "active",
    "created_at",
    "updated_at",
)
EXPERIMENT_COLUMNS = (
    "id",
    "idea_id",
    "hypothesis",
    "metric",
    "owner_id",
    "started_by",
    "ends_on",
    "status",
    "created_at",
    "concluded_at",
    "permalink",
)
LEARNING_COLUMNS = (
    "id",
    "experiment_id",
    "outcome",
    "learned",
    "next_step",
    "author_id",
    "created_at",
    "permalink",
)
PEOPLE_COLUMNS = ("user_id", "department", "active", "updated_at")
OFFER_COLUMNS = (
    "id",
    "idea_id",
    "helper_id",
    "department",
    "kinds",
    "what",
    "created_at",
    "updated_at",
    "withdrawn_at",
)
# Every change to every experiment's team: who joined or left, when, and who made the change.
TEAM_COLUMNS = (
    "id",
    "experiment_id",
    "user_id",
    "joined",
    "department",
    "changed_by",
    "created_at",
)
STATS_COLUMNS = (
    "period",
    "scope",  # programme or department
    "department",  # empty for the programme and for people with no department
    "ideas",
    "contributors",
    "headcount",
    "contributor_share",
    "voters",
    "funnel_new",
    "funnel_under_review",
    "funnel_experimenting",
    "funnel_shipped",
    "median_days_to_decision",
    "experiments_started",
    "experiments_concluded",
    "concluded_with_learning",
    "learning_share",
    "exploration_asked",
    "exploration_answered",
    "exploration_protected",
    "protected_share",
    "quiet",
)
COLUMNS = {
    "votes": VOTE_COLUMNS,
    "experiments": EXPERIMENT_COLUMNS,
    "learnings": LEARNING_COLUMNS,
    "people": PEOPLE_COLUMNS,
    "offers": OFFER_COLUMNS,
    "teams": TEAM_COLUMNS,
    "stats": STATS_COLUMNS,
}
WHAT = tuple(COLUMNS)
STATS_MONTHS = 12


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def stats_records(numbers: ProgrammeNumbers) -> list[dict]:
    def record(scope: str, one: Slice) -> dict:
        new, review, testing, shipped = one.funnel.counts()
        days = one.median_days_to_decision
        return {
            "period": numbers.period.key,
            "scope": scope,
            "department": one.department,
            "ideas": one.ideas,
            "contributors": one.contributors,
            "headcount": one.headcount,
            "contributor_share": _share(one.contributor_share),
            "voters": one.voters,
            "funnel_new": new,
            "funnel_under_review": review,
            "funnel_experimenting": testing,
            "funnel_shipped": shipped,
            "median_days_to_decision": None if days is None else round(days, 2),
            "experiments_started": one.experiments_started,
            "experiments_concluded": one.experiments_concluded,
            "concluded_with_learning": one.concluded_with_learning,
            "learning_share": _share(one.learning_share),
            "exploration_asked": one.exploration_asked,
            "exploration_answered": one.exploration_answered,
            "exploration_protected": one.exploration_protected,
            "protected_share": _share(one.protected_share),
            "quiet": scope == "department" and one.department in numbers.quiet_departments,
        }

    return [
        record("programme", numbers.programme),
        *(record("department", one) for one in numbers.departments),
    ]


def stats_periods(period: str | None, *, now: datetime, tz: ZoneInfo) -> list[Period]:
    """The period asked for, or the last complete months; StatsPeriodError if unreadable."""
    if period:
        return [rules.parse_period(period, now=now, tz=tz)]
    return rules.last_months(STATS_MONTHS, now=now, tz=tz, include_current=False)


async def collect(
    session: AsyncSession, what: str, *, tz: ZoneInfo, period: str | None = None
) -> tuple[list[dict], Sequence[str]]:
    """Every row of `what` (one of WHAT) and its columns."""
    columns = COLUMNS[what]
    if what != "stats":
        rows = await tables.rows(session=session, what=what, columns=columns)
        # Rows answer `getattr` by column name as models do.
        return model_records(rows, columns), columns  # type: ignore[arg-type]
    now = datetime.now(UTC)
    records: list[dict] = []
    for one in stats_periods(period, now=now, tz=tz):
        records += stats_records(await service.compute_in(session, one, now=now))
    return records, columns
