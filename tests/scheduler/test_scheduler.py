"""The timetable: periods posted once, caught up after downtime, listed by `lightbulb jobs`,
and one announcement from three replicas starting at once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
import sqlalchemy as sa
from sqlmodel import col

from bot.awards.service import AwardsReport
from bot.core.settings import SettingsError, load_settings
from scheduler.jobs import JOBS, catch_up, run_due
from scheduler.timetable import build_scheduler
from storage import job_runs
from storage.claim_models import JobRun
from storage.models import Idea
from tests.harness import BOT_TOKEN, IDEAS_CHANNEL, Harness, eventually, start_harness
from tests.processes import (
    START_PATIENCE,
    free_port,
    run_cli,
    start_bot,
    stop_bot,
    wait_until_healthy,
)

AWARDS = "C0AWARDS01"
AWARDS_JOB = JOBS["monthly-awards"]


@pytest.fixture
async def hall(migrated_url: str) -> AsyncIterator[Harness]:
    harness, close = await start_harness(migrated_url, AWARDS_CHANNEL=AWARDS)
    try:
        yield harness
    finally:
        await close()


def announcements(hall: Harness) -> list[dict]:
    return hall.fake.messages(AWARDS)


async def runs(hall: Harness) -> list[tuple[str, str, str]]:
    async with hall.db.session() as session:
        rows = (await session.execute(sa.select(JobRun).order_by(col(JobRun.id)))).scalars()
        return [(r.job, r.period, r.status) for r in rows]


async def posted_before(hall: Harness, period: str) -> None:
    async with hall.db.session() as session:
        session.add(
            JobRun(job="monthly-awards", period=period, status=job_runs.POSTED, claimed_by="x")
        )


async def test_the_first_run_skips_what_was_due_before_it_then_posts_each_period(
    hall: Harness,
) -> None:
    installed = datetime(2026, 11, 15, 9, 0, tzinfo=UTC)

    assert await run_due(AWARDS_JOB, hall.runtime, now=installed) is None
    assert await runs(hall) == [("monthly-awards", "2026-10", "skipped")]
    assert announcements(hall) == []

    report = await run_due(
        AWARDS_JOB, hall.runtime, now=datetime(2026, 12, 1, 10, 0, 1, tzinfo=UTC)
    )

    assert isinstance(report, AwardsReport) and report.delivery.outcome == "posted"
    assert "November 2026" in announcements(hall)[0]["text"]


async def test_a_period_missed_while_down_is_caught_up_once(hall: Harness) -> None:
    await posted_before(hall, "2026-09")
    back_up = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)  # down over 1 November 10:00

    first = await catch_up(hall.runtime, now=back_up)
    second = await catch_up(hall.runtime, now=back_up + timedelta(minutes=10))

    awards_reports = [r for r in first if isinstance(r, AwardsReport)]
    assert [r.delivery.outcome for r in awards_reports] == ["posted"]
    assert all("posted" not in r.summary() or "already" in r.summary() for r in second)
    assert len(announcements(hall)) == 1
    assert ("monthly-awards", "2026-10", "posted") in await runs(hall)
    # Only the latest missed period is caught up, however long the bot was down.
    assert ("monthly-awards", "2026-09", "posted") in await runs(hall)


async def test_a_long_outage_catches_up_the_latest_period_only(hall: Harness) -> None:
    await posted_before(hall, "2026-07")

    await catch_up(hall.runtime, now=datetime(2026, 11, 20, tzinfo=UTC))

    periods = [period for job, period, _ in await runs(hall) if job == "monthly-awards"]
    assert periods == ["2026-07", "2026-10"] and len(announcements(hall)) == 1


async def test_ideas_belong_to_the_month_of_the_programmes_timezone(migrated_url: str) -> None:
    hall, close = await start_harness(migrated_url, AWARDS_CHANNEL=AWARDS, TIMEZONE="Europe/Berlin")
    try:
        hall.add_people("U0VOTER01")
        idea = await hall.share_idea("Late on Halloween", author="U0AUTHOR1")
        await hall.react(idea, "U0VOTER01")
        await hall.wait_judged(1)
        await hall.runtime.votes.drain()
        async with hall.db.session() as session:
            # 00:30 on 1 November in Berlin, still 31 October in UTC: a November idea.
            await session.execute(
                sa.update(Idea)
                .where(col(Idea.id) == idea.id)
                .values(created_at=datetime(2026, 10, 31, 23, 30, tzinfo=UTC))
            )
        await posted_before(hall, "2026-09")

        await catch_up(hall.runtime, now=datetime(2026, 11, 1, 9, 30, tzinfo=UTC))  # 10:30 CET
        await catch_up(hall.runtime, now=datetime(2026, 12, 1, 9, 30, tzinfo=UTC))

        october, november = announcements(hall)
        assert "October 2026" in october["text"] and "Late on Halloween" not in str(october)
        assert "November 2026" in november["text"] and "Late on Halloween" in str(november)
    finally:
        await close()


async def test_the_timetable_registers_every_job_with_a_stable_id(hall: Harness) -> None:
    scheduler = build_scheduler(hall.runtime)
    scheduler.start(paused=True)
    try:
        ids = {job.id for job in scheduler.get_jobs()}
    finally:
        scheduler.shutdown(wait=False)
    assert ids == {*JOBS, "scheduled-posts-sweep", "retry-unposted-ideas"}


def test_schedules_are_checked_at_start_up() -> None:
    base = {"SLACK_BOT_TOKEN": "xoxb-1", "IDEAS_CHANNEL": "C0IDEAS01"}
    settings = load_settings({**base, "AWARDS_SCHEDULE": "30 9 1 * *"})
    assert settings.awards_schedule == "30 9 1 * *"
    with pytest.raises(SettingsError, match="day of the week as a name"):
        load_settings({**base, "EXPERIMENT_DIGEST_SCHEDULE": "0 10 * * 1"})
    with pytest.raises(SettingsError, match="AWARDS_SCHEDULE='every month'"):
        load_settings({**base, "AWARDS_SCHEDULE": "every month"})


async def test_jobs_lists_schedules_next_runs_and_the_latest_period(
    hall: Harness, tmp_path: Path
) -> None:
    await posted_before(hall, "2026-10")
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": hall.fake.api_url,
        "IDEAS_CHANNEL": IDEAS_CHANNEL,
        "DATABASE_URL": hall.runtime.settings.database_url,
        "TIMEZONE": "Europe/Berlin",
    }

    code, out, err = await run_cli(tmp_path, "jobs", **env)

    assert code == 0, err
    awards_block = out.split("monthly-awards\n", 1)[1].split("\n\n")[0]
    assert "0 10 1 * * (Europe/Berlin; AWARDS_SCHEDULE)" in awards_block
    assert "next run: " in awards_block and " 10:00 CE" in awards_block
    assert "latest:   2026-10 posted" in awards_block
    for name in ("experiment-digest", "learning-prompts", "scheduled-posts-sweep"):
        assert name in out


async def test_three_replicas_starting_together_post_one_catch_up(
    hall: Harness, tmp_path: Path
) -> None:
    """Every replica catches up at start-up; the claim lets exactly one of them post."""
    now = datetime.now(UTC)
    month_before_last = (now.replace(day=1) - timedelta(days=1)).replace(day=1) - timedelta(days=1)
    await posted_before(hall, f"{month_before_last:%Y-%m}")
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": "secret",
        "SLACK_API_URL": hall.fake.api_url,
        "IDEAS_CHANNEL": IDEAS_CHANNEL,
        "AWARDS_CHANNEL": AWARDS,
        "DATABASE_URL": hall.runtime.settings.database_url,
    }
    ports = [free_port() for _ in range(3)]
    metrics_ports = [free_port() for _ in ports]
    replicas = [
        await start_bot(
            tmp_path,
            "serve",
            "--mode",
            "http",
            "--port",
            str(port),
            METRICS_PORT=str(metrics_port),
            **env,
        )  # fmt: skip
        for port, metrics_port in zip(ports, metrics_ports, strict=True)
    ]

    async def every_replica_tried() -> bool:
        """Each replica counts its catch-up's outcome (posted, or found posted or claimed):
        once all three have, a duplicate would already be in Slack."""
        for metrics_port in metrics_ports:
            try:
                async with hall.http.get(f"http://127.0.0.1:{metrics_port}/metrics") as reply:
                    page = await reply.text()
            except aiohttp.ClientError:
                return False
            if 'lightbulb_job_runs_total{job="monthly-awards"' not in page:
                return False
        return True

    async def caught_up() -> bool:
        statuses = [status for job, _, status in await runs(hall) if job == "monthly-awards"]
        return statuses.count("posted") == 2

    try:
        await eventually(caught_up, timeout=START_PATIENCE, failure="no replica caught up")
        for port, replica in zip(ports, replicas, strict=True):
            await wait_until_healthy(hall.http, f"http://127.0.0.1:{port}", replica)
        await eventually(every_replica_tried, timeout=START_PATIENCE)
    finally:
        logs = [await stop_bot(replica) for replica in replicas]
    assert len(announcements(hall)) == 1, logs
    assert all("Traceback" not in log for log in logs), logs
