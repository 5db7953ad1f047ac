"""Job `exploration-checkins` and the answers, through the real app and fake Slack: members of
the exploration groups are asked on Friday afternoon in their own timezone, once a week, and
answer with a button they can change until the week ends."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from bot.exploration import answering
from bot.exploration.blocks import ANSWER_ACTION, EXPERIMENT_ACTION
from bot.exploration.service import CheckinReport
from scheduler.jobs import run_job
from storage import experiments
from storage.exploration import protected_by_department
from storage.people_models import ExplorationCheckin, Person
from tests.harness import ADMIN, TEAM_ID, Harness, Reply, eventually, start_harness

JOB = "exploration-checkins"
ALICE, BOB, TOKYO = "U0ALICE01", "U0BOB0001", "U0TOKYO01"
OUTSIDER, ROBOT, GONE = "U0OUTSDR1", "U0ROBOT01", "U0GONE001"
FRIDAY_15_UTC = datetime(2026, 11, 20, 15, tzinfo=UTC)
WEEK = "2026-W47"

pytestmark = pytest.mark.settings(EXPLORATION_GROUPS="explorers,makers")


def people(lab: Harness) -> None:
    lab.fake.add_user(ALICE)
    lab.fake.add_user(BOB)
    lab.fake.add_user(TOKYO, tz="Asia/Tokyo")
    lab.fake.add_user(OUTSIDER)
    lab.fake.add_user(ROBOT, is_bot=True)
    lab.fake.add_user(GONE, deleted=True)
    lab.fake.add_usergroup("explorers", name="Explorers", users=[ALICE, TOKYO, ROBOT])
    lab.fake.add_usergroup("makers", name="Makers", users=[ALICE, BOB, GONE])
    lab.fake.add_usergroup("sales", name="Sales", users=[OUTSIDER])


async def run(harness: Harness, now: datetime) -> CheckinReport:
    """The job as the timetable runs it, at the time given."""
    report = await run_job(JOB, harness.runtime, now=now)
    assert isinstance(report, CheckinReport)
    return report


def questions_to(lab: Harness, user: str) -> list[dict]:
    return [c.args for c in lab.fake.calls_to("chat.postMessage") if c.args["channel"] == user]


async def checkins(lab: Harness) -> dict[str, ExplorationCheckin]:
    async with lab.db.session() as session:
        rows = (await session.execute(select(ExplorationCheckin))).scalars()
        return {row.user_id: row for row in rows}


def this_weeks_friday() -> datetime:
    """Friday 15:00 UTC of the week the real clock is in: clicks made now fall in its week."""
    today = datetime.now(UTC).date()
    friday = today - timedelta(days=today.weekday()) + timedelta(days=4)
    return datetime(friday.year, friday.month, friday.day, 15, tzinfo=UTC)


async def pick_experiment(lab: Harness, value: str, *, user: str, channel: str) -> Reply:
    """A choice in the question's experiment menu (`block_actions` with a `selected_option`)."""
    return await lab.interact(
        {
            "type": "block_actions",
            "team": {"id": TEAM_ID, "domain": "acme"},
            "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
            "api_app_id": "A0LIGHT01",
            "trigger_id": "trigger-pick",
            "response_url": lab.fake.response_url("pick"),
            "container": {"type": "message", "channel_id": channel, "is_ephemeral": False},
            "channel": {"id": channel},
            "actions": [
                {
                    "type": "static_select",
                    "action_id": EXPERIMENT_ACTION,
                    "block_id": EXPERIMENT_ACTION,
                    "selected_option": {
                        "text": {"type": "plain_text", "text": "x"},
                        "value": value,
                    },
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
    )


async def test_group_members_are_asked_on_friday_afternoon_in_their_own_timezone(
    lab: Harness,
) -> None:
    people(lab)
    async with lab.db.session() as session:
        session.add(Person(user_id=ALICE, department="Sales"))

    morning = await run(lab, FRIDAY_15_UTC - timedelta(hours=5))
    assert (morning.asked, questions_to(lab, ALICE)) == (0, [])

    report = await run(lab, FRIDAY_15_UTC)

    [question] = questions_to(lab, ALICE)
    assert question["text"] == "How much time did you spend exploring this week?"
    [answers] = [b for b in question["blocks"] if b["type"] == "actions"]
    assert [(e["text"]["text"], e["value"]) for e in answers["elements"]] == [
        ("None", f"{WEEK}:none"),
        ("Under 2 h", f"{WEEK}:under_2h"),
        ("2–4 h", f"{WEEK}:2_4h"),
        ("More than 4 h", f"{WEEK}:more"),
    ]
    assert [len(questions_to(lab, p)) for p in (BOB, OUTSIDER, ROBOT, GONE)] == [1, 0, 0, 0]
    assert questions_to(lab, TOKYO) == []  # past midnight in Tokyo
    assert (report.asked, report.not_people) == (2, 2)
    rows = await checkins(lab)
    assert (rows[ALICE].week, rows[ALICE].department, rows[BOB].department) == (WEEK, "Sales", None)
    assert rows[ALICE].channel_id == "D0ALICE01" and rows[ALICE].message_ts

    tokyo_afternoon = FRIDAY_15_UTC - timedelta(hours=9)  # 15:00 in Tokyo, 06:00 UTC
    await run(lab, tokyo_afternoon)
    assert len(questions_to(lab, TOKYO)) == 1


async def test_a_user_group_slack_does_not_know_is_named_in_a_warning(
    lab: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    lab.fake.add_user(ALICE)
    lab.fake.add_usergroup("explorers", name="Explorers", users=[ALICE])

    with caplog.at_level(logging.WARNING):
        report = await run(lab, FRIDAY_15_UTC)

    assert report.asked == 1
    assert "@makers" in caplog.text and "EXPLORATION_GROUPS" in caplog.text


async def test_runs_and_replicas_ask_each_person_once_a_week(
    lab: Harness, migrated_url: str
) -> None:
    people(lab)
    other, close = await start_harness(
        migrated_url, slack=lab.fake, ADMIN_USER_IDS=ADMIN, EXPLORATION_GROUPS="explorers,makers"
    )
    try:
        await asyncio.gather(*(run(replica, FRIDAY_15_UTC) for replica in (lab, other, lab)))
        await run(other, FRIDAY_15_UTC + timedelta(hours=1))
    finally:
        await close(keep_slack=True)

    assert (len(questions_to(lab, ALICE)), len(questions_to(lab, BOB))) == (1, 1)
    await run(lab, FRIDAY_15_UTC + timedelta(days=7))
    assert len(questions_to(lab, ALICE)) == 2
    async with lab.db.session() as session:
        weeks = (
            await session.execute(select(ExplorationCheckin.user_id, ExplorationCheckin.week))
        ).all()
    assert sorted(weeks) == [(ALICE, WEEK), (ALICE, "2026-W48"), (BOB, WEEK), (BOB, "2026-W48")]


async def test_a_dm_slack_refuses_is_asked_again_on_the_next_run(lab: Harness) -> None:
    people(lab)
    lab.fake.fail_next("chat.postMessage", error="channel_not_found")

    first = await run(lab, FRIDAY_15_UTC)
    assert first.failed == 1 and len(await checkins(lab)) == first.asked == 1

    second = await run(lab, FRIDAY_15_UTC + timedelta(minutes=15))
    assert second.asked == 1 and len(await checkins(lab)) == 2


async def test_the_button_stores_the_answer_and_thanks_in_place(lab: Harness) -> None:
    people(lab)
    await run(lab, this_weeks_friday())
    row = (await checkins(lab))[ALICE]
    week, channel, ts = row.week, row.channel_id or "", row.message_ts or ""

    await lab.click(f"{ANSWER_ACTION}_2_4h", f"{week}:2_4h", user=ALICE, channel=channel)

    async def answered() -> ExplorationCheckin | None:
        found = (await checkins(lab))[ALICE]
        return found if found.answer == "2_4h" else None

    first = await eventually(answered)
    assert first.answered_at is not None
    await lab.fake.wait_until(lambda: lab.fake.message(channel, ts)["text"].startswith("Thanks"))
    message = lab.fake.message(channel, ts)
    assert message["text"].startswith("Thanks: you spent 2–4 h exploring this week.")
    [buttons] = [b["elements"] for b in message["blocks"] if b["type"] == "actions"]
    assert [b.get("style") for b in buttons] == [None, None, "primary", None]

    # The same click again, as a double-click or a retry: nothing changes.
    await lab.click(f"{ANSWER_ACTION}_2_4h", f"{week}:2_4h", user=ALICE, channel=channel)
    await lab.fake.wait_for("chat.update", 2)
    assert (await checkins(lab))[ALICE].answered_at == first.answered_at

    await lab.click(f"{ANSWER_ACTION}_under_2h", f"{week}:under_2h", user=ALICE, channel=channel)
    await lab.fake.wait_until(
        lambda: "under 2 h" in lab.fake.message(channel, ts)["text"], what="the changed answer"
    )
    assert (await checkins(lab))[ALICE].answer == "under_2h"
    assert lab.fake.responses == []  # all said in the question itself


async def test_a_click_after_the_week_ended_is_refused_kindly(lab: Harness) -> None:
    people(lab)
    last_week = this_weeks_friday() - timedelta(days=7)
    await run(lab, last_week)
    row = (await checkins(lab))[ALICE]
    await answering.answer(lab.runtime, user_id=ALICE, value=f"{row.week}:more", now=last_week)

    await lab.click(f"{ANSWER_ACTION}_none", f"{row.week}:none", user=ALICE, channel="D0ALICE01")

    [note] = await lab.fake.wait_for_responses()
    assert f"Week {row.week} has ended" in note["text"] and "stays at more than 4 h" in note["text"]
    assert note["response_type"] == "ephemeral"
    assert (await checkins(lab))[ALICE].answer == "more"


async def test_a_click_without_a_question_is_explained(lab: Harness) -> None:
    await lab.click(f"{ANSWER_ACTION}_none", "2026-W47:none", user=ALICE, channel="D0ALICE01")

    [note] = await lab.fake.wait_for_responses()
    assert "no exploration question for you about week 2026-W47" in note["text"]


async def test_the_time_can_be_linked_to_ones_own_running_experiment(lab: Harness) -> None:
    people(lab)
    async with lab.db.session() as session:
        mine = await experiments.create_experiment(
            session=session,
            hypothesis="We believe   a <b>weekly</b> demo lifts morale",
            metric="eNPS",
            owner_id=ALICE,
            started_by=ALICE,
            ends_on=date(2099, 1, 1),
        )
        await experiments.add_update(
            session=session, experiment_id=mine.id or 0, author_id=BOB, text="Week 1 done"
        )
        theirs = await experiments.create_experiment(
            session=session,
            hypothesis="Someone else's",
            metric="m",
            owner_id=OUTSIDER,
            started_by=OUTSIDER,
            ends_on=date(2099, 1, 1),
        )
    await run(lab, this_weeks_friday())
    rows = await checkins(lab)
    week, channel, ts = rows[ALICE].week, rows[ALICE].channel_id or "", rows[ALICE].message_ts

    for person in (ALICE, BOB):  # the owner, and someone on it
        [question] = questions_to(lab, person)
        [menu] = [
            e
            for b in question["blocks"]
            if b["type"] == "actions"
            for e in b["elements"]
            if e["type"] == "static_select"
        ]
        assert menu["placeholder"]["text"] == "Which experiment was it for?"
        assert [o["value"] for o in menu["options"]] == [f"{week}:{mine.id}"]
        assert (
            menu["options"][0]["text"]["text"]
            == f"#{mine.id} We believe a <b>weekly</b> demo lifts morale"
        )

    await pick_experiment(lab, f"{week}:{mine.id}", user=ALICE, channel=channel)

    async def linked() -> bool:
        return (await checkins(lab))[ALICE].experiment_id == mine.id

    await eventually(linked)
    await lab.fake.wait_for("chat.update")
    [menu] = [
        e
        for b in lab.fake.message(channel, ts or "")["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["type"] == "static_select"
    ]
    assert menu["initial_option"]["value"] == f"{week}:{mine.id}"

    await pick_experiment(lab, f"{week}:{theirs.id}", user=ALICE, channel=channel)
    [note] = await lab.fake.wait_for_responses()
    assert f"Experiment #{theirs.id} is not a running experiment of yours" in note["text"]
    assert (await checkins(lab))[ALICE].experiment_id == mine.id


async def test_protected_time_by_department(bot: Harness) -> None:
    rows = [
        # (user, week, department, answer)
        ("U1", "2026-W44", "Sales", "more"),  # Monday 26 October: before November
        ("U1", "2026-W45", "Sales", "2_4h"),  # Monday 2 November
        ("U2", "2026-W45", "Sales", None),
        ("U3", "2026-W45", "Sales", "under_2h"),
        ("U1", "2026-W49", "Sales", "more"),  # Monday 30 November
        ("U4", "2026-W49", "Support", "none"),
        ("U5", "2026-W49", None, "more"),
        ("U4", "2026-W50", "Support", "more"),  # Monday 7 December: after
    ]
    async with bot.db.session() as session:
        for user, week, department, answer in rows:
            session.add(
                ExplorationCheckin(user_id=user, week=week, department=department, answer=answer)
            )

    async with bot.db.session() as session:
        november = await protected_by_department(
            session=session,
            start=datetime(2026, 11, 1, tzinfo=UTC),
            end=datetime(2026, 12, 1, tzinfo=UTC),
        )
        # November in New York, and in Tokyo, as the stats give it: the same weeks.
        in_new_york = await protected_by_department(
            session=session,
            start=datetime(2026, 11, 1, 4, tzinfo=UTC),
            end=datetime(2026, 12, 1, 5, tzinfo=UTC),
        )
        in_tokyo = await protected_by_department(
            session=session,
            start=datetime(2026, 10, 31, 15, tzinfo=UTC),
            end=datetime(2026, 11, 30, 15, tzinfo=UTC),
        )
        nothing = await protected_by_department(
            session=session,
            start=datetime(2027, 1, 1, tzinfo=UTC),
            end=datetime(2027, 2, 1, tzinfo=UTC),
        )

    # Sales: U1 W45 (2–4 h), U2 unanswered, U3 (under 2 h), U1 W49 (more).
    assert november == {"Sales": (4, 3, 2), "Support": (1, 1, 0), None: (1, 1, 1)}
    assert in_new_york == in_tokyo == november
    assert nothing == {}
