"""Malformed and hostile requests, thrown at the real endpoint on purpose.

Whatever arrives, correctly signed or not, the answer is a clean 4xx or a friendly message:
never a 500, never a trace, and nothing stored changes unless the request was a valid one.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import logging
import threading
import time
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlencode

import aiohttp
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlmodel import SQLModel, col

from bot.awards import service as awards
from bot.experiments import digest as experiment_digest
from bot.experiments import forms as experiment_forms
from bot.server.http_server import MAX_BODY_BYTES
from storage import migrate
from storage.database import Database
from storage.models import Experiment, Idea
from tests.experiments.test_experiments import picked_idea
from tests.fake_slack import Call
from tests.harness import (
    ADMIN,
    IDEAS_CHANNEL,
    LAB_CHANNEL,
    SIGNING_SECRET,
    TEAM_ID,
    Harness,
    Reply,
    eventually,
    settled,
    start_harness,
)

T = TypeVar("T")

TRACE_MARKERS = ("Traceback", 'File "', "Error:", "Exception")

# Everything a person could type to make a message ping, link or impersonate.
INJECTION = (
    "<!channel> <!here|here> <!everyone> <@U0EVIL01> <!subteam^S0EVIL|devs> "
    "<#C0SECRET1|secret> <https://evil.example|reset your password> &amp; *bold* "
    "\u202eevil\u202c 👩🏽‍💻 \u200b ﷽ e\u0301 \U0001f9d1\u200d\U0001f680"
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


def assert_no_failure_logged(caplog: pytest.LogCaptureFixture) -> None:
    """A bad request is the sender's problem: it must not show up as the bot failing."""
    failures = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not failures, f"the bot logged a failure: {failures[0][:300]}"


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
    bot: Harness, caplog: pytest.LogCaptureFixture, body: bytes, content_type: str
) -> None:
    before = await stored_rows(bot.db)
    tasks = asyncio.all_tasks()

    status, text = await raw_post(bot, body, signed_headers(body, content_type))
    await settled(tasks)

    assert_clean(status, text)
    assert_no_failure_logged(caplog)
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


# -- hypothesis: a live bot on a thread of its own --------------------------------------

STRANGER = "U0STRANGE"
TRIGGERS = itertools.count(1)
AUTHOR = "U0AUTHOR1"
OWNER = "U0OWNER01"
FUTURE = (date.today() + timedelta(days=30)).isoformat()
# Keys whose strings Slack never reads as mrkdwn, so user text in them may stay as typed.
PLAIN_KEYS = frozenset(
    {"initial_value", "placeholder", "private_metadata", "value", "metadata", "_url", "url"}
)


DISPLAYING_METHODS = frozenset(
    {
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.update",
        "views.open",
        "views.push",
        "views.update",
        "views.publish",
    }
)


@dataclass
class Exchange:
    """One request and everything it caused."""

    status: int
    text: str
    calls: list[Call]
    responses: list[dict]

    def outbound(self) -> list[Any]:
        """What Slack would show: the answer itself, Web API calls and response_url posts."""
        answer: Any = self.text
        with contextlib.suppress(ValueError):
            answer = json.loads(self.text) if self.text else ""
        shown = [call.args for call in self.calls if call.method in DISPLAYING_METHODS]
        return [answer, *shown, *self.responses]

    def answered(self) -> bool:
        """Whether the person heard anything back."""
        return self.status < 400 and bool(
            self.text.strip()
            or self.responses
            or any(c.method in DISPLAYING_METHODS for c in self.calls)
        )


def mrkdwn_strings(node: Any) -> Iterator[str]:
    """Every string in an outgoing payload that Slack renders as mrkdwn."""
    if isinstance(node, dict):
        plain = node.get("type") == "plain_text"
        for key, value in node.items():
            if key in PLAIN_KEYS or (plain and key in ("text", "emoji")):
                continue
            yield from mrkdwn_strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from mrkdwn_strings(item)
    elif isinstance(node, str):
        yield node


def assert_nothing_pings(exchange: Exchange) -> None:
    for text in (t for node in exchange.outbound() for t in mrkdwn_strings(node)):
        for control in RAW_CONTROLS:
            assert control not in text, f"user text reached Slack live: {text[:300]!r}"


