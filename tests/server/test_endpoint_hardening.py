"""The public endpoint under attack: unsigned floods never reach Bolt or the logs, slow
clients cannot hold connections, too many connections cannot take the bot down, and
`/metrics` is not on the public port."""

from __future__ import annotations

import asyncio
import logging
import resource
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.core import logs
from bot.server.app import build_app
from bot.server.connections import ACCEPT_FAILURE, AcceptFailureLog
from bot.server.http_server import EVENTS_PATH, Listener, build_web_app, start_http
from storage import migrate
from tests.fake_slack import PATIENCE
from tests.harness import (
    BOT_TOKEN,
    IDEAS_CHANNEL,
    SIGNING_SECRET,
    Harness,
    eventually,
    start_harness,
)
from tests.processes import cli_env, free_port, stop_bot, wait_until_healthy

FORGED = "2026-12-03 07:00:00,000 ERROR bot.votes: forged line"
SHORT = 0.3  # the bounds these tests set, in seconds; each waits for the effect, not the time


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Harness]:
    """What is tested here does not depend on the database: SQLite only."""
    url = f"sqlite:///{tmp_path / 'lightbulb.db'}"
    await migrate.upgrade(url)
    harness, close = await start_harness(url)
    try:
        yield harness
    finally:
        await close()


@pytest.fixture
async def strict(bot: Harness) -> AsyncIterator[Listener]:
    """The real app behind a listener with short bounds and room for two connections."""
    runtime = bot.runtime
    listener = await start_http(
        build_web_app(build_app(runtime), runtime, body_seconds=SHORT),
        host="127.0.0.1",
        port=0,
        metrics=runtime.metrics,
        max_open=2,
        header_seconds=SHORT,
    )
    try:
        yield listener
    finally:
        await listener.close()


async def closed_by_server(reader: asyncio.StreamReader) -> bytes:
    """Everything the server sends until it closes the connection."""
    return await asyncio.wait_for(reader.read(), timeout=PATIENCE)


async def test_an_unsigned_megabyte_is_refused_before_bolt_and_never_logged(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = "payload=" + ("x" * 1_000_000) + "\n" + FORGED

    for sign_it in (False, True):
        headers = {} if sign_it else {"X-Slack-Signature": "v0=" + "0" * 64}
        reply = await bot.post(
            body, content_type="application/x-www-form-urlencoded", sign=False, headers=headers
        )
        assert reply.status == 401

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "xxxxxxxxxx" not in logged and "forged line" not in logged
    assert bot.fake.calls == []


async def test_a_signed_request_still_reaches_the_app(bot: Harness) -> None:
    reply = await bot.command("help")

    assert reply.status == 200
    assert "/idea" in reply.text


def test_text_logs_write_every_record_on_one_line() -> None:
    formatter = logs.TextFormatter()
    record = logging.LogRecord(
        "bot.http", logging.INFO, __file__, 1, "refused %s", ("body\n" + FORGED + "\r",), None
    )
    try:
        raise ValueError("bad\n" + FORGED)
    except ValueError:
        record.exc_info = sys.exc_info()

    text = formatter.format(record)

    first, *trace = text.split("\n")
    assert "refused body\\n2026-12-03" in first and first.endswith("\\r")
    assert trace and all(line.startswith("    ") for line in trace)


async def test_half_a_header_is_cut_off(bot: Harness, strict: Listener) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", strict.port)
    writer.write(b"POST /slack/events HTTP/1.1\r\nHost: lightbulb\r\nX-Slack-Req")
    await writer.drain()

    assert await closed_by_server(reader) == b""
    writer.close()
    assert "lightbulb_connections_closed_total" in await bot.metrics()
    assert 'reason="slow_request"' in await bot.metrics()


async def test_a_stalled_body_is_answered_408(strict: Listener) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", strict.port)
    writer.write(
        b"POST /slack/events HTTP/1.1\r\nHost: lightbulb\r\n"
        b'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"type":'
    )
    await writer.drain()

    answer = await closed_by_server(reader)
    writer.close()
    assert answer.startswith(b"HTTP/1.1 408"), answer[:80]


async def test_connections_past_the_limit_are_closed_and_the_rest_keep_working(
    bot: Harness, strict: Listener
) -> None:
    held = [await asyncio.open_connection("127.0.0.1", strict.port) for _ in range(2)]
    for _, writer in held:
        writer.write(b"GET /healthz HTTP/1.1\r\n")
        await writer.drain()
    await eventually(lambda: strict.guard.open == 2)

    reader, writer = await asyncio.open_connection("127.0.0.1", strict.port)
    assert await closed_by_server(reader) == b""
    writer.close()
    assert 'reason="too_many_connections"' in await bot.metrics()

    for reader, writer in held:
        await closed_by_server(reader)
        writer.close()
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{strict.port}/healthz") as response,
    ):
        assert response.status == 200


async def test_metrics_are_not_served_on_the_public_port(bot: Harness) -> None:
    async with bot.http.get(bot.base_url + "/metrics") as response:
        assert response.status == 404
    assert "lightbulb_requests_total" in await bot.metrics()
    async with bot.http.get(bot.metrics_url + EVENTS_PATH) as response:
        assert response.status in (404, 405)


def test_a_failing_accept_is_logged_once_a_minute(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)
    report = AcceptFailureLog()
    loop = asyncio.new_event_loop()
    try:
        for _ in range(1000):
            report(loop, {"message": ACCEPT_FAILURE, "exception": OSError(24, "Too many")})
    finally:
        loop.close()

    assert len(caplog.records) == 1
    assert "ulimit" in caplog.records[0].getMessage()


async def test_a_flood_of_idle_connections_leaves_the_health_check_answering(
    tmp_path: Path, migrated_url: str
) -> None:
    """A file limit of 128, and 300 connections that never send a byte: as an operator would
    see it, from a real process."""
    port, metrics_port = free_port(), free_port()
    env = cli_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL="http://127.0.0.1:1/api/",
        IDEAS_CHANNEL=IDEAS_CHANNEL,
        DATABASE_URL=migrated_url,
        METRICS_PORT=str(metrics_port),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", "--mode", "http", "--port", str(port),
        "--no-scheduler", cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (128, 128)),
    )  # fmt: skip
    flood: list[asyncio.StreamWriter] = []
    try:
        async with aiohttp.ClientSession() as http:
            await wait_until_healthy(http, f"http://127.0.0.1:{port}", process)
            for _ in range(300):
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                flood.append(writer)
            async with http.get(f"http://127.0.0.1:{metrics_port}/healthz") as response:
                assert response.status == 200
            async with http.get(f"http://127.0.0.1:{metrics_port}/metrics") as response:
                page = await response.text()
            assert 'lightbulb_connections_closed_total{reason="too_many_connections"}' in page
    finally:
        for writer in flood:
            writer.close()
        logged = await stop_bot(process)
    assert "Traceback" not in logged
    assert logged.count("cannot accept connections") <= 1, logged[-2000:]
