"""Claims on scheduled posts: one (job, period) row decides who posts, across processes.

A claim is taken by inserting the row, or by a compare-and-set update of a row whose post
failed, was skipped, or is stuck (claimed long ago and never finished). The caller reads the
claim's result, never a row count.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.claim_models import JobRun
from storage.ideas import as_utc

CLAIMED, POSTED, FAILED, SKIPPED = "claimed", "posted", "failed", "skipped"
# Slack refused the post for what it says: posting it again would be refused again.
REFUSED = "refused"


@dataclass(frozen=True)
class Claim:
    """`won`: this process posts. `taken_from` says whose claim it took over: a stuck one
    (`CLAIMED`, whose post may or may not have reached Slack), a failed or skipped one, or
    nobody's (None, a fresh claim). When not won, `status` is what the row says."""

    won: bool
    run_id: int
    status: str
    taken_from: str | None = None
    previous_claimed_at: datetime | None = None
    previous_error: str | None = None
    payload: str | None = None
    channel_id: str | None = None
    message_ts: str | None = None


def _insert(session: AsyncSession) -> Callable[[type[JobRun]], postgresql.Insert | sqlite.Insert]:
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


async def claim(
    *,
    session: AsyncSession,
    job: str,
    period: str,
    now: datetime,
    claimed_by: str,
    stuck_before: datetime,
    take_skipped: bool = False,
    target_channel: str | None = None,
    thread_ts: str | None = None,
) -> Claim:
    inserted = await session.execute(
        _insert(session)(JobRun)
        .values(
            job=job,
            period=period,
            status=CLAIMED,
            claimed_at=now,
            claimed_by=claimed_by,
            attempts=1,
            target_channel=target_channel,
            thread_ts=thread_ts,
        )
        .on_conflict_do_nothing(index_elements=["job", "period"])
        .returning(col(JobRun.id))
    )
    run_id = inserted.scalar_one_or_none()
    if run_id is not None:
        return Claim(True, run_id, CLAIMED)
    row = await get(session=session, job=job, period=period)
    assert row is not None and row.id is not None
    # Read before the update below: an ORM update refreshes `row` in place.
    status, attempts, payload, error = row.status, row.attempts, row.payload, row.error
    claimed_at = as_utc(row.claimed_at)
    takeable = status == FAILED or (status == SKIPPED and take_skipped)
    stuck = status == CLAIMED and claimed_at < stuck_before
    if not (takeable or stuck):
        return Claim(False, row.id, status, channel_id=row.channel_id, message_ts=row.message_ts)
    # Compare-and-set on what was read: of several processes taking over, one wins.
    taken = await session.execute(
        sa.update(JobRun)
        .where(
            col(JobRun.id) == row.id,
            col(JobRun.status) == status,
            col(JobRun.attempts) == attempts,
        )
        .values(
            status=CLAIMED,
            claimed_at=now,
            claimed_by=claimed_by,
            attempts=col(JobRun.attempts) + 1,
            error=None,
        )
        .returning(col(JobRun.id))
    )
    if taken.scalar_one_or_none() is None:
        return Claim(False, row.id, CLAIMED)
    return Claim(
        True,
        row.id,
        CLAIMED,
        taken_from=status,
        previous_claimed_at=claimed_at,
        previous_error=error,
        payload=payload,
    )


async def get(*, session: AsyncSession, job: str, period: str) -> JobRun | None:
    result = await session.execute(select(JobRun).where(JobRun.job == job, JobRun.period == period))
    return result.scalars().first()


async def save_payload(*, session: AsyncSession, run_id: int, payload: str) -> None:
    await session.execute(sa.update(JobRun).where(col(JobRun.id) == run_id).values(payload=payload))


async def mark_posted(
    *, session: AsyncSession, run_id: int, channel_id: str, message_ts: str, now: datetime
) -> None:
    await session.execute(
        sa.update(JobRun)
        .where(col(JobRun.id) == run_id)
        .values(status=POSTED, channel_id=channel_id, message_ts=message_ts, posted_at=now)
    )


async def mark_failed(*, session: AsyncSession, run_id: int, error: str) -> None:
    """Release the claim: the next run takes it over and posts the stored payload."""
    await session.execute(
        sa.update(JobRun)
        .where(col(JobRun.id) == run_id, col(JobRun.status) == CLAIMED)
        .values(status=FAILED, error=error[:200])
    )


async def mark_refused(*, session: AsyncSession, run_id: int, error: str) -> None:
    """Keep the claim for good: nothing takes a refused post over."""
    await session.execute(
        sa.update(JobRun)
        .where(col(JobRun.id) == run_id, col(JobRun.status) == CLAIMED)
        .values(status=REFUSED, error=error[:200])
    )


async def restore_claim(*, session: AsyncSession, run_id: int, claimed_at: datetime) -> None:
    """Give a taken-over stuck claim its old time back, so that it is checked again later."""
    await session.execute(
        sa.update(JobRun)
        .where(col(JobRun.id) == run_id, col(JobRun.status) == CLAIMED)
        .values(claimed_at=claimed_at)
    )


async def mark_skipped(*, session: AsyncSession, job: str, period: str, now: datetime) -> bool:
    """Record a period that ended before this job ever ran here; True if this call did."""
    inserted = await session.execute(
        _insert(session)(JobRun)
        .values(job=job, period=period, status=SKIPPED, claimed_at=now, claimed_by="", attempts=0)
        .on_conflict_do_nothing(index_elements=["job", "period"])
        .returning(col(JobRun.id))
    )
    return inserted.scalar_one_or_none() is not None


async def has_history(*, session: AsyncSession, job: str) -> bool:
    result = await session.execute(select(JobRun.id).where(JobRun.job == job).limit(1))
    return result.first() is not None


async def latest(*, session: AsyncSession, job: str) -> JobRun | None:
    result = await session.execute(
        select(JobRun).where(JobRun.job == job).order_by(col(JobRun.claimed_at).desc()).limit(1)
    )
    return result.scalars().first()


async def unfinished(
    *, session: AsyncSession, jobs: Sequence[str], stuck_before: datetime
) -> list[JobRun]:
    """Posts of these jobs that failed, or whose claim is stuck, oldest first: what a sweep
    takes over and posts again."""
    result = await session.execute(
        select(JobRun)
        .where(
            col(JobRun.job).in_(list(jobs)),
            sa.or_(
                col(JobRun.status) == FAILED,
                sa.and_(col(JobRun.status) == CLAIMED, col(JobRun.claimed_at) < stuck_before),
            ),
        )
        .order_by(col(JobRun.id))
    )
    return list(result.scalars())
