"""Job `monthly-awards` through the real bot: who wins, how it is announced, and that it is
announced exactly once whatever Slack and the processes running it do."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import col

from bot.awards import service as awards
from bot.awards import weighing
from bot.core import periods
from bot.experiments import blocks as experiment_blocks
from bot.foundation.delivery import METADATA_EVENT
from bot.slack.users import UserDirectory
from scheduler.jobs import JOBS, run_due
from storage import experiments as experiment_store
from storage import job_runs
from storage.claim_models import JobRun
from storage.models import Award, Idea, Learning, VoteReaction
from storage.people_models import Person
from tests.harness import BOT_TOKEN, IDEAS_CHANNEL, LAB_CHANNEL, Harness, start_harness
from tests.processes import run_cli

AWARDS = "C0AWARDS01"
OCTOBER_ANNOUNCED = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
MID_OCTOBER = datetime(2026, 10, 15, 12, 0, tzinfo=UTC)
# The department recorded on each vote when it was cast (DEPARTMENT_SOURCE decides where it
# comes from); the profile titles below say something else on purpose: awards never ask Slack.
DEPARTMENTS = {
    "U0ENG0001": "Engineering",
    "U0ENG0002": "Engineering",
    "U0SALES01": "Sales",
    "U0OPS0001": "Operations",
    "U0LEGAL01": "Legal",
    "U0NOTITLE": None,
}
AUTHORS_DEPARTMENT = "Product"


@pytest.fixture
async def hall(migrated_url: str) -> AsyncIterator[Harness]:
    harness, close = await start_harness(
        migrated_url, AWARDS_CHANNEL=AWARDS, EXPERIMENTS_CHANNEL=LAB_CHANNEL
    )
    for person in DEPARTMENTS:
        harness.fake.add_user(person, title="Chief Everything Officer")
    for author in ("U0AUTHOR1", "U0AUTHOR2", "U0AUTHOR3", "U0AUTHOR4"):
        harness.fake.add_user(author, title="Chief Everything Officer")
    try:
        yield harness
    finally:
        await close()


async def october_idea(
    hall: Harness, text: str, *, author: str, voters: dict[str, timedelta]
) -> Idea:
    """An idea posted in mid-October, with each voter's vote `offset` after it and the
    departments recorded then."""
    idea = await hall.share_idea(text, author=author)
    judged = sum(hall.runtime.votes.verdicts.values())
    for voter in voters:
        await hall.react(idea, voter)
    await hall.wait_judged(judged + len(voters))
    await hall.runtime.votes.drain()
    # Newcomers are looked up in the background (users.info) and their rows filled in: done
    # before the month's facts are set, so nothing runs behind the test's back.
    await hall.runtime.newcomers.drain()
    async with hall.db.session() as session:
        await session.execute(
            sa.update(Idea)
            .where(col(Idea.id) == idea.id)
            .values(created_at=MID_OCTOBER, author_department=AUTHORS_DEPARTMENT)
        )
        for voter, offset in voters.items():
            await session.execute(
                sa.update(VoteReaction)
                .where(col(VoteReaction.idea_id) == idea.id, col(VoteReaction.voter_id) == voter)
                .values(updated_at=MID_OCTOBER + offset, voter_department=DEPARTMENTS.get(voter))
            )
    return idea


async def october_learning(hall: Harness, learned: str, *, author: str, voters: list[str]) -> None:
    async with hall.db.session() as session:
        experiment = await experiment_store.create_experiment(
            session=session,
            hypothesis=f"Hypothesis behind {learned}",
            metric="m",
            owner_id=author,
            started_by=author,
            ends_on=MID_OCTOBER.date(),
        )
        assert experiment.id is not None
        learning = await experiment_store.conclude(
            session=session,
            experiment_id=experiment.id,
            outcome="invalidated",
            learned=learned,
            next_step="Next",
            author_id=author,
        )
    assert learning is not None
    card = await hall.runtime.client.chat_postMessage(
        channel=LAB_CHANNEL, **experiment_blocks.learning_card(experiment, learning, None)
    )
    reactions = [{"name": "bulb", "users": [*voters, author], "count": len(voters) + 1}]
    hall.fake.set_reactions(LAB_CHANNEL, card["ts"], reactions)
    async with hall.db.session() as session:
        await session.execute(
            sa.update(Learning)
            .where(col(Learning.id) == learning.id)
            .values(
                created_at=MID_OCTOBER,
                channel_id=LAB_CHANNEL,
                message_ts=card["ts"],
                permalink=f"https://fake-slack.test/learning/{learning.id}",
            )
        )


def announcements(hall: Harness) -> list[dict]:
    return [m for m in hall.fake.messages(AWARDS) if "thread_ts" not in m]


def text_of(message: dict) -> str:
    parts = [message["text"]]
    for block in message["blocks"]:
        if isinstance(block.get("text"), dict):
            parts.append(block["text"]["text"])
        parts += [e.get("text", "") for e in block.get("elements", []) if isinstance(e, dict)]
    return "\n".join(parts)


def dms(hall: Harness) -> list[dict]:
    return [c.args for c in hall.fake.calls_to("chat.postMessage") if c.args["channel"][0] == "U"]


async def a_month_of_ideas(hall: Harness) -> dict[str, Idea]:
    minute = timedelta(minutes=1)
    return {
        "broad": await october_idea(
            hall,
            "Rotate <b>on-call</b> with sales",
            author="U0AUTHOR1",
            voters={"U0ENG0001": minute, "U0SALES01": minute * 2, "U0OPS0001": minute * 3},
        ),
        "second": await october_idea(
            hall,
            "Standing desks",
            author="U0AUTHOR2",
            voters={"U0ENG0001": minute, "U0ENG0002": minute * 2},
        ),
        "third": await october_idea(
            hall, "Quiet Fridays", author="U0AUTHOR3", voters={"U0LEGAL01": minute}
        ),
    }


async def test_the_announcement_names_quotes_links_and_thanks(hall: Harness) -> None:
    ideas = await a_month_of_ideas(hall)
    await october_learning(
        hall, "Nobody reads <!channel> newsletters", author="U0AUTHOR4", voters=["U0OPS0001"]
    )

    report = await awards.run(hall.runtime, now=OCTOBER_ANNOUNCED)

    assert report.delivery.outcome == "posted", report.summary()
    [post] = announcements(hall)
    text = text_of(post)
    assert "October 2026" in text
    broad = ideas["broad"].permalink
    assert broad and "<@U0AUTHOR1>" in text and broad in text
    assert "Rotate &lt;b&gt;on-call&lt;/b&gt; with sales" in text and "<b>" not in text
    assert "3 votes from 3 departments" in text
    assert "Runner-ups: <@U0AUTHOR2>" in text and "<@U0AUTHOR3>" in text
    assert "Learning of the month" in text and "&lt;!channel&gt;" in text
    # Engineering (two voters), Sales, Operations, Legal, and the authors' Product
    assert "3 ideas, 5 voters, 5 departments" in text
    assert "`/idea help awards`" in text
    assert post["metadata"]["event_payload"] == {"job": "monthly-awards", "period": "2026-10"}
    congratulated = {dm["channel"] for dm in dms(hall)}
    assert congratulated == {"U0AUTHOR1", "U0AUTHOR4"}  # no spark: the broad idea won already
    assert all("Congratulations" in dm["text"] for dm in dms(hall))


async def test_a_tie_goes_to_breadth_then_to_whoever_got_there_first(hall: Harness) -> None:
    minute = timedelta(minutes=1)
    await october_idea(
        hall,
        "Narrow but early",
        author="U0AUTHOR1",
        voters={"U0ENG0001": minute, "U0ENG0002": minute},
    )
    await october_idea(
        hall,
        "Broad but late",
        author="U0AUTHOR2",
        voters={"U0ENG0001": minute * 50, "U0SALES01": minute * 60},
    )
    await october_idea(
        hall,
        "Broad and early",
        author="U0AUTHOR3",
        voters={"U0OPS0001": minute * 5, "U0LEGAL01": minute * 6},
    )

    await awards.run(hall.runtime, now=OCTOBER_ANNOUNCED)

    async with hall.db.session() as session:
        kept = (
            await session.execute(sa.select(Award).order_by(col(Award.category), col(Award.rank)))
        ).all()
    places = [(a.category, a.rank, a.title) for (a,) in kept]
    assert places[:3] == [
        ("cross-functional-spark", 1, "Broad but late"),
        ("idea-of-the-month", 1, "Broad and early"),
        ("idea-of-the-month", 2, "Broad but late"),
    ]


async def test_a_tie_across_the_first_cut_is_read_again_wider(
    hall: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cut of one idea splits the tie at the top: the awards read wider, not stop short."""
    monkeypatch.setattr(weighing, "FIRST_CUT", 1)
    await test_a_tie_goes_to_breadth_then_to_whoever_got_there_first(hall)


