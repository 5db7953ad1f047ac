"""Job `monthly-report` through the real bot and fake Slack: last month's numbers posted once
to the leaders' channel with the chart in its thread, whatever Slack and the replicas do; and
`lightbulb report`, which writes the chart locally and posts nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.numbers import report
from bot.numbers.chart import PNG_SIGNATURE
from scheduler.jobs import JOBS, run_job
from storage import job_runs
from storage.claim_models import JobRun
from storage.models import Idea, VoteReaction
from storage.people_models import Person
from tests.fake_slack import FakeFile
from tests.harness import Harness, start_harness
from tests.processes import run_cli

LEADERS = "C0LEADERS1"
POSTED_ON = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
MID_OCTOBER = datetime(2026, 10, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
async def leaders(migrated_url: str) -> AsyncIterator[Harness]:
    harness, close = await start_harness(migrated_url, LEADERS_CHANNEL=LEADERS)
    try:
        yield harness
    finally:
        await close()


async def an_october(hall: Harness) -> None:
    """Three ideas from two departments in October, five votes, and a staffed department
    that did nothing."""
    async with hall.db.session() as session:
        session.add_all(
            [
                Person(user_id="U0ENG0001", department="Engineering"),
                Person(user_id="U0ENG0002", department="Engineering"),
                Person(user_id="U0SALES01", department="Sales"),
                Person(user_id="U0LEGAL01", department="Legal"),
            ]
        )
        ideas = [
            Idea(
                text=text,
                author_id=author,
                author_department=department,
                channel_id="C0IDEAS01",
                message_ts=f"1792000000.00000{n}",
                created_at=MID_OCTOBER + timedelta(hours=n),
                posted_at=MID_OCTOBER + timedelta(hours=n),
            )
            for n, (text, author, department) in enumerate(
                [
                    ("Rotate on-call with sales", "U0ENG0001", "Engineering"),
                    ("Standing desks", "U0ENG0002", "Engineering"),
                    ("Shorter quotes", "U0SALES01", "Sales"),
                ]
            )
        ]
        session.add_all(ideas)
        await session.flush()
        session.add_all(
            VoteReaction(
                idea_id=ideas[number].id or 0,
                voter_id=voter,
                voter_department=department,
                emoji="+1",
                event_ts="1792000100.000000",
                created_at=MID_OCTOBER + timedelta(days=1),
                updated_at=MID_OCTOBER + timedelta(days=1),
            )
            for number, voter, department in [
                (0, "U0SALES01", "Sales"),
                (0, "U0ENG0002", "Engineering"),
                (1, "U0SALES01", "Sales"),
                (2, "U0ENG0001", "Engineering"),
                (2, "U0ENG0002", "Engineering"),
            ]
        )


def reports(hall: Harness) -> list[dict]:
    return [m for m in hall.fake.messages(LEADERS) if "thread_ts" not in m]


def charts(hall: Harness) -> list[FakeFile]:
    return [f for f in hall.fake.files.values() if f.completed]


async def test_the_report_is_posted_once_with_its_chart_in_the_thread(leaders: Harness) -> None:
    await an_october(leaders)

    first = await run_job(JOBS[report.JOB].name, leaders.runtime, now=POSTED_ON, period="2026-10")
    again = await run_job("monthly-report", leaders.runtime, now=POSTED_ON + timedelta(hours=1))

    assert "posted" in first.summary() and "chart shared" in first.summary()
    assert "already posted" in again.summary() and "chart already shared" in again.summary()
    [post] = reports(leaders)
    text = post["text"]
    assert "Lightbulb report for October 2026" in text
    assert "3 ideas from 3 people" in text and "3 voters" in text
    assert "Funnel: 3 new" in text and "Median time to a first decision" in text
    assert "Experiments:" in text and "Protected exploration time" in text
    assert "Top departments: Engineering (2 ideas, 2 people, 2 voters)" in text
    assert "Quiet departments: Legal" in text
    assert post["metadata"]["event_payload"] == {"job": "monthly-report", "period": "2026-10"}
    [chart] = charts(leaders)
    assert chart.content is not None and chart.content.startswith(PNG_SIGNATURE)
    assert (chart.channel, chart.thread_ts) == (LEADERS, post["ts"])
    assert chart.title == "Lightbulb report 2026-10: participation and funnel"
    assert chart.alt_txt and "Engineering" in chart.alt_txt
    thread = [m for m in leaders.fake.messages(LEADERS) if m.get("thread_ts") == post["ts"]]
    assert [f["id"] for m in thread for f in m["files"]] == [chart.id]


async def test_without_a_leaders_channel_nothing_is_posted(bot: Harness) -> None:
    await an_october(bot)

    result = await report.run(bot.runtime, now=POSTED_ON)

    assert result.summary() == "monthly-report 2026-10: no LEADERS_CHANNEL; nothing posted."
    assert bot.fake.calls_to("chat.postMessage") == [] and bot.fake.files == {}


async def test_a_chart_slack_refused_is_shared_by_the_next_run_once(leaders: Harness) -> None:
    await an_october(leaders)
    leaders.fake.fail_next("files.getUploadURLExternal", error="ratelimited")

    down = await report.run(leaders.runtime, now=POSTED_ON)
    assert down.delivery is not None and down.delivery.outcome == "posted"
    assert down.chart == "failed" and charts(leaders) == []

    back = await report.run(leaders.runtime, now=POSTED_ON + timedelta(minutes=5))
    later = await report.run(leaders.runtime, now=POSTED_ON + timedelta(minutes=10))

    assert (back.chart, later.chart) == ("shared", "already shared")
    assert len(reports(leaders)) == 1 and len(charts(leaders)) == 1


async def test_an_upload_whose_answer_was_lost_is_found_not_repeated(leaders: Harness) -> None:
    await an_october(leaders)
    leaders.fake.lose_answer_next("files.completeUploadExternal", status=503)

    lost = await report.run(leaders.runtime, now=POSTED_ON)
    assert lost.chart == "failed" and len(charts(leaders)) == 1

    again = await report.run(leaders.runtime, now=POSTED_ON + timedelta(minutes=5))

    assert again.chart == "recovered"
    assert len(charts(leaders)) == 1 and len(leaders.fake.calls_to("upload")) == 1


async def test_a_process_that_died_mid_upload_leaves_one_chart(leaders: Harness) -> None:
    await an_october(leaders)
    first = await report.run(leaders.runtime, now=POSTED_ON)
    assert first.chart == "shared"
    # As if the process had died after Slack took the chart, before it was recorded.
    async with leaders.db.session() as session:
        run = await job_runs.get(session=session, job=report.CHART_JOB, period="2026-10")
        assert run is not None
        run.status, run.claimed_at = job_runs.CLAIMED, POSTED_ON

    early = await report.run(leaders.runtime, now=POSTED_ON + timedelta(minutes=5))
    late = await report.run(leaders.runtime, now=POSTED_ON + timedelta(minutes=30))

    assert (early.chart, late.chart) == ("in progress elsewhere", "recovered")
    assert len(charts(leaders)) == 1 and len(reports(leaders)) == 1


async def test_two_replicas_racing_post_one_report_and_one_chart(leaders: Harness) -> None:
    await an_october(leaders)
    leaders.fake.hold("chat.postMessage")
    racing = [asyncio.create_task(report.run(leaders.runtime, now=POSTED_ON)) for _ in range(2)]
    await leaders.fake.wait_for("chat.postMessage")
    # The replica that lost the claim is done while the winner's post is still on its way.
    await asyncio.wait(racing, return_when=asyncio.FIRST_COMPLETED)
    leaders.fake.release("chat.postMessage")

    outcomes = sorted(
        (r.delivery.outcome if r.delivery else "") for r in await asyncio.gather(*racing)
    )

    assert outcomes == ["in progress elsewhere", "posted"]
    assert len(reports(leaders)) == 1 and len(charts(leaders)) == 1


async def test_a_stuck_report_claim_is_taken_over_and_posted_once(leaders: Harness) -> None:
    await an_october(leaders)
    async with leaders.db.session() as session:
        session.add(
            JobRun(
                job="monthly-report",
                period="2026-10",
                status=job_runs.CLAIMED,
                claimed_at=POSTED_ON,
                claimed_by="gone:1",
            )
        )

    taken = await report.run(leaders.runtime, now=POSTED_ON + timedelta(minutes=30))

    assert taken.delivery is not None and taken.delivery.outcome == "posted"
    assert taken.chart == "shared"
    assert len(reports(leaders)) == 1 and len(charts(leaders)) == 1


async def test_the_cli_writes_the_chart_and_prints_the_report(
    leaders: Harness, tmp_path: Path
) -> None:
    await an_october(leaders)
    out = tmp_path / "report.png"

    code, stdout, stderr = await run_cli(
        tmp_path,
        "report",
        "--period",
        "2026-10",
        "--out",
        str(out),
        DATABASE_URL=leaders.runtime.settings.database_url,
    )

    assert code == 0, stderr
    assert out.read_bytes().startswith(PNG_SIGNATURE)
    assert "Lightbulb report for October 2026" in stdout and "3 ideas" in stdout
    assert str(out) in stdout
    assert leaders.fake.calls_to("chat.postMessage") == [] and leaders.fake.files == {}


async def test_the_cli_explains_a_bad_period(leaders: Harness, tmp_path: Path) -> None:
    code, _, stderr = await run_cli(
        tmp_path,
        "report",
        "--period",
        "October",
        "--out",
        str(tmp_path / "r.png"),
        DATABASE_URL=leaders.runtime.settings.database_url,
    )

    assert code == 2 and "YYYY-MM" in stderr and "Traceback" not in stderr
    assert not (tmp_path / "r.png").exists()
