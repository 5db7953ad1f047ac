"""The HTTP surface itself: request signing, Slack's handshake, events we subscribe to,
and the health check."""

from __future__ import annotations

import json
import time

import aiohttp

from bot.server.app import build_app
from bot.server.http_server import build_web_app, start_http
from bot.server.runtime import Runtime
from tests.harness import Harness, settings_for_tests


async def test_bad_signature_is_rejected_with_401(bot: Harness) -> None:
    reply = await bot.post(
        "command=%2Fidea&text=sneaky",
        content_type="application/x-www-form-urlencoded",
        sign=False,
        headers={"X-Slack-Signature": "v0=" + "0" * 64},
    )

    assert reply.status == 401
    assert bot.fake.calls == []


async def test_stale_timestamp_is_rejected_with_401(bot: Harness) -> None:
    reply = await bot.post(
        "command=%2Fidea&text=replayed",
        content_type="application/x-www-form-urlencoded",
        timestamp=int(time.time()) - 10 * 60,
    )

    assert reply.status == 401
    assert bot.fake.calls_to("chat.postMessage") == []


async def test_url_verification_echoes_the_challenge(bot: Harness) -> None:
    body = json.dumps({"type": "url_verification", "token": "t", "challenge": "c-3po-42"})

    reply = await bot.post(body, content_type="application/json")

    assert reply.status == 200
    assert reply.json() == {"challenge": "c-3po-42"}


async def test_every_subscribed_event_is_acknowledged(bot: Harness) -> None:
    reaction = {
        "type": "reaction_added",
        "user": "U0BOB0001",
        "reaction": "+1",
        "item_user": "UBOT0001",
        "item": {"type": "message", "channel": "C0IDEAS01", "ts": "1700000000.000100"},
        "event_ts": "1700000001.000200",
    }
    for event in (
        reaction,
        {**reaction, "type": "reaction_removed"},
        {"type": "app_home_opened", "user": "U0BOB0001", "channel": "D0BOB0001", "tab": "home"},
    ):
        reply = await bot.event(event)
        assert reply.status == 200, event["type"]


async def test_healthz_is_200_when_the_database_answers(bot: Harness) -> None:
    async with bot.http.get(bot.base_url + "/healthz") as response:
        assert response.status == 200
        assert (await response.json())["database"] == "ok"


async def test_healthz_is_503_when_the_database_is_gone(tmp_path) -> None:  # noqa: ANN001
    unreachable = "postgresql://nobody@127.0.0.1:1/none"
    settings = settings_for_tests(unreachable, "http://127.0.0.1:1/api/")
    runtime = Runtime.build(settings)
    listener = await start_http(
        build_web_app(build_app(runtime), runtime),
        host="127.0.0.1",
        port=0,
        metrics=runtime.metrics,
    )
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{listener.port}/healthz") as response,
        ):
            assert response.status == 503
            assert (await response.json())["database"] == "unreachable"
    finally:
        await listener.close()
        await runtime.close()