async def test_nobody_wins_the_same_award_twice_in_a_row(hall: Harness) -> None:
    async with hall.db.session() as session:
        session.add(
            Award(
                period="2026-09",
                category="idea-of-the-month",
                rank=1,
                winner_id="U0AUTHOR1",
                title="September's winner",
                votes=9,
            )
        )
    await a_month_of_ideas(hall)

    await awards.run(hall.runtime, now=OCTOBER_ANNOUNCED)

    text = text_of(announcements(hall)[0])
    winner_line = text.split("Idea of the month*\n", 1)[1].splitlines()[0]
    assert winner_line.startswith("<@U0AUTHOR2>")
    assert "Runner-ups: <@U0AUTHOR1>" in text


async def test_a_quiet_month_gets_a_short_encouraging_post(hall: Harness) -> None:
    report = await awards.run(hall.runtime, now=OCTOBER_ANNOUNCED)

    assert report.delivery.delivered
    [post] = announcements(hall)
    assert "No ideas were shared in October 2026" in post["text"]
    assert "`/idea`" in post["text"] and dms(hall) == []


async def test_running_twice_posts_once_and_congratulates_once(hall: Harness) -> None:
    await a_month_of_ideas(hall)

    first = await awards.run(hall.runtime, now=OCTOBER_ANNOUNCED)
    second = await awards.run(hall.runtime, now=OCTOBER_ANNOUNCED + timedelta(hours=1))

    assert (first.delivery.outcome, second.delivery.outcome) == ("posted", "already posted")
    assert len(announcements(hall)) == 1
    assert [dm["channel"] for dm in dms(hall)] == ["U0AUTHOR1"]


