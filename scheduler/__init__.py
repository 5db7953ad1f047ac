"""Recurring work inside the bot's event loop.

APScheduler's job store stays in memory: it cannot be shared between processes.
Anything that must happen once across replicas is decided by a claim in the database,
never by the scheduler alone.
"""

from __future__ import annotations

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot import publishing
from bot.runtime import Runtime

RETRY_UNPOSTED_JOB = "lightbulb.retry-unposted-ideas"
RETRY_UNPOSTED_MINUTES = 5


def build_scheduler(runtime: Runtime) -> AsyncIOScheduler:
    """Jobs with stable IDs, registered idempotently, in the programme's timezone."""
    scheduler = AsyncIOScheduler(timezone=runtime.settings.tz)
    scheduler.add_job(
        publishing.post_again,
        "interval",
        minutes=RETRY_UNPOSTED_MINUTES,
        args=[runtime],
        id=RETRY_UNPOSTED_JOB,
        replace_existing=True,
        coalesce=True,
        max_instances=1,
    )
    return scheduler
