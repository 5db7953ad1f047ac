"""Every job Lightbulb runs on a timetable, by stable name.

Periodic posts (awards, digest) are claimed once per period in the database; the learning
prompts claim each DM. So any job may run at any time, from any replica, as often as it
likes: a run that finds its work done does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from apscheduler.triggers.cron import CronTrigger

from bot.awards import service as awards
from bot.challenges import timeline as challenges_timeline
from bot.core import periods
from bot.core.settings import Settings
from bot.experiments import digest as experiment_digest
from bot.experiments import learning_prompts
from bot.exploration import service as exploration
from bot.foundation.context import Context
from bot.numbers import report as monthly_report
from bot.offers import introductions
from bot.people import service as people
from bot.themes import reviews as theme_reviews
from storage import job_runs

log = logging.getLogger(__name__)


class Report(Protocol):
    def summary(self) -> str: ...


@dataclass(frozen=True)
class Job:
    name: str
    setting: str
    schedule: Callable[[Settings], str]
    run: Callable[..., Awaitable[Report]]
    # For posts made once per period: the period a fire time stands for, and how far back
    # a missed fire time is still caught up. None for jobs that are not periodic.
    period_of: Callable[[datetime], str] | None = None
    catch_up_within: timedelta = timedelta(0)

    def trigger(self, settings: Settings) -> CronTrigger:
        return CronTrigger.from_crontab(self.schedule(settings), timezone=settings.tz)


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job(
            name=awards.JOB,
            setting="AWARDS_SCHEDULE",
            schedule=lambda s: s.awards_schedule,
            run=awards.run,
            period_of=periods.previous_month,
            catch_up_within=timedelta(days=62),
        ),
        Job(
            name=monthly_report.JOB,
            setting="REPORT_SCHEDULE",
            schedule=lambda s: s.report_schedule,
            run=monthly_report.run,
            period_of=periods.previous_month,
            catch_up_within=timedelta(days=62),
        ),
        Job(
            name=experiment_digest.JOB,
            setting="EXPERIMENT_DIGEST_SCHEDULE",
            schedule=lambda s: s.digest_schedule,
            run=experiment_digest.run,
            period_of=periods.iso_week,
            catch_up_within=timedelta(days=15),
        ),
        Job(
            name="learning-prompts",
            setting="LEARNING_PROMPTS_SCHEDULE",
            schedule=lambda s: s.prompts_schedule,
            run=learning_prompts.run,
        ),
        Job(
            name=people.JOB,
            setting="PEOPLE_REFRESH_SCHEDULE",
            schedule=lambda s: s.people_refresh_schedule,
            run=people.run,
        ),
        Job(
            name=challenges_timeline.JOB,
            setting="CHALLENGES_SCHEDULE",
            schedule=lambda s: s.challenges_schedule,
            run=challenges_timeline.run,
        ),
        Job(
            name=theme_reviews.JOB,
            setting="THEME_REVIEW_SCHEDULE",
            schedule=lambda s: s.theme_review_schedule,
            run=theme_reviews.run,
        ),
        Job(
            name=exploration.JOB,
            setting="EXPLORATION_SCHEDULE",
            schedule=lambda s: s.exploration_schedule,
            run=exploration.run,
        ),
        Job(
            name=introductions.JOB,
            setting="INTRODUCTIONS_SCHEDULE",
            schedule=lambda s: s.introductions_schedule,
            run=introductions.run,
        ),
    )
}


async def run_job(name: str, ctx: Context, *, now: datetime, period: str | None = None) -> Report:
    """Run one job now, as `lightbulb job NAME [--period P]` does. A periodic job without a
    period posts the latest period that is due (even one skipped at first start)."""
    job = JOBS[name]
    if job.period_of is None:
        return await job.run(ctx, now=now)
    if period is None:
        fire = periods.latest_fire_time(
            job.trigger(ctx.settings), now=now, lookback=job.catch_up_within
        )
        moment = fire or now
        period = job.period_of(moment.astimezone(ctx.settings.tz))
        return await job.run(ctx, now=now, period=period, moment=moment)
    return await job.run(ctx, now=now, period=period)


async def run_due(job: Job, ctx: Context, *, now: datetime) -> Report | None:
    """What the timetable calls: post the latest due period of a periodic job unless it is
    posted; retry it if it failed; take it over if it is stuck. The first time a job is seen,
    the period already due is marked skipped: it ended before Lightbulb ran here."""
    if job.period_of is None:
        return await job.run(ctx, now=now)
    fire = periods.latest_fire_time(
        job.trigger(ctx.settings), now=now, lookback=job.catch_up_within
    )
    if fire is None:
        return None
    period = job.period_of(fire.astimezone(ctx.settings.tz))
    async with ctx.db.session() as session:
        existing = await job_runs.get(session=session, job=job.name, period=period)
        if existing is None and not await job_runs.has_history(session=session, job=job.name):
            if await job_runs.mark_skipped(session=session, job=job.name, period=period, now=now):
                log.info(
                    "%s: first run here; %s was due before Lightbulb ran here, so it is skipped "
                    "(to post it anyway: lightbulb job %s --period %s)",
                    job.name,
                    period,
                    job.name,
                    period,
                )
            return None
    if existing is not None and existing.status == job_runs.SKIPPED:
        return None
    # The claims keep the clock's time, not the scheduled moment's: a claim left by a process
    # that died must look old to the runs after it, or it would never be taken over.
    return await job.run(ctx, now=now, period=period, take_skipped=False, moment=fire)


async def catch_up(ctx: Context, *, now: datetime) -> list[Report]:
    """Every periodic job's latest due period: posted if missed, retried if it failed."""
    reports = []
    for job in JOBS.values():
        if job.period_of is None:
            continue
        try:
            report = await run_due(job, ctx, now=now)
        except Exception:
            log.exception("catching up %s failed; the next sweep tries again", job.name)
            continue
        if report is not None:
            reports.append(report)
    return reports
