"""The command line as an operator uses it: real processes, real exit codes."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import signal
import time
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest
from slack_sdk.signature import SignatureVerifier

from tests.fake_slack import FakeSlack
from tests.harness import BOT_TOKEN, IDEAS_CHANNEL, SIGNING_SECRET
from tests.processes import free_port, run_cli, start_bot, stop_bot, wait_until_healthy


async def test_missing_setting_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    code, out, err = await run_cli(tmp_path, "serve")

    assert code == 2
    assert err.strip().count("\n") == 0 and "Traceback" not in err
    assert "SLACK_BOT_TOKEN" in err and ".env" in err


async def test_settings_come_from_the_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-from-dotenv\n")

    code, _, err = await run_cli(tmp_path, "serve")

    assert code == 2 and "IDEAS_CHANNEL" in err


async def test_serve_refuses_an_unmigrated_database_and_says_to_migrate(tmp_path: Path) -> None:
    code, _, err = await run_cli(
        tmp_path,
        "serve",
        "--mode",
        "http",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        IDEAS_CHANNEL=IDEAS_CHANNEL,
        SLACK_API_URL="http://127.0.0.1:1/api/",
    )

    assert code == 2 and "Traceback" not in err
    assert "python -m bot migrate" in err


PASSWORD = "s3cretpw"
COMMANDS = {"migrate": ("migrate",), "export": ("export",), "serve": ("serve", "--mode", "http")}
# What `serve` needs to get as far as the database; `migrate` and `export` ignore it.
SLACK_SETTINGS = {
    "SLACK_BOT_TOKEN": BOT_TOKEN,
    "SLACK_SIGNING_SECRET": SIGNING_SECRET,
    "IDEAS_CHANNEL": IDEAS_CHANNEL,
    "SLACK_API_URL": "http://127.0.0.1:1/api/",
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    ("url", "problem", "remedy"),
    [
        pytest.param(
            f"postgresql://u:{PASSWORD}@[::1:5432/db",
            "'postgresql://u:***@[::1:5432/db' is not a database URL",
            "use sqlite:///",
            id="unclosed-ipv6-bracket",
        ),
        pytest.param(
            f"postgresql://u:{PASSWORD}@host:notaport/db",
            "'postgresql://u:***@host:notaport/db' is not a database URL",
            "use sqlite:///",
            id="port-not-a-number",
        ),
        pytest.param(
            f"u:{PASSWORD}@host/db",
            "'u:***@host/db' is not a database URL",
            "use sqlite:///",
            id="no-scheme",
        ),
        pytest.param(
            f"postgresql://u:pw@{PASSWORD}@host/db",
            "'postgresql://u:***@host/db' has an @ in its user name or password",
            "write it there as %40",
            id="unescaped-at-in-password",
        ),
        pytest.param(
            f"nosuchdriver://u:{PASSWORD}@h/db",
            "scheme 'nosuchdriver' is not supported",
            "use sqlite:///",
            id="unknown-scheme",
        ),
        pytest.param(
            f"postgresql+asyncpg://u:{PASSWORD}@h/db",
            "'postgresql+asyncpg://u:***@h/db' needs the Python package asyncpg",
            "install it",
            marks=pytest.mark.skipif(find_spec("asyncpg") is not None, reason="asyncpg is here"),
            id="driver-not-installed",
        ),
    ],
)
async def test_a_malformed_database_url_is_one_line_without_its_password(
    tmp_path: Path, command: str, url: str, problem: str, remedy: str
) -> None:
    code, out, err = await run_cli(tmp_path, *COMMANDS[command], DATABASE_URL=url, **SLACK_SETTINGS)

    assert code == 2, err
    assert_one_line_without_the_password(out, err)
    assert err.startswith(f"DATABASE_URL {problem}") and remedy in err


# Exit code 1, not 2: the URL may be right and the server only down, worth a retry.
@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    ("url", "shown"),
    [
        pytest.param(
            f"postgresql://u:{PASSWORD}@nonexistent.invalid/db",
            "postgresql://u:***@nonexistent.invalid/db",
            id="unresolvable-host",
        ),
        pytest.param(
            f"postgresql://u:{PASSWORD}@127.0.0.1:{{port}}/db",
            "postgresql://u:***@127.0.0.1:{port}/db",
            id="refused-port",
        ),
        pytest.param(
            f"postgresql://u@127.0.0.1:{{port}}/db?password={PASSWORD}",
            "postgresql://u@127.0.0.1:{port}/db?password=***",
            id="password-in-query",
        ),
    ],
)
async def test_an_unreachable_database_is_one_line_without_its_password(
    tmp_path: Path, command: str, url: str, shown: str
) -> None:
    refusing = free_port()

    code, out, err = await run_cli(
        tmp_path,
        *COMMANDS[command],
        DATABASE_URL=url.format(port=refusing),
        **SLACK_SETTINGS,
    )

    assert code == 1, err
    assert_one_line_without_the_password(out, err)
    assert err.startswith("Lightbulb can't use its database: ")
    assert f"Check DATABASE_URL ({shown.format(port=refusing)}) and that the database" in err


def assert_one_line_without_the_password(out: str, err: str) -> None:
    assert PASSWORD not in out + err
    assert "Traceback" not in err
    assert err.strip().count("\n") == 0, err


async def test_migrate_twice_is_safe(tmp_path: Path) -> None:
    first = await run_cli(tmp_path, "migrate")
    second = await run_cli(tmp_path, "migrate")

    assert first[0] == second[0] == 0
    assert "Migrated" in first[1] and "up to date" in second[1]
    assert (tmp_path / "lightbulb.db").exists()


async def test_a_new_user_captures_an_idea_and_exports_it(
    tmp_path: Path, migrated_url: str
) -> None:
    fake = FakeSlack(bot_token=BOT_TOKEN)
    await fake.start()
    port = free_port()
    process = await start_bot(
        tmp_path,
        "serve",
        "--mode",
        "http",
        "--port",
        str(port),
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.api_url,
        IDEAS_CHANNEL=IDEAS_CHANNEL,
        DATABASE_URL=migrated_url,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            await wait_until_healthy(http, base, process)
            body = urlencode(
                {
                    "command": "/idea",
                    "text": "Demo day every quarter, =SUM(A1) safe",
                    "user_id": "U0DANA001",
                    "team_id": "T0001",
                    "channel_id": "C0RANDOM1",
                    "response_url": fake.response_url(),
                    "trigger_id": "t-1",
                }
            )
            assert await post_signed(http, base, body) == 200
            [confirmation] = await fake.wait_for_responses()
            assert "is posted in" in confirmation["text"]
    finally:
        log = await stop_bot(process)
        await fake.stop()

    assert process.returncode == 0, log
    assert "Lightbulb stopped" in log

    code, out, _ = await run_cli(tmp_path, "export", "--format", "csv", DATABASE_URL=migrated_url)
    assert code == 0
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert row["text"] == "Demo day every quarter, =SUM(A1) safe"
    assert row["author_id"] == "U0DANA001" and row["votes"] == "0" and row["status"] == "new"
    assert row["permalink"].startswith("https://") and row["created_at"]

    code, out, _ = await run_cli(tmp_path, "export", "--format", "json", DATABASE_URL=migrated_url)
    [record] = json.loads(out)
    assert record["permalink"] == row["permalink"] and record["channel_id"] == IDEAS_CHANNEL


async def test_csv_export_keeps_formulas_inert(tmp_path: Path, migrated_url: str) -> None:
    from storage import ideas
    from storage.database import Database

    db = Database(migrated_url)
    async with db.session() as session:
        await ideas.create_idea(session=session, author_id="U0EVE0001", text="=HYPERLINK(evil)")
    await db.dispose()

    code, out, _ = await run_cli(tmp_path, "export", DATABASE_URL=migrated_url)

    assert code == 0
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert row["text"] == "'=HYPERLINK(evil)"


async def test_sigterm_mid_burst_keeps_every_acknowledged_vote(
    tmp_path: Path, migrated_url: str
) -> None:
    from sqlalchemy import text

    from storage.database import Database

    fake = FakeSlack(bot_token=BOT_TOKEN)
    await fake.start()
    voters = [f"U0BURST{n:03d}" for n in range(120)]
    for voter in voters:
        fake.add_user(voter)
    port = free_port()
    process = await start_bot(
        tmp_path, "serve", "--mode", "http", "--port", str(port),
        SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.api_url, IDEAS_CHANNEL=IDEAS_CHANNEL, DATABASE_URL=migrated_url,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            await wait_until_healthy(http, base, process)
            await post_signed(http, base, urlencode(idea_command("Burst then stop", fake)))
            [post] = await fake.wait_for("chat.postMessage")
            await fake.wait_for("chat.getPermalink")
            # Slack shows the reactions on the post, so the start-up repair of recent votes,
            # whenever it runs, agrees with the events.
            fake.set_reactions(
                post.args["channel"],
                post_ts(fake),
                [{"name": "bulb", "users": voters, "count": len(voters)}],
            )
            statuses = await asyncio.gather(
                *(
                    post_signed(http, base, reaction(voter, post.args["channel"], post_ts(fake)))
                    for voter in voters
                )
            )
            assert set(statuses) == {200}
            process.send_signal(signal.SIGTERM)
    finally:
        log = await stop_bot(process)
        await fake.stop()

    assert process.returncode == 0, log
    db = Database(migrated_url)
    async with db.session() as session:
        count = await session.execute(
            text("SELECT COUNT(DISTINCT voter_id) FROM vote_reactions WHERE active")
        )
        assert count.scalar_one() == len(voters), log
    await db.dispose()


def post_ts(fake: FakeSlack) -> str:
    return fake.calls_to("chat.getPermalink")[0].args["message_ts"]


def idea_command(text: str, fake: FakeSlack) -> dict[str, str]:
    return {
        "command": "/idea",
        "text": text,
        "user_id": "U0AUTHOR1",
        "team_id": "T0001",
        "channel_id": "C0RANDOM1",
        "response_url": fake.response_url(),
        "trigger_id": "t-burst",
    }


def reaction(voter: str, channel: str, ts: str) -> str:
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": "T0001",
            "event_id": f"Ev{voter}",
            "event": {
                "type": "reaction_added",
                "user": voter,
                "reaction": "bulb",
                "item_user": "UBOT0001",
                "item": {"type": "message", "channel": channel, "ts": ts},
                "event_ts": f"{time.time():.6f}",
            },
        }
    )


async def post_signed(http: aiohttp.ClientSession, base: str, body: str) -> int:
    ts = str(int(time.time()))
    content_type = (
        "application/json" if body.startswith("{") else ("application/x-www-form-urlencoded")
    )
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=ts, body=body)
    assert signature is not None  # None only without a timestamp or a body
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }
    async with http.post(base + "/slack/events", data=body, headers=headers) as response:
        return response.status