class LiveBot:
    """The real app and fake Slack on an event loop of their own, so that hypothesis's
    synchronous tests can drive them request by request."""

    idea: Idea
    experiment: Experiment

    def __init__(self, database_url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self.run(migrate.upgrade(database_url))
        self.bot, self._close = self.run(
            start_harness(database_url, EXPERIMENTS_CHANNEL=LAB_CHANNEL, ADMIN_USER_IDS=ADMIN)
        )

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout=120)

    def send(self, body: bytes, content_type: str) -> Exchange:
        exchange = self.run(self._send(body, content_type))
        # Shown by --hypothesis-show-statistics: how many examples got past the gate.
        event(f"answered {exchange.status}{' and replied' if exchange.answered() else ''}")
        return exchange

    async def _send(self, body: bytes, content_type: str) -> Exchange:
        fake = self.bot.fake
        calls, responses = len(fake.calls), len(fake.responses)
        tasks = asyncio.all_tasks()
        status, text = await raw_post(self.bot, body, signed_headers(body, content_type))
        await settled(tasks)
        return Exchange(status, text, fake.calls[calls:], fake.responses[responses:])

    def rows(self) -> dict[str, list[str]]:
        return self.run(stored_rows(self.bot.db))

    def close(self) -> None:
        self.run(self._close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()


async def seed(bot: Harness) -> tuple[Idea, Experiment]:
    """An idea by AUTHOR, and an experiment on it owned by OWNER: things to aim at."""
    bot.add_people(AUTHOR)
    before = asyncio.all_tasks()
    idea = await bot.share_idea("Quiet hours on Thursdays", author=AUTHOR)
    await bot.submit_view(
        experiment_forms.EXPERIMENT_FORM,
        {
            "hypothesis": {"type": "plain_text_input", "value": "We believe quiet hours help"},
            "metric": {"type": "plain_text_input", "value": "focus time per week"},
            "owner": {"type": "users_select", "selected_user": OWNER},
            "ends_on": {"type": "datepicker", "selected_date": FUTURE},
            "idea": picked_idea(str(idea.id)),
        },
        user=OWNER,
    )
    experiment = await bot.experiment_posted()
    await settled(before)  # nothing the seeding set off may land in the first example
    return idea, experiment


@pytest.fixture
def live(database_url: str) -> Iterator[LiveBot]:
    live = LiveBot(database_url)
    try:
        live.idea, live.experiment = live.run(seed(live.bot))
        yield live
    finally:
        live.close()


FUZZ = settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(["", " ", "²", "0", "-1", "99999999999999999999", "1:", ":", INJECTION]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.sampled_from(["id", "value", "type"]), st.integers(), max_size=2),
)


def maybe(value: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(value, junk)


def mostly(value: st.SearchStrategy) -> st.SearchStrategy:
    """`value` four times in five, so that most examples get past the first check."""
    return st.integers(0, 4).flatmap(lambda n: junk if n == 4 else value)


def form_body(fields: dict[str, str]) -> bytes:
    return urlencode(fields).encode()


def payload_body(payload: Any) -> bytes:
    return form_body({"payload": json.dumps(payload)})


@st.composite
def reaction_events(draw: st.DrawFn) -> dict:
    """Reactions and other events that must not count: unknown posts or channels, wrong
    types, missing fields, events we never subscribed to."""
    item = draw(
        maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    "type": maybe(st.sampled_from(["message", "file", "file_comment"])),
                    "channel": maybe(st.sampled_from([IDEAS_CHANNEL, LAB_CHANNEL, "C0NOWHERE"])),
                    "ts": maybe(st.sampled_from(["1700000000.000100", "not-a-ts", ""])),
                    "file": junk,
                },
            )
        )
    )
    event = draw(
        st.fixed_dictionaries(
            {
                "type": st.sampled_from(
                    ["reaction_added", "reaction_removed", "app_home_opened", "made_up_event"]
                )
            },
            optional={
                "user": maybe(st.sampled_from([STRANGER, "U0NOBODY9", "USLACKBOT"])),
                "reaction": maybe(st.sampled_from(["+1", "bulb", "+1::skin-tone-3", "tada"])),
                "item_user": maybe(st.just(AUTHOR)),
                "event_ts": maybe(st.just("1700000001.000200")),
                "tab": maybe(st.sampled_from(["messages", "about"])),
                "view": junk,
            },
        )
    )
    event["item"] = item
    return {
        "type": "event_callback",
        "team_id": TEAM_ID,
        "api_app_id": "A0LIGHT01",
        "event": event,
        "event_id": draw(maybe(st.just("Ev0FUZZ"))),
        "event_time": draw(maybe(st.just(1700000001))),
    }