async def test_slack_down_then_back_gives_exactly_one_announcement(hall: Harness) -> None:
    await a_month_of_ideas(hall)
    hall.fake.outage("chat.postMessage", status=503)

    down = await awards.run(hall.runtime, now=OCTOBER_ANNOUNCED)
    assert not down.delivery.delivered and "NOT posted" in down.summary()
    hall.fake.clear_faults()
    await october_idea(
        hall, "A late entry that must not change history", author="U0AUTHOR4", voters={}
    )
    judged = sum(hall.runtime.votes.verdicts.values())
    for voter in ("U0ENG0001", "U0SALES01", "U0OPS0001", "U0LEGAL01"):
        await hall.react((await stored(hall, "Standing desks")), voter)
    await hall.wait_judged(judged + 4)  # the late votes are in before the announcement

    back = await awards.run(hall.runtime, now=OCTOBER_ANNOUNCED + timedelta(minutes=10))
    later = await awards.run(hall.runtime, now=OCTOBER_ANNOUNCED + timedelta(minutes=20))

    assert (back.delivery.outcome, later.delivery.outcome) == ("posted", "already posted")
    [post] = announcements(hall)
    winner_line = text_of(post).split("Idea of the month*\n", 1)[1].splitlines()[0]
    assert winner_line.startswith("<@U0AUTHOR1>")  # as composed before the late votes


async def test_an_announcement_slack_took_but_never_answered_is_posted_once(
    hall: Harness,
) -> None:
    await a_month_of_ideas(hall)
    hall.fake.lose_answer_next("chat.postMessage", status=502)

    unanswered = await awards.run(hall.runtime, now=OCTOBER_ANNOUNCED)
    swept = await awards.run(hall.runtime, now=OCTOBER_ANNOUNCED + timedelta(minutes=10))
    later = await awards.run(hall.runtime, now=OCTOBER_ANNOUNCED + timedelta(minutes=20))

    assert (unanswered.delivery.outcome, swept.delivery.outcome, later.delivery.outcome) == (
        "failed",
        "recovered",
        "already posted",
    )
    [post] = announcements(hall)
    assert swept.delivery.message_ts == post["ts"]


async def stored(hall: Harness, text: str) -> Idea:
    async with hall.db.session() as session:
        return (await session.execute(sa.select(Idea).where(col(Idea.text) == text))).scalar_one()


