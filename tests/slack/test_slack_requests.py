"""Requests Slack sends that are not events, commands or clicks: the certificate check, and
what the gate refuses, logged so an operator sees it without the log filling up."""

from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

import pytest

from bot.core.logs import Throttle
from tests.harness import Harness


async def test_slacks_certificate_check_gets_an_empty_200_and_nothing_else(
    bot: Harness,
) -> None:
    check = urlencode({"ssl_check": "1", "token": "legacy-verification-token"})

    reply = await bot.post(check, content_type="application/x-www-form-urlencoded", sign=False)

    assert (reply.status, reply.text) == (200, "")
    assert bot.fake.calls == []
    assert 'lightbulb_requests_total{kind="ssl_check",status="200"} 1.0' in await bot.metrics()


async def test_an_unsigned_command_that_claims_to_be_a_certificate_check_is_refused(
    bot: Harness,
) -> None:
    forged = urlencode({"ssl_check": "1", "command": "/idea", "user_id": "U0EVE0001", "text": "x"})

    reply = await bot.post(forged, content_type="application/x-www-form-urlencoded", sign=False)

    assert reply.status == 401
    assert bot.fake.calls == []


async def test_each_kind_of_refusal_is_logged_once_a_minute_without_the_body(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    secret_body = json.dumps({"type": "event_callback", "note": "PRIVATE-WORDS"})

    for _ in range(5):
        reply = await bot.post(secret_body, content_type="application/json", sign=False)
        assert reply.status == 401
    for _ in range(3):
        reply = await bot.post(json.dumps([1, 2]), content_type="application/json")
        assert reply.status == 400

    lines = [r.getMessage() for r in caplog.records if "refused a request" in r.getMessage()]
    assert len(lines) == 2, lines
    assert "401" in lines[0] and "unsigned" in lines[0]
    assert "400" in lines[1] and "not in a shape Slack sends" in lines[1]
    assert not any("PRIVATE-WORDS" in r.getMessage() for r in caplog.records)


def test_the_next_report_after_a_quiet_minute_says_how_many_were_held_back() -> None:
    now = [0.0]
    throttle = Throttle(60, clock=lambda: now[0])

    assert throttle.allow("unsigned") == 0
    assert [throttle.allow("unsigned") for _ in range(3)] == [None, None, None]
    assert throttle.allow("too large") == 0, "each kind has its own minute"
    now[0] = 61.0
    assert throttle.allow("unsigned") == 3
    assert throttle.allow("unsigned") is None
