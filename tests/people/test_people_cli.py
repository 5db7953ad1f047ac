"""`lightbulb people refresh` as an operator runs it: a real process against fake Slack."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.database import Database
from storage.people_models import Person
from tests.fake_slack import FakeSlack
from tests.harness import BOT_TOKEN, IDEAS_CHANNEL
from tests.processes import run_cli


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    slack = FakeSlack(bot_token=BOT_TOKEN)
    await slack.start()
    try:
        yield slack
    finally:
        await slack.stop()


def settings(fake: FakeSlack, url: str, **more: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": fake.api_url,
        "IDEAS_CHANNEL": IDEAS_CHANNEL,
        "DATABASE_URL": url,
        **more,
    }


async def test_refresh_prints_what_it_stored(
    tmp_path: Path, migrated_url: str, fake: FakeSlack
) -> None:
    fake.add_user("U0ANNA001")
    fake.add_user("U0BOB0001")
    fake.add_user("U0CARL001")
    fake.add_usergroup("sales", name="Sales", users=["U0ANNA001", "U0BOB0001"])

    code, out, err = await run_cli(
        tmp_path,
        "people",
        "refresh",
        **settings(fake, migrated_url, DEPARTMENT_SOURCE="usergroups", DEPARTMENT_GROUPS="@sales"),
    )

    assert code == 0, err
    assert out.strip() == (
        "Refreshed 3 people (from usergroups): 2 with a department (Sales 2), 1 without."
    )
    db = Database(migrated_url)
    try:
        async with db.session() as session:
            anna = await session.get(Person, "U0ANNA001")
    finally:
        await db.dispose()
    assert anna is not None and anna.department == "Sales"


async def test_bad_department_settings_are_one_friendly_line(
    tmp_path: Path, migrated_url: str, fake: FakeSlack
) -> None:
    unset_groups = settings(fake, migrated_url, DEPARTMENT_SOURCE="usergroups")
    code, out, err = await run_cli(tmp_path, "people", "refresh", **unset_groups)
    assert code == 2 and out == ""
    assert "DEPARTMENT_GROUPS must list the user group handles" in err
    assert "Traceback" not in err

    code, _, err = await run_cli(
        tmp_path, "people", "refresh", **settings(fake, migrated_url, DEPARTMENT_SOURCE="team")
    )
    assert code == 2 and "must be one of: title" in err and "Traceback" not in err
    assert fake.calls_to("users.list") == []


async def test_slack_refusing_at_once_changes_nothing_and_says_so(
    tmp_path: Path, migrated_url: str, fake: FakeSlack
) -> None:
    fake.add_user("U0ANNA001", title="Sales")
    fake.fail_next("users.list", error="invalid_cursor")

    code, out, err = await run_cli(tmp_path, "people", "refresh", **settings(fake, migrated_url))

    assert code == 1 and out == ""
    assert err.strip().endswith(
        "Could not read the people from Slack (invalid_cursor); nothing was changed. "
        "Try again in a few minutes."
    )
    assert "Traceback" not in err