async def test_a_stuck_claim_whose_post_went_out_is_not_posted_again(hall: Harness) -> None:
    crashed_at = OCTOBER_ANNOUNCED
    async with hall.db.session() as session:
        session.add(
            JobRun(
                job="monthly-awards",
                period="2026-10",
                status=job_runs.CLAIMED,
                claimed_at=crashed_at,
                claimed_by="gone:1",
                payload=json.dumps({"text": "The awards"}),
            )
        )
    # The crashed process had posted; it died before recording it.
    await hall.runtime.client.chat_postMessage(
        channel=AWARDS,
        text="The awards",
        metadata={
            "event_type": METADATA_EVENT,
            "event_payload": {"job": "monthly-awards", "period": "2026-10"},
        },
    )

    early = await awards.run(hall.runtime, now=crashed_at + timedelta(minutes=5))
    late = await awards.run(hall.runtime, now=crashed_at + timedelta(minutes=30))

    assert early.delivery.outcome == "in progress elsewhere"
    assert late.delivery.outcome == "recovered"
    assert len(announcements(hall)) == 1


async def test_a_stuck_claim_whose_post_never_went_out_is_posted_once(hall: Harness) -> None:
    async with hall.db.session() as session:
        session.add(
            JobRun(
                job="monthly-awards",
                period="2026-10",
                status=job_runs.CLAIMED,
                claimed_at=OCTOBER_ANNOUNCED,
                claimed_by="gone:1",
            )
        )

    hall.fake.fail_next("conversations.history", error="ratelimited")
    unsure = await awards.run(hall.runtime, now=OCTOBER_ANNOUNCED + timedelta(minutes=30))
    assert unsure.delivery.outcome == "unverified" and announcements(hall) == []

    taken = await awards.run(hall.runtime, now=OCTOBER_ANNOUNCED + timedelta(minutes=31))
    again = await awards.run(hall.runtime, now=OCTOBER_ANNOUNCED + timedelta(minutes=60))

    assert (taken.delivery.outcome, again.delivery.outcome) == ("posted", "already posted")
    assert len(announcements(hall)) == 1


async def test_the_timetable_takes_over_a_claim_left_by_a_process_that_died(hall: Harness) -> None:
    """The timetable runs a job for its scheduled moment, days ago perhaps; the claim's age
    is still measured on the clock."""
    job = JOBS["monthly-awards"]
    now = datetime.now(UTC)
    fire = periods.latest_fire_time(
        job.trigger(hall.runtime.settings), now=now, lookback=job.catch_up_within
    )
    assert fire is not None and job.period_of is not None
    period = job.period_of(fire.astimezone(hall.runtime.settings.tz))
    async with hall.db.session() as session:
        session.add(
            JobRun(
                job=job.name,
                period=period,
                status=job_runs.CLAIMED,
                claimed_at=now - timedelta(minutes=20),
                claimed_by="gone:1",
            )
        )

    report = await run_due(job, hall.runtime, now=now)

    assert report is not None and "posted" in report.summary()
    assert len(announcements(hall)) == 1


async def test_three_processes_racing_post_one_announcement(hall: Harness, tmp_path: Path) -> None:
    await a_month_of_ideas(hall)
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": hall.fake.api_url,
        "IDEAS_CHANNEL": IDEAS_CHANNEL,
        "AWARDS_CHANNEL": AWARDS,
        "DATABASE_URL": hall.runtime.settings.database_url,
    }

    results = await asyncio.gather(
        *(run_cli(tmp_path, "job", "monthly-awards", "--period", "2026-10", **env) for _ in "abc")
    )

    assert [code for code, _, _ in results] == [0, 0, 0], [err for _, _, err in results]
    outcomes = sorted(out.split(": ", 1)[1].split(";")[0].strip(" .\n") for _, out, _ in results)
    assert outcomes.count("posted") == 1, outcomes
    assert len(announcements(hall)) == 1
    assert [dm["channel"] for dm in dms(hall)] == ["U0AUTHOR1"]

    code, out, _ = await run_cli(tmp_path, "export", "--awards", "--format", "json", **env)
    assert code == 0
    exported = json.loads(out)
    assert {(a["category"], a["rank"]) for a in exported} >= {("idea-of-the-month", 1)}
    assert all(a["period"] == "2026-10" for a in exported)


async def test_a_bad_period_is_explained(hall: Harness, tmp_path: Path) -> None:
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": hall.fake.api_url,
        "IDEAS_CHANNEL": IDEAS_CHANNEL,
        "DATABASE_URL": hall.runtime.settings.database_url,
    }

    code, _, err = await run_cli(tmp_path, "job", "monthly-awards", "--period", "Oct", **env)

    assert code == 2 and "YYYY-MM" in err and "Traceback" not in err


