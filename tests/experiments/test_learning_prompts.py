"""Job `learning-prompts`, with a controllable clock: owners are asked for their learning in
their own working hours, once per prompt, gently, and never after it is shared."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.experiments import blocks as experiment_blocks
from bot.experiments import learning_prompts
from storage import experiments as store
from storage.models import Experiment
from tests.harness import BOT_TOKEN, IDEAS_CHANNEL, Harness
from tests.processes import run_cli

OWNER = "U0OWNER01"
ENDED = date(2026, 11, 20)  # a Friday
MONDAY_10_UTC = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


async def ended_experiment(lab: Harness, *, owner: str = OWNER, tz: str = "UTC") -> Experiment:
    lab.fake.add_user(owner, tz=tz)
    async with lab.db.session() as session:
        return await store.create_experiment(
            session=session,
            hypothesis="We believe a <b>weekly</b> demo will lift morale, measured by survey",
            metric="eNPS",
            owner_id=owner,
            started_by=owner,
            ends_on=ENDED,
        )


def prompts_to(lab: Harness, owner: str = OWNER) -> list[dict]:
    return [c.args for c in lab.fake.calls_to("chat.postMessage") if c.args["channel"] == owner]


async def test_the_owner_is_asked_in_their_own_working_hours(lab: Harness) -> None:
    experiment = await ended_experiment(lab, tz="Asia/Tokyo")

    evening_in_tokyo = await learning_prompts.run(lab.runtime, now=MONDAY_10_UTC)  # 19:00 JST
    assert (evening_in_tokyo.sent, evening_in_tokyo.outside_hours) == (0, 1)
    assert prompts_to(lab) == []

    morning = MONDAY_10_UTC + timedelta(hours=15)  # Tuesday 10:00 JST
    report = await learning_prompts.run(lab.runtime, now=morning)

    assert report.sent == 1
    [prompt] = prompts_to(lab)
    assert "What did you learn?" in prompt["text"]
    buttons = [e for b in prompt["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons[0]["action_id"] == experiment_blocks.CONCLUDE_ACTION
    assert buttons[0]["value"] == experiment_blocks.button_value(experiment)
    assert [b["action_id"] for b in buttons[1:]] == [
        "experiment_snooze_3",
        "experiment_snooze_7",
        experiment_blocks.CANCEL_ACTION,
    ]
    hypothesis = prompt["blocks"][0]["text"]["text"]
    assert "&lt;b&gt;weekly&lt;/b&gt;" in hypothesis


async def test_weekends_wait_for_a_working_day(lab: Harness) -> None:
    await ended_experiment(lab)
    saturday = datetime(2026, 11, 21, 11, 0, tzinfo=UTC)

    assert (await learning_prompts.run(lab.runtime, now=saturday)).outside_hours == 1
    assert (await learning_prompts.run(lab.runtime, now=MONDAY_10_UTC)).sent == 1


async def test_nobody_is_asked_before_the_end_date(lab: Harness) -> None:
    await ended_experiment(lab)

    report = await learning_prompts.run(lab.runtime, now=datetime(2026, 11, 20, 10, tzinfo=UTC))

    assert (report.sent, report.not_due) == (0, 1)


async def test_concurrent_and_repeated_runs_send_one_prompt(lab: Harness) -> None:
    await ended_experiment(lab)

    reports = await asyncio.gather(
        *(learning_prompts.run(lab.runtime, now=MONDAY_10_UTC) for _ in range(3))
    )
    again = await learning_prompts.run(lab.runtime, now=MONDAY_10_UTC + timedelta(hours=1))

    assert sum(r.sent for r in reports) + again.sent == 1
    assert len(prompts_to(lab)) == 1


async def test_a_gentle_reminder_after_a_week_then_silence(lab: Harness) -> None:
    await ended_experiment(lab)

    await learning_prompts.run(lab.runtime, now=MONDAY_10_UTC)
    for days in (1, 3, 6):
        await learning_prompts.run(lab.runtime, now=MONDAY_10_UTC + timedelta(days=days))
    assert len(prompts_to(lab)) == 1

    await learning_prompts.run(lab.runtime, now=MONDAY_10_UTC + timedelta(days=7))
    reminder = prompts_to(lab)[-1]
    assert len(prompts_to(lab)) == 2 and "gentle reminder" in reminder["text"]

    for days in (10, 14, 21, 28):
        await learning_prompts.run(lab.runtime, now=MONDAY_10_UTC + timedelta(days=days))
    assert len(prompts_to(lab)) == 2


async def test_sharing_the_learning_stops_the_prompts(lab: Harness) -> None:
    experiment = await ended_experiment(lab)
    assert experiment.id is not None
    async with lab.db.session() as session:
        await store.conclude(
            session=session,
            experiment_id=experiment.id,
            outcome="validated",
            learned="It worked",
            next_step="Keep it",
            author_id=OWNER,
        )

    report = await learning_prompts.run(lab.runtime, now=MONDAY_10_UTC)

    assert report.sent == 0 and prompts_to(lab) == []


async def test_cancelling_from_the_prompt_stops_the_prompts(lab: Harness) -> None:
    experiment = await ended_experiment(lab)
    await learning_prompts.run(lab.runtime, now=MONDAY_10_UTC)

    value = experiment_blocks.button_value(experiment)
    await lab.click(experiment_blocks.CANCEL_ACTION, value, user=OWNER, channel="D0OWNER01")

    [answer] = await lab.fake.wait_for_responses()
    assert "is cancelled" in answer["text"]
    report = await learning_prompts.run(lab.runtime, now=MONDAY_10_UTC + timedelta(days=7))
    assert report.sent == 0 and len(prompts_to(lab)) == 1


@pytest.mark.settings(WORKING_DAYS="mon-sun", WORKING_HOURS="00:00-23:59")
async def test_snooze_waits_then_asks_once_more(lab: Harness) -> None:
    experiment = await ended_experiment(lab)
    now = datetime.now(UTC)
    await learning_prompts.run(lab.runtime, now=now)

    value = f"{experiment_blocks.button_value(experiment)}:7"
    await lab.click("experiment_snooze_7", value, user=OWNER, channel="D0OWNER01")

    [answer] = await lab.fake.wait_for_responses()
    assert "Snoozed" in answer["text"] and answer["replace_original"] is True
    await learning_prompts.run(lab.runtime, now=now + timedelta(days=6))
    assert len(prompts_to(lab)) == 1
    await learning_prompts.run(lab.runtime, now=now + timedelta(days=7, hours=1))
    assert len(prompts_to(lab)) == 2
    await learning_prompts.run(lab.runtime, now=now + timedelta(days=8))
    assert len(prompts_to(lab)) == 2


async def test_only_the_owner_or_an_admin_can_snooze(lab: Harness) -> None:
    experiment = await ended_experiment(lab)

    value = f"{experiment_blocks.button_value(experiment)}:3"
    await lab.click("experiment_snooze_3", value, user="U0NOSY001", channel="D0NOSY001")

    [answer] = await lab.fake.wait_for_responses()
    assert f"<@{OWNER}>" in answer["text"]
    async with lab.db.session() as session:
        unsnoozed = await store.get_experiment(session=session, experiment_id=1)
    assert unsnoozed is not None and unsnoozed.snoozed_until is None


async def test_a_refused_dm_is_tried_again_on_the_next_run(lab: Harness) -> None:
    await ended_experiment(lab)
    lab.fake.fail_next("chat.postMessage", error="cannot_dm_bot")

    first = await learning_prompts.run(lab.runtime, now=MONDAY_10_UTC)
    second = await learning_prompts.run(lab.runtime, now=MONDAY_10_UTC + timedelta(hours=1))

    assert (first.failed, second.sent) == (1, 1)


async def test_without_a_profile_timezone_the_programme_timezone_decides(lab: Harness) -> None:
    await ended_experiment(lab, tz="Asia/Tokyo")
    lab.fake.outage("users.info", status=503)

    report = await learning_prompts.run(lab.runtime, now=MONDAY_10_UTC)

    assert report.sent == 1  # 10:00 in the programme's UTC, though 19:00 in Tokyo


async def test_jobs_run_from_the_command_line(lab: Harness, tmp_path: Path) -> None:
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": lab.fake.api_url,
        "IDEAS_CHANNEL": IDEAS_CHANNEL,
        "DATABASE_URL": lab.runtime.settings.database_url,
    }

    code, out, err = await run_cli(tmp_path, "job", "learning-prompts", **env)
    assert code == 0, err
    assert out.startswith("learning-prompts: sent 0")

    code, _, err = await run_cli(tmp_path, "job", "no-such-job", **env)
    assert code == 2 and "learning-prompts" in err and "Traceback" not in err