@FUZZ
@given(envelope=reaction_events())
def test_events_that_are_not_votes_change_nothing(
    live: LiveBot, caplog: pytest.LogCaptureFixture, envelope: dict
) -> None:
    caplog.clear()
    before = live.rows()

    exchange = live.send(json.dumps(envelope).encode(), "application/json")

    assert_clean(exchange.status, exchange.text)
    assert_no_failure_logged(caplog)
    assert live.rows() == before
    assert not [c for c in exchange.calls if c.method in ("chat.postMessage", "chat.update")]


@FUZZ
@given(user=junk.filter(lambda u: not (isinstance(u, str) and u)))
def test_a_reaction_on_an_idea_from_no_real_user_counts_for_nothing(
    live: LiveBot, caplog: pytest.LogCaptureFixture, user: Any
) -> None:
    caplog.clear()
    before = live.rows()
    envelope = {
        "type": "event_callback",
        "team_id": TEAM_ID,
        "event": {
            "type": "reaction_added",
            "user": user,
            "reaction": "+1",
            "item_user": "UBOT0001",
            "item": {"type": "message", "channel": IDEAS_CHANNEL, "ts": live.idea.message_ts},
            "event_ts": "1700000001.000200",
        },
        "event_id": "Ev0FUZZUSER",
    }

    exchange = live.send(json.dumps(envelope).encode(), "application/json")

    assert_clean(exchange.status, exchange.text)
    assert_no_failure_logged(caplog)
    assert live.rows() == before


KNOWN_ACTIONS = [
    "idea_start_experiment",
    "idea_change_status",
    "experiment_add_update",
    "experiment_conclude",
    "experiment_cancel",
    "experiment_snooze_3",
    "experiment_snooze_7",
    "home_new_idea",
    "home_review_page_prev",
    "home_review_page_next",
]
KNOWN_FORMS = [
    "idea_form",
    "experiment_form",
    "experiment_update_form",
    "learning_form",
    "idea_status_form",
]
FORM_BLOCKS = [
    "summary",
    "problem",
    "details",
    "hypothesis",
    "metric",
    "owner",
    "ends_on",
    "idea",
    "update",
    "outcome",
    "learned",
    "next_step",
    "status",
    "reason",
]
# Text no form accepts: blank, or longer than every limit.
UNACCEPTABLE_TEXT = st.sampled_from(["", "   ", "\n\t", "x" * 5001, INJECTION * 60])

button_values = st.one_of(
    junk,
    st.sampled_from(["1", "#1", " 1", "1:U0OWNER01", f"1:{STRANGER}", "1:U0OWNER01:3", "2:x"]),
    st.builds(lambda n, o, d: f"{n}:{o}:{d}", junk.map(str), junk.map(str), junk.map(str)),
)
form_elements = st.fixed_dictionaries(
    {},
    optional={
        "type": maybe(st.sampled_from(["plain_text_input", "users_select", "datepicker"])),
        "value": st.one_of(UNACCEPTABLE_TEXT, junk),
        "selected_user": maybe(st.sampled_from([STRANGER, OWNER, ""])),
        "selected_date": maybe(st.sampled_from(["2001-01-01", "2026-02-30", "tomorrow", FUTURE])),
        "selected_option": maybe(
            st.fixed_dictionaries({"value": maybe(st.sampled_from(["shipped", "validated"]))})
        ),
    },
)
form_states = maybe(
    st.fixed_dictionaries(
        {
            "values": maybe(
                st.dictionaries(
                    st.sampled_from(FORM_BLOCKS),
                    maybe(st.fixed_dictionaries({"value": maybe(form_elements)})),
                    max_size=6,
                )
            )
        }
    )
)
metadata = st.one_of(
    junk.map(str),
    st.sampled_from(["{", "[]", "null", '"1"']),
    st.builds(
        lambda key, value: json.dumps({key: value}),
        st.sampled_from(["experiment_id", "idea_id", "from_home"]),
        st.one_of(junk, st.sampled_from([1, 2, True, "1", 2**40])),
    ),
)
RESPONSE_URL = "response-url-of-the-fake"
someone = mostly(st.just({"id": STRANGER}))


