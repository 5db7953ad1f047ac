"""Running it: `/metrics` in Prometheus' format, and logs that are structured, tagged with
request IDs, and never show a token or the signing secret."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.awards import service as awards
from bot.core import logs
from tests.harness import BOT_TOKEN, IDEAS_CHANNEL, SIGNING_SECRET, Harness
from tests.processes import free_port, start_bot, stop_bot, wait_until_healthy


async def scrape(bot: Harness) -> str:
    async with bot.http.get(bot.metrics_url + "/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        return await response.text()


def value(page: str, sample: str) -> float:
    match = re.search(rf"^{re.escape(sample)} (\S+)$", page, re.MULTILINE)
    assert match, f"{sample} not in /metrics"
    return float(match.group(1))


async def test_metrics_count_requests_votes_slack_calls_and_job_runs(bot: Harness) -> None:
    bot.add_people("U0VOTER01")
    idea = await bot.share_idea("Measure everything", author="U0AUTHOR1")
    await bot.react(idea, "U0VOTER01")
    await bot.react(idea, "U0AUTHOR1")  # the author's own idea: judged, not counted
    await bot.wait_judged(2)
    bot.fake.fail_next("chat.postMessage", error="channel_not_found")
    await awards.run(bot.runtime, now=datetime(2026, 11, 1, 10, tzinfo=UTC))

    page = await scrape(bot)

    assert value(page, 'lightbulb_requests_total{kind="command",status="200"}') == 1
    assert value(page, 'lightbulb_requests_total{kind="event",status="200"}') == 2
    assert value(page, 'lightbulb_ack_seconds_count{kind="event"}') == 2
    assert value(page, 'lightbulb_reactions_judged_total{verdict="count"}') == 1
    assert value(page, 'lightbulb_reactions_judged_total{verdict="the author\'s own idea"}') == 1
    assert value(page, 'lightbulb_slack_api_calls_total{method="chat.postMessage"}') >= 2
    assert (
        value(
            page,
            'lightbulb_slack_api_errors_total{error="channel_not_found",method="chat.postMessage"}',
        )
        == 1
    )
    assert value(page, 'lightbulb_job_runs_total{job="monthly-awards",outcome="failed"}') == 1


async def test_json_logs_carry_request_ids_and_no_secrets(bot: Harness, tmp_path: Path) -> None:
    port = free_port()
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": bot.fake.api_url,
        "IDEAS_CHANNEL": IDEAS_CHANNEL,
        "DATABASE_URL": bot.runtime.settings.database_url,
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "DEBUG",
    }
    process = await start_bot(tmp_path, "serve", "--mode", "http", "--port", str(port), **env)
    replica = Harness(bot.fake, bot.runtime, f"http://127.0.0.1:{port}", bot.http, "")
    try:
        await wait_until_healthy(bot.http, replica.base_url, process)
        bot.fake.fail_next("chat.postMessage", error="not_in_channel")
        reply = await replica.command("An idea whose post Slack refuses", user="U0AUTHOR1")
        assert reply.status == 200
        await bot.fake.wait_for_responses()
    finally:
        logs = await stop_bot(process)

    lines = [line for line in logs.splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    ours = ("bot.", "handlers.", "storage.", "scheduler.", "slack_sdk.", "slack_bolt.")
    refused = [
        r for r in records if "not_in_channel" in r["message"] and r["logger"].startswith(ours)
    ]
    assert refused and all(r.get("request_id") for r in refused), [
        r for r in refused if not r.get("request_id")
    ]
    assert BOT_TOKEN not in logs and SIGNING_SECRET not in logs
    assert "xoxb-" not in logs
    # Bolt, finding SLACK_BOT_TOKEN in the environment next to the client it is given, warns.
    assert "will be unused" not in logs


def test_the_redactor_scrubs_tokens_secrets_and_tracebacks() -> None:
    redact = logs.Redact(["s3cret-signing"])
    try:
        raise ValueError("token xapp-1-A0-123 rejected")
    except ValueError:
        record = logging.LogRecord(
            "bot",
            logging.ERROR,
            __file__,
            1,
            "auth %s with %s",
            ("xoxb-12-34", "s3cret-signing"),
            None,
        )
        record.exc_info = sys.exc_info()

    assert redact.filter(record)
    line = logs.JsonFormatter().format(record)
    assert "xoxb-12-34" not in line and "s3cret-signing" not in line and "xapp-1" not in line
    assert json.loads(line)["message"] == "auth [redacted] with [redacted]"
    assert "ValueError: token [redacted] rejected" in json.loads(line)["error"]
