"""Malformed and hostile requests, thrown at the real endpoint on purpose.

Whatever arrives, correctly signed or not, the answer is a clean 4xx or a friendly message:
never a 500, never a trace, and nothing stored changes unless the request was a valid one.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from urllib.parse import urlencode

import aiohttp
import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

from bot.http_server import MAX_BODY_BYTES
from bot.serve import finish_pending_tasks
from storage.database import Database
from tests.harness import SIGNING_SECRET, Harness

TRACE_MARKERS = ("Traceback", 'File "', "Error:", "Exception")

# Everything a person could type to make a message ping, link or impersonate.
INJECTION = (
    "<!channel> <!here|here> <!everyone> <@U0EVIL01> <!subteam^S0EVIL|devs> "
    "<#C0SECRET1|secret> <https://evil.example|reset your password> &amp; *bold* "
    "\u202eevil\u202c 👩🏽‍💻 \u200b ﷽ e\u0301 \x00"
)
RAW_CONTROLS = ("<!channel", "<!here", "<!everyone", "<@U0EVIL01", "<!subteam", "<#C0SECRET1")


async def stored_rows(db: Database) -> dict[str, list[str]]:
    """Every row of every table, for before/after comparisons."""
    rows: dict[str, list[str]] = {}
    async with db.session() as session:
        for table in SQLModel.metadata.sorted_tables:
            result = await session.execute(select(table))
            rows[table.name] = sorted(repr(tuple(row)) for row in result.all())
    return rows


def assert_clean(status: int, text: str) -> None:
    assert status < 500, f"answered {status}: {text[:300]}"
    for marker in TRACE_MARKERS:
        assert marker not in text, f"the answer shows internals ({marker!r}): {text[:300]}"


async def settle(before: set[asyncio.Task]) -> None:
    """Let the work a request started finish, so that what it stored can be compared."""
    await finish_pending_tasks(exclude=before)


# -- transport --------------------------------------------------------------------------


def signed_headers(body: bytes | str, content_type: str, timestamp: int | None = None) -> dict:
    """Slack's v0 signature, computed over raw bytes so that bodies need not be UTF-8."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    raw = body if isinstance(body, bytes) else body.encode()
    digest = hmac.new(SIGNING_SECRET.encode(), b"v0:" + ts.encode() + b":" + raw, hashlib.sha256)
    signature = "v0=" + digest.hexdigest()
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }


async def raw_post(bot: Harness, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    # A connection per request: a kept-alive one would look like work still in flight.
    async with (
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as http,
        http.post(bot.base_url + "/slack/events", data=body, headers=headers) as reply,
    ):
        return reply.status, await reply.text()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"", "application/json"),
        (b"[1, 2, 3]", "application/json"),
        (b'"just a string"', "application/json"),
        (b"null", "application/json"),
        (b'{"type": "event_callback", "event": "not-an-object"}', "application/json"),
        (b'{"type": "event_callback", "event": [1]}', "application/json"),
        (b'{"type": "url_verification"}', "application/json"),
        (b'{"type": "url_verification", "challenge": {"a": 1}}', "application/json"),
        (b"payload=%7Bnot+json", "application/x-www-form-urlencoded"),
        (b"payload=%5B1%2C2%5D", "application/x-www-form-urlencoded"),
        (b"payload=null", "application/x-www-form-urlencoded"),
        (b"payload=", "application/x-www-form-urlencoded"),
        (b"%%%&&&==", "application/x-www-form-urlencoded"),
        (b"command=%2Fidea", "application/x-www-form-urlencoded"),
        (b"command=%2Fidea&text=hello", "application/x-www-form-urlencoded"),
        (
            b"command=%2Fnot-ours&text=hello&user_id=U0ALICE01",
            "application/x-www-form-urlencoded",
        ),
        (b"hello there", "text/plain"),
        (b"\xff\xfe\x00garbage", "application/json"),
        (b"payload=\xff\xfe", "application/x-www-form-urlencoded"),
    ],
)
async def test_malformed_bodies_get_a_clean_4xx_and_change_nothing(
    bot: Harness, body: bytes, content_type: str
) -> None:
    before = await stored_rows(bot.db)
    tasks = asyncio.all_tasks()

    status, text = await raw_post(bot, body, signed_headers(body, content_type))
    await settle(tasks)

    assert_clean(status, text)
    assert 400 <= status < 500 or (status == 200 and not text.strip())
    assert await stored_rows(bot.db) == before
    assert bot.fake.calls_to("chat.postMessage") == []


async def test_a_huge_body_is_refused_with_413(bot: Harness) -> None:
    body = urlencode({"command": "/idea", "text": "x" * (MAX_BODY_BYTES + 1)}).encode()

    status, text = await raw_post(
        bot, body, signed_headers(body, "application/x-www-form-urlencoded")
    )

    assert status == 413
    assert_clean(status, text)
    assert bot.fake.calls_to("chat.postMessage") == []


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Slack-Request-Timestamp": "not-a-number", "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": "", "X-Slack-Signature": ""},
        {"X-Slack-Request-Timestamp": "99999999999999999999999", "X-Slack-Signature": "v0=0"},
        {"X-Slack-Request-Timestamp": "-1", "X-Slack-Signature": "v1=whatever"},
        {"X-Slack-Request-Timestamp": "1e9", "X-Slack-Signature": "v0=zz"},
    ],
)
async def test_missing_or_garbled_signature_headers_are_401(bot: Harness, headers: dict) -> None:
    body = urlencode({"command": "/idea", "text": "let me in", "user_id": "U0MALLORY"})

    status, text = await raw_post(
        bot, body.encode(), {"Content-Type": "application/x-www-form-urlencoded", **headers}
    )

    assert status == 401
    assert_clean(status, text)
    assert bot.fake.calls == []


async def test_a_replayed_signature_does_not_authorise_another_body(bot: Harness) -> None:
    genuine = urlencode({"command": "/idea", "text": "a genuine idea", "user_id": "U0ALICE01"})
    forged = urlencode({"command": "/idea", "text": "<!channel> pwned", "user_id": "U0ALICE01"})
    headers = signed_headers(genuine, "application/x-www-form-urlencoded")

    status, _ = await raw_post(bot, forged.encode(), headers)

    assert status == 401
    assert bot.fake.calls_to("chat.postMessage") == []


async def test_a_replayed_request_from_the_future_or_past_is_401(bot: Harness) -> None:
    body = urlencode({"command": "/idea", "text": "again", "user_id": "U0ALICE01"})
    for skew in (-6 * 60, 6 * 60, -365 * 24 * 3600):
        headers = signed_headers(
            body, "application/x-www-form-urlencoded", timestamp=int(time.time()) + skew
        )
        status, text = await raw_post(bot, body.encode(), headers)
        assert status == 401, skew
        assert_clean(status, text)
    assert bot.fake.calls_to("chat.postMessage") == []


async def test_other_paths_and_methods_are_4xx(bot: Harness) -> None:
    async with bot.http.get(bot.base_url + "/slack/events") as reply:
        assert reply.status == 405
    async with bot.http.post(bot.base_url + "/slack/commands", data=b"x") as reply:
        assert reply.status == 404
    async with bot.http.post(bot.base_url + "/healthz", data=b"x") as reply:
        assert reply.status == 405
