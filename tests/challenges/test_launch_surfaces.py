"""Where open challenges show beyond their card: the Home tab, the weekly experiment digest,
and `lightbulb export`."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.challenges.blocks import SUBMIT_ACTION
from bot.core import periods
from bot.experiments import digest
from storage import challenges, themes
from storage.vocabulary import ChallengeStatus
from tests.challenges.test_launch import (
    AUTHOR,
    QUESTION,
    SPONSOR,
    idea_for,
    start,
    today,
)
from tests.harness import ADMIN, IDEAS_CHANNEL, Harness, start_harness
from tests.processes import run_cli


@pytest.fixture
async def arena(migrated_url: str) -> AsyncIterator[Harness]:
    harness, close = await start_harness(migrated_url, ADMIN_USER_IDS=ADMIN)
    harness.add_people(ADMIN, SPONSOR, AUTHOR)
    try:
        yield harness
    finally:
        await close()


async def test_the_home_tab_shows_open_challenges_with_a_submit_button(arena: Harness) -> None:
    challenge = await start(arena)
    await arena.event(
        {
            "type": "app_home_opened",
            "user": AUTHOR,
            "channel": "D" + AUTHOR[1:],
            "tab": "home",
            "event_ts": f"{time.time():.6f}",
        }
    )
    (call,) = await arena.fake.wait_for("views.publish")
    view = call.args["view"]
    shown = json.dumps(view["blocks"], ensure_ascii=False)
    assert "*Open challenges*" in shown
    assert f"<{challenge.permalink}|{QUESTION}>" in shown
    closes = today() + timedelta(days=15)
    assert f"Closes {closes:%A %-d %B} at 17:00 (in 15 days)" in shown
    buttons = [
        b["accessory"]
        for b in view["blocks"]
        if b.get("accessory", {}).get("action_id") == SUBMIT_ACTION
    ]
    assert [b["value"] for b in buttons] == [str(challenge.id)]

    # From the Home tab the click opens the idea form just the same.
    await arena.click(SUBMIT_ACTION, str(challenge.id), user=AUTHOR)
    (opened,) = await arena.fake.wait_for("views.open")
    assert opened.args["view"]["callback_id"] == "idea_form"


async def test_the_weekly_digest_mentions_challenges_closing_that_week(arena: Harness) -> None:
    soon = await start(arena, closes=today() + timedelta(days=4))
    async with arena.db.session() as session:
        later = await challenges.create_challenge(
            session=session,
            question="How might we make Mondays lighter?",
            why="w",
            judged_by="j",
            theme_id=None,
            sponsor_id=SPONSOR,
            opens_on=today(),
            closes_on=today() + timedelta(days=20),
            target_channel=IDEAS_CHANNEL,
            created_by=ADMIN,
        )
        await challenges.move(
            session=session,
            challenge_id=later.id or 0,
            from_status=ChallengeStatus.SCHEDULED,
            to_status=ChallengeStatus.OPEN,
        )
    now = datetime.now(UTC)
    report = await digest.run(
        arena.runtime, now=now, period=periods.iso_week(now.astimezone(arena.runtime.settings.tz))
    )
    assert report.posted
    post = arena.fake.message(IDEAS_CHANNEL, report.delivery.message_ts or "")
    text = json.dumps(post["blocks"], ensure_ascii=False)
    assert "Challenges closing this week (1)" in text
    closes = today() + timedelta(days=4)
    assert f"<{soon.permalink}|{QUESTION}> · closes {closes:%A %-d %B}" in text
    assert "Mondays lighter" not in text


async def test_export_gives_each_ideas_theme_and_challenge_and_the_challenges(
    arena: Harness, tmp_path: Path
) -> None:
    async with arena.db.session() as session:
        theme = await themes.create_theme(
            session=session,
            name="People",
            vision="v",
            owner_id=ADMIN,
            emoji="seedling",
            created_by=ADMIN,
        )
    challenge = await start(arena, theme=theme.id)
    idea = await idea_for(arena, challenge.id or 0, "Buddy lunches")
    url = arena.runtime.settings.database_url

    code, out, err = await run_cli(tmp_path, "export", DATABASE_URL=url)
    assert code == 0, err
    (row,) = csv.DictReader(io.StringIO(out))
    assert row["id"] == str(idea.id)
    # An idea in a challenge takes the challenge's theme when none was picked.
    assert (row["theme_id"], row["theme"]) == (str(theme.id), "People")
    assert (row["challenge_id"], row["challenge_won_at"]) == (str(challenge.id), "")

    code, out, err = await run_cli(
        tmp_path, "export", "--what", "challenges", "--format", "json", DATABASE_URL=url
    )
    assert code == 0, err
    (record,) = json.loads(out)
    assert record["question"] == QUESTION and record["status"] == "open"
    assert record["theme_id"] == theme.id and record["sponsor_id"] == SPONSOR
    assert record["opens_on"] == today().isoformat()
    assert record["permalink"] == challenge.permalink

    code, out, err = await run_cli(tmp_path, "export", "--what", "themes", DATABASE_URL=url)
    assert code == 0, err
    (theme_row,) = csv.DictReader(io.StringIO(out))
    assert theme_row["name"] == "People" and theme_row["archived_at"] == ""