@st.composite
def clicks(draw: st.DrawFn) -> dict:
    action = st.fixed_dictionaries(
        {"action_id": st.one_of(st.sampled_from(KNOWN_ACTIONS), st.text(max_size=12))},
        optional={"value": button_values, "block_id": junk, "type": junk},
    )
    return {
        "type": "block_actions",
        "user": draw(someone),
        "team": {"id": TEAM_ID},
        "trigger_id": draw(maybe(st.just("trigger-fuzz"))),
        # Buttons in messages carry a response URL; those in the Home tab and modals do not.
        "response_url": draw(st.sampled_from([RESPONSE_URL, None])),
        "container": draw(junk),
        "actions": draw(mostly(st.lists(action, min_size=1, max_size=2))),
    }


@st.composite
def submissions(draw: st.DrawFn) -> dict:
    view = st.fixed_dictionaries(
        {
            "type": st.sampled_from(["modal", "modal", "home", "workflow_step"]),
            "callback_id": st.one_of(st.sampled_from(KNOWN_FORMS), st.text(max_size=12)),
            "private_metadata": metadata,
            "state": form_states,
        },
        optional={"id": junk, "hash": junk},
    )
    return {
        "type": draw(st.sampled_from(["view_submission", "view_closed"])),
        "user": draw(someone),
        "team": {"id": TEAM_ID},
        "view": draw(mostly(view)),
    }


@FUZZ
@given(payload=st.one_of(clicks(), submissions()))
def test_clicks_and_forms_the_bot_never_showed_change_nothing(
    live: LiveBot, caplog: pytest.LogCaptureFixture, payload: dict
) -> None:
    caplog.clear()
    before = live.rows()
    if payload.get("response_url") == RESPONSE_URL:
        payload = {**payload, "response_url": live.bot.fake.response_url("click")}

    exchange = live.send(payload_body(payload), "application/x-www-form-urlencoded")

    assert_clean(exchange.status, exchange.text)
    assert_no_failure_logged(caplog)
    assert live.rows() == before
    posted = [c.args.get("channel") for c in exchange.calls if c.method == "chat.postMessage"]
    assert IDEAS_CHANNEL not in posted and LAB_CHANNEL not in posted
    assert_nothing_pings(exchange)


# -- mention injection through every free-text field -------------------------------------


def plain(text: str) -> dict:
    return {"type": "plain_text_input", "value": text}


def everything_shown(bot: Harness, acks: list[Reply]) -> Exchange:
    """All that Slack was asked to show since the test began, as one exchange."""
    answers = [reply.json() if reply.text.startswith("{") else reply.text for reply in acks]
    return Exchange(200, json.dumps(answers), list(bot.fake.calls), list(bot.fake.responses))