async def test_help_awards_publishes_the_rule(hall: Harness) -> None:
    reply = await hall.command("help awards")

    text = reply.json()["text"]
    assert "departments" in text and "two months running" in text


async def kept_awards(hall: Harness) -> list[Award]:
    async with hall.db.session() as session:
        return list((await session.execute(sa.select(Award))).scalars())


async def test_departments_are_those_recorded_when_people_voted(hall: Harness) -> None:
    """Slack's profiles are not read for ideas: a process that has just started, with
    users.info down, still announces; and someone who moved after voting counts for the
    department they were in then."""
    minute = timedelta(minutes=1)
    await october_idea(
        hall,
        "Two voters, one department then",
        author="U0AUTHOR1",
        voters={"U0ENG0001": minute, "U0ENG0002": minute},
    )
    await october_idea(
        hall,
        "Two voters, two departments",
        author="U0AUTHOR2",
        voters={"U0OPS0001": minute * 30, "U0LEGAL01": minute * 40},
    )
    async with hall.db.session() as session:
        await session.merge(Person(user_id="U0ENG0002", department="Sales"))  # moved in November
    hall.runtime.users = UserDirectory(hall.runtime.client)
    hall.fake.outage("users.info", status=503)
    asked_before = len(hall.fake.calls_to("users.info"))

    report = await awards.run(hall.runtime, now=OCTOBER_ANNOUNCED)

    assert report.delivery.outcome == "posted", report.summary()
    assert len(hall.fake.calls_to("users.info")) == asked_before
    idea_of_the_month = [a for a in await kept_awards(hall) if a.category == "idea-of-the-month"]
    assert [(a.title, a.departments) for a in sorted(idea_of_the_month, key=lambda a: a.rank)] == [
        ("Two voters, two departments", 2),
        ("Two voters, one department then", 1),
    ]


async def test_a_voter_slack_cannot_describe_keeps_nothing_until_it_can(
    hall: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A learning card's reactions count only people who are not bots: Slack must say so."""
    monkeypatch.setattr(awards, "READ_RETRY_PAUSE", 0.0)
    await a_month_of_ideas(hall)
    await october_learning(
        hall, "Nobody reads newsletters", author="U0AUTHOR4", voters=["U0OPS0001"]
    )
    hall.runtime.users = UserDirectory(hall.runtime.client)
    hall.fake.outage("users.info", status=503)

    down = await awards.run(hall.runtime, now=OCTOBER_ANNOUNCED)

    assert down.delivery.outcome == "failed" and "not ready" in (down.delivery.error or "")
    assert "could not read the profile of U0OPS0001" in (down.delivery.error or "")
    assert announcements(hall) == [] and await kept_awards(hall) == []
    assert len(hall.fake.calls_to("users.info")) > 1, "the read was not tried again"
    hall.fake.clear_faults()

    up = await awards.run(hall.runtime, now=OCTOBER_ANNOUNCED + timedelta(minutes=10))

    assert up.delivery.outcome == "posted", up.summary()
    assert "3 votes from 3 departments" in text_of(announcements(hall)[0])
    assert len(await kept_awards(hall)) == 4


async def test_reactions_slack_cannot_show_do_not_score_a_learning_zero(
    hall: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(awards, "READ_RETRY_PAUSE", 0.0)
    for person in ("U0ENG0001", "U0SALES01"):
        hall.fake.add_user(person)
    await october_learning(hall, "Shorter forms convert", author="U0AUTHOR1", voters=[])
    await october_learning(
        hall, "Nobody reads newsletters", author="U0AUTHOR2", voters=["U0ENG0001", "U0SALES01"]
    )
    hall.fake.outage("reactions.get", status=503)

    down = await awards.run(hall.runtime, now=OCTOBER_ANNOUNCED)

    assert not down.delivery.delivered and "reactions" in (down.delivery.error or "")
    assert await kept_awards(hall) == []
    hall.fake.clear_faults()

    await awards.run(hall.runtime, now=OCTOBER_ANNOUNCED + timedelta(minutes=10))

    [winner] = [a for a in await kept_awards(hall) if a.rank == 1]
    assert (winner.winner_id, winner.votes) == ("U0AUTHOR2", 2)
