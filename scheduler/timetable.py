"""The bot's timetable: APScheduler in the bot's event loop, with stable job IDs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.experiments import lab_posts
from bot.foundation import retried_posts
from bot.foundation.context import Context
from bot.ideas import replies
from bot.offers import notes
from scheduler.jobs import JOBS, Job, catch_up, run_due

RETRY_UNPOSTED_JOB = "retry-unposted-ideas"
RETRY_UNPOSTED_MINUTES = 1
SWEEP_JOB = "scheduled-posts-sweep"
SWEEP_MINUTES = 10
# A run that starts late (a busy loop, a suspended laptop) still runs; catch-up covers longer.
MISFIRE_GRACE_SECONDS = 3600


@dataclass(frozen=True)
class Entry:
    """One line of `lightbulb jobs`."""

    name: str
    schedule: str
    next_run: datetime | None


def entries(ctx: Context, *, now: datetime) -> list[Entry]:
    settings = ctx.settings
    rows = [
        Entry(
            job.name,
            f"{job.schedule(settings)} ({settings.timezone}; {job.setting})",
            job.trigger(settings).get_next_fire_time(None, now),
        )
        for job in JOBS.values()
    ]
    for name, minutes, what in (
        (SWEEP_JOB, SWEEP_MINUTES, "retries scheduled posts that failed or were missed"),
        (
            RETRY_UNPOSTED_JOB,
            RETRY_UNPOSTED_MINUTES,
            "posts what Slack did not take: ideas, experiment cards, updates, learnings, "
            "replies in idea threads, status DMs",
        ),
    ):
        trigger = IntervalTrigger(minutes=minutes, start_date=now)
        rows.append(
            Entry(name, f"every {minutes} minutes: {what}", trigger.get_next_fire_time(None, now))
        )
    return rows


def build_scheduler(ctx: Context) -> AsyncIOScheduler:
    """Jobs with stable IDs, registered idempotently, in the programme's timezone."""
    scheduler = AsyncIOScheduler(timezone=ctx.settings.tz)
    common = {"replace_existing": True, "coalesce": True, "max_instances": 1}
    for job in JOBS.values():
        scheduler.add_job(
            _fire,
            job.trigger(ctx.settings),
            args=[job, ctx],
            id=job.name,
            misfire_grace_time=MISFIRE_GRACE_SECONDS,
            **common,
        )
    scheduler.add_job(_sweep, "interval", minutes=SWEEP_MINUTES, args=[ctx], id=SWEEP_JOB, **common)
    scheduler.add_job(
        post_unposted,
        "interval",
        minutes=RETRY_UNPOSTED_MINUTES,
        args=[ctx],
        id=RETRY_UNPOSTED_JOB,
        **common,
    )
    return scheduler


async def _fire(job: Job, ctx: Context) -> None:
    # While Slack refuses the token every post would fail; catch-up posts it after a restart.
    if ctx.slack_access.usable:
        await run_due(job, ctx, now=datetime.now(UTC))


async def post_unposted(ctx: Context) -> None:
    """Everything Slack did not take the first time: ideas, experiment cards, updates and
    learnings, replies in idea threads and status DMs; offers of help nobody told of."""
    if not ctx.slack_access.usable:
        return
    await replies.post_unposted_ideas(ctx)
    await lab_posts.post_missing(ctx)
    await retried_posts.post_pending(ctx)
    await notes.tell_forgotten(ctx)


async def _sweep(ctx: Context) -> None:
    if ctx.slack_access.usable:
        await catch_up(ctx, now=datetime.now(UTC))
