"""Socket Mode end to end: the real bot process connects to fake Slack's WebSocket."""

from __future__ import annotations

from pathlib import Path

from tests.fake_slack import PATIENCE, FakeSlack
from tests.harness import BOT_TOKEN, IDEAS_CHANNEL
from tests.processes import START_PATIENCE, start_bot, stop_bot

APP_TOKEN = "xapp-1-test-app-token"


async def test_socket_mode_acks_a_command_and_posts_the_idea(
    tmp_path: Path, migrated_url: str
) -> None:
    fake = FakeSlack(bot_token=BOT_TOKEN, app_token=APP_TOKEN)
    await fake.start()
    process = await start_bot(
        tmp_path,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_API_URL=fake.api_url,
        IDEAS_CHANNEL=IDEAS_CHANNEL,
        DATABASE_URL=migrated_url,
    )
    try:
        await fake.wait_for_socket(timeout=START_PATIENCE)
        [opened] = fake.calls_to("apps.connections.open")
        assert opened.headers["Authorization"] == f"Bearer {APP_TOKEN}"

        help_ack = await fake.socket_send(
            "slash_commands", command_payload(fake, "help"), timeout=PATIENCE
        )
        assert "`/idea retry`" in help_ack["payload"]["text"]

        await fake.socket_send(
            "slash_commands", command_payload(fake, "Hack week in spring"), timeout=PATIENCE
        )
        [post] = await fake.wait_for("chat.postMessage")
        assert post.args["channel"] == IDEAS_CHANNEL
        [confirmation] = await fake.wait_for_responses()
        assert "is posted in" in confirmation["text"]
    finally:
        log = await stop_bot(process)
        await fake.stop()

    assert process.returncode == 0, log
    assert "Socket Mode" in log and "Lightbulb stopped" in log


def command_payload(fake: FakeSlack, text: str) -> dict:
    return {
        "token": "legacy",
        "team_id": "T0001",
        "channel_id": "C0RANDOM1",
        "user_id": "U0ERIN001",
        "command": "/idea",
        "text": text,
        "api_app_id": "A0LIGHT01",
        "response_url": fake.response_url(),
        "trigger_id": "t-socket",
    }