async def test_no_free_text_field_lets_a_person_ping_link_or_impersonate(lab: Harness) -> None:
    lab.add_people(AUTHOR, OWNER, STRANGER, "U0VOTER01")
    before = asyncio.all_tasks()
    acks: list[Reply] = []
    typed = f"Lunch rota {INJECTION}"
    acks.append(await lab.command(typed, user=AUTHOR))
    # Stored after the ack: wait, so that it is the first idea whatever the next one does.
    await eventually(lambda: idea_texts(lab), failure="the quick idea was never stored")
    idea = await lab.share_idea(f"Second {INJECTION}", author=AUTHOR)
    acks.append(
        await lab.submit_form(
            {"summary": f"Form {INJECTION}", "problem": INJECTION, "details": INJECTION},
            user=AUTHOR,
        )
    )
    await lab.react(idea, "U0VOTER01")
    acks.append(
        await lab.submit_view(
            experiment_forms.EXPERIMENT_FORM,
            {
                "hypothesis": plain(f"We believe {INJECTION}"),
                "metric": plain(INJECTION),
                "owner": {"type": "users_select", "selected_user": OWNER},
                "ends_on": {"type": "datepicker", "selected_date": FUTURE},
                "idea": picked_idea(str(idea.id)),
            },
            user=OWNER,
        )
    )
    await lab.experiment_posted()
    metadata = json.dumps({"experiment_id": 1})
    acks.append(
        await lab.submit_view(
            experiment_forms.UPDATE_FORM,
            {"update": plain(INJECTION)},
            user=OWNER,
            private_metadata=metadata,
        )
    )
    acks.append(
        await lab.submit_view(
            experiment_forms.LEARNING_FORM,
            {
                "outcome": {"type": "radio_buttons", "selected_option": {"value": "invalidated"}},
                "learned": plain(INJECTION),
                "next_step": plain(INJECTION),
            },
            user=OWNER,
            private_metadata=metadata,
        )
    )
    acks.append(
        await lab.submit_view(
            "idea_status_form",
            {
                "status": {"type": "static_select", "selected_option": {"value": "parked"}},
                "reason": plain(INJECTION),
            },
            user=ADMIN,
            private_metadata=json.dumps({"idea_id": idea.id}),
        )
    )
    acks.append(await lab.command(f"status {idea.id} under-review {INJECTION}", user=ADMIN))
    for words in (
        f"status {INJECTION}",
        f"status {idea.id} {INJECTION}",
        f"experiment {INJECTION}",
        f"history {INJECTION}",
        f"history {idea.id}",
        f"top {INJECTION}",
        f"mute {INJECTION}",
        f"{INJECTION[:1]}help {INJECTION}",
        "x" * 5000 + INJECTION,
    ):
        acks.append(await lab.command(words, user=STRANGER))
        acks.append(await lab.command(words, user=ADMIN))
    acks.append(await lab.command("mine", user=AUTHOR))
    await lab.event({"type": "app_home_opened", "user": ADMIN, "tab": "home"})
    await lab.event({"type": "app_home_opened", "user": AUTHOR, "tab": "home"})
    await lab.fake.wait_for("views.publish", count=2)
    await lab.runtime.notices.drain()
    await experiment_digest.run(lab.runtime, now=datetime.now(UTC) + timedelta(days=1))
    next_month = (date.today().replace(day=1) + timedelta(days=32)).replace(day=1)
    await awards.run(
        lab.runtime, now=datetime(next_month.year, next_month.month, 1, 12, tzinfo=UTC)
    )
    await settled(before)

    shown = everything_shown(lab, acks)
    assert_nothing_pings(shown)
    texts = await idea_texts(lab)
    assert texts[0] == typed
    assert all(INJECTION in text for text in texts)
    for method in ("chat.postMessage", "views.publish", "chat.update"):
        assert lab.fake.calls_to(method), f"nothing was sent with {method}: the test saw nothing"
    awarded = [c for c in lab.fake.calls_to("chat.postMessage") if "of the month" in str(c.args)]
    assert awarded, "the awards announcement was never posted"


@pytest.mark.parametrize("unstorable", ["\x00", "\ud800", "\udfff"])
async def test_text_no_database_can_hold_is_dropped_and_the_rest_kept(
    bot: Harness, unstorable: str
) -> None:
    typed = f"Nap pods{unstorable} for the night shift"
    before = asyncio.all_tasks()
    # A lone surrogate cannot be form-encoded as UTF-8, so it arrives JSON-escaped in a form.
    reply = await bot.submit_form({"summary": typed, "problem": "Tired people", "details": None})
    await bot.fake.wait_for("chat.postMessage", count=2)
    await settled(before)

    assert reply.status == 200
    async with bot.db.session() as session:
        [idea] = (await session.execute(select(Idea))).scalars().all()
    assert idea.text in ("Nap pods for the night shift", "Nap pods? for the night shift")


