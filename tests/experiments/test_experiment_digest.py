"""Job `experiment-digest`: the week's experiments, within Block Kit's limits."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import col

from bot.core.clock import today
from bot.experiments import digest as experiment_digest
from storage import experiments as store
from storage.models import Experiment
from tests.harness import LAB_CHANNEL, Harness

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


async def experiment(
    lab: Harness,
    hypothesis: str,
    *,
    created: datetime,
    ends_on: date,
    concluded: datetime | None = None,
    outcome: str = "invalidated",
) -> Experiment:
    async with lab.db.session() as session:
        made = await store.create_experiment(
            session=session,
            hypothesis=hypothesis,
            metric="m",
            owner_id="U0OWNER01",
            started_by="U0OWNER01",
            ends_on=ends_on,
        )
        assert made.id is not None
        await session.execute(
            sa.update(Experiment).where(col(Experiment.id) == made.id).values(created_at=created)
        )
        if concluded is not None:
            await store.conclude(
                session=session,
                experiment_id=made.id,
                outcome=outcome,
                learned=f"Learned from {hypothesis}",
                next_step="Next",
                author_id="U0OWNER01",
            )
            await session.execute(
                sa.update(Experiment)
                .where(col(Experiment.id) == made.id)
                .values(concluded_at=concluded)
            )
        return made


def digest_text(lab: Harness) -> str:
    [post] = [c.args for c in lab.fake.calls_to("chat.postMessage")]
    assert post["channel"] == LAB_CHANNEL
    return "\n".join(b["text"]["text"] for b in post["blocks"] if isinstance(b.get("text"), dict))


async def test_a_quiet_week_gets_a_short_encouraging_post(lab: Harness) -> None:
    report = await experiment_digest.run(lab.runtime, now=NOW)

    assert report.posted
    text = digest_text(lab)
    assert "quiet week" in text and "`/idea experiment`" in text


async def test_the_digest_lists_started_running_and_concluded(lab: Harness) -> None:
    composed_on = today(lab.runtime.settings.tz)
    await experiment(
        lab,
        "Fresh <idea>",
        created=NOW - timedelta(days=2),
        ends_on=composed_on + timedelta(days=3),
    )
    await experiment(
        lab,
        "Long runner",
        created=NOW - timedelta(days=30),
        ends_on=composed_on - timedelta(days=2),
    )
    await experiment(
        lab,
        "Failed fast",
        created=NOW - timedelta(days=20),
        ends_on=date(2026, 11, 19),
        concluded=NOW - timedelta(days=1),
    )
    await experiment(
        lab,
        "Old news",
        created=NOW - timedelta(days=60),
        ends_on=date(2026, 10, 1),
        concluded=NOW - timedelta(days=30),
    )

    report = await experiment_digest.run(lab.runtime, now=NOW)

    assert (report.started, report.running, report.concluded) == (1, 2, 1)
    text = digest_text(lab)
    assert "Fresh &lt;idea&gt;" in text and "3 days left" in text
    assert "Long runner" in text and "ended 2 days ago, learning due" in text
    assert "Invalidated" in text and "Learned from Failed fast" in text
    assert "Old news" not in text


async def test_a_busy_week_stays_within_block_kit_limits(lab: Harness) -> None:
    for n in range(60):
        await experiment(
            lab,
            f"Hypothesis {n} " + "x" * 400,
            created=NOW - timedelta(hours=n),
            ends_on=NOW.date(),
        )

    await experiment_digest.run(lab.runtime, now=NOW)

    [post] = [c.args for c in lab.fake.calls_to("chat.postMessage")]
    assert len(post["blocks"]) <= 50
    assert all(len(b["text"]["text"]) <= 3000 for b in post["blocks"] if b["type"] == "section")
    assert "…and 50 more" in digest_text(lab)


async def test_a_digest_slack_refuses_is_reported_not_lost_silently(lab: Harness) -> None:
    lab.fake.fail_next("chat.postMessage", error="not_in_channel")

    report = await experiment_digest.run(lab.runtime, now=NOW)

    assert not report.posted and report.error == "not_in_channel"
    assert "NOT posted (not_in_channel)" in report.summary()

    retried = await experiment_digest.run(lab.runtime, now=NOW + timedelta(minutes=10))
    again = await experiment_digest.run(lab.runtime, now=NOW + timedelta(minutes=20))

    assert retried.posted and again.delivery.outcome == "already posted"
    assert len(lab.fake.calls_to("chat.postMessage")) == 2  # the refused one, then one post
    # A failed post is known not to be in Slack: no need to search the channel for it.
    assert lab.fake.calls_to("conversations.history") == []


@pytest.mark.settings(TIMEZONE="Pacific/Kiritimati")
async def test_a_late_digest_counts_days_left_as_the_home_tab_does_that_day(lab: Harness) -> None:
    ends_on = today(lab.runtime.settings.tz) + timedelta(days=14)
    await experiment(lab, "Slow burner", created=NOW - timedelta(days=30), ends_on=ends_on)
    # Caught up three days after the moment it was scheduled for.
    scheduled = datetime.now(UTC) - timedelta(days=3)

    report = await experiment_digest.run(lab.runtime, now=scheduled)
    await lab.event(
        {
            "type": "app_home_opened",
            "user": "U0OWNER01",
            "channel": "D0OWNER01",
            "tab": "home",
            "event_ts": f"{time.time():.6f}",
        }
    )
    [home] = await lab.fake.wait_for("views.publish")

    assert report.posted
    in_digest = re.search(r"Slow burner.* · (\d+ days left)", digest_text(lab))
    in_home = re.search(
        r"Slow burner.* · (\d+ days left)", json.dumps(home.args["view"], ensure_ascii=False)
    )
    assert in_digest is not None and in_home is not None
    assert in_digest[1] == in_home[1] == "14 days left"