SUBCOMMANDS = [
    "",
    "help ",
    "top ",
    "mine ",
    "status ",
    "history ",
    "experiment ",
    "unmute ",
    "theme edit ",
    "theme archive ",
    "themes ",
    "challenge ",
    "challenges ",
    "search ",
    "learnings ",
    "zz ",
]
INJECTION_PARTS = [part for part in INJECTION.split(" ") if part]
typed_words = st.lists(
    st.one_of(st.text(max_size=25), st.sampled_from(INJECTION_PARTS)), max_size=6
).map(" ".join)


@FUZZ
@given(
    subcommand=st.sampled_from(SUBCOMMANDS),
    words=typed_words,
    user=st.sampled_from([STRANGER, ADMIN, "U0NOBODY9"]),
)
def test_whatever_is_typed_gets_an_answer_and_pings_nobody(
    live: LiveBot, caplog: pytest.LogCaptureFixture, subcommand: str, words: str, user: str
) -> None:
    caplog.clear()
    text = subcommand + words
    ideas_before = live.run(idea_texts(live.bot))
    body = form_body(
        {
            "command": "/idea",
            "text": text,
            "user_id": user,
            "channel_id": "C0RANDOM1",
            "team_id": TEAM_ID,
            # Slack makes a trigger per invocation; a repeated one is a replay, handled once.
            "trigger_id": f"trigger-fuzz-{next(TRIGGERS)}",
            "response_url": live.bot.fake.response_url("cmd"),
        }
    )

    exchange = live.send(body, "application/x-www-form-urlencoded")

    assert_clean(exchange.status, exchange.text)
    assert_no_failure_logged(caplog)
    assert exchange.status == 200
    assert exchange.answered(), f"/idea {text!r} got no answer at all"
    assert_nothing_pings(exchange)
    added = live.run(idea_texts(live.bot))[len(ideas_before) :]
    assert added in ([], [text.replace("\x00", "").strip()])


async def idea_texts(bot: Harness) -> list[str]:
    async with bot.db.session() as session:
        result = await session.execute(select(col(Idea.text)).order_by(col(Idea.id)))
        return list(result.scalars())


async def test_bolts_own_headers_from_outside_are_ignored(bot: Harness) -> None:
    body = urlencode(
        {
            "command": "/idea",
            "text": "help",
            "user_id": "U0ALICE01",
            "trigger_id": "t",
            "response_url": bot.fake.response_url("cmd"),
        }
    ).encode()
    headers = {
        **signed_headers(body, "application/x-www-form-urlencoded"),
        "X-Slack-Bolt-Lazy-Only": "true",
        "X-Slack-Bolt-Lazy-Function-Name": "on_idea_command",
    }

    status, text = await raw_post(bot, body, headers)

    assert status == 200
    assert "/idea" in json.loads(text)["text"]


async def test_an_idea_number_no_row_can_have_gets_the_usage_not_a_failure(
    lab: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    for number in ("²", "99999999999", "0"):
        await lab.command(f"status {number} shipped It is live", user=ADMIN)

    answers = await lab.fake.wait_for_responses(count=3)
    assert all(a["text"].startswith("Which idea?") for a in answers), answers
    assert_no_failure_logged(caplog)


async def test_an_admin_click_with_a_garbled_container_still_opens_the_form(
    lab: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    idea = await lab.share_idea("Stand-up desks", author=AUTHOR)
    click = {
        "type": "block_actions",
        "user": {"id": ADMIN},
        "team": {"id": TEAM_ID},
        "trigger_id": "trigger-garbled",
        "response_url": lab.fake.response_url("click"),
        "container": [1, 2],
        "actions": [{"action_id": "idea_change_status", "value": str(idea.id)}],
    }

    reply = await lab.interact(click)

    assert reply.status == 200
    [opened] = await lab.fake.wait_for("views.open")
    assert opened.args["trigger_id"] == "trigger-garbled"
    assert_no_failure_logged(caplog)
