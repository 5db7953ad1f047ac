"""Drive the real Lightbulb app the way Slack does: signed HTTP requests to its endpoint,
with its real Web API client talking to the project's fake Slack server."""

from __future__ import annotations

import asyncio
import inspect
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from itertools import count
from typing import Any, TypeVar, overload
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier
from sqlmodel import col, select

from bot.core.settings import Settings, load_settings
from bot.server.app import build_app
from bot.server.http_server import (
    EVENTS_PATH,
    METRICS_PATH,
    build_metrics_app,
    build_web_app,
    start_http,
)
from bot.server.runtime import Runtime
from bot.server.serve import finish_pending_tasks
from storage import experiments, votes
from storage.database import Database
from storage.models import Experiment, Idea
from tests.fake_slack import PATIENCE, FakeSlack

T = TypeVar("T")

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
IDEAS_CHANNEL = "C0IDEAS01"
LAB_CHANNEL = "C0EXPER01"
ADMIN = "U0ADMIN01"
TEAM_ID = "T0001"

# How long a test waits for something the app does after its ack. Only a failing test waits
# this long, so it is generous: a loaded two-core CI machine can take seconds to get there.
POLL_SECONDS = 0.02


@overload
async def eventually(
    condition: Callable[[], Awaitable[T | None]],
    *,
    timeout: float = ...,
    failure: str | Callable[[], str] | None = ...,
) -> T: ...
@overload
async def eventually(
    condition: Callable[[], T | None],
    *,
    timeout: float = ...,
    failure: str | Callable[[], str] | None = ...,
) -> T: ...
async def eventually(
    condition: Callable[[], object],
    *,
    timeout: float = PATIENCE,
    failure: str | Callable[[], str] | None = None,
) -> object:
    """Wait until `condition()` (awaited, if it returns an awaitable) is truthy; return that
    value. After `timeout` seconds, fail with `failure` (a callable is asked then, so that it
    can describe what it sees)."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result
        if time.monotonic() > deadline:
            if callable(failure):
                failure = failure()
            name = getattr(condition, "__name__", repr(condition))
            raise AssertionError(failure or f"{name} was still false after {timeout}s")
        await asyncio.sleep(POLL_SECONDS)


async def settled(before: set[asyncio.Task[Any]], timeout: float = PATIENCE) -> None:
    """Wait until every task started since `before` was taken has finished, and every task
    those started in turn: the work requests set off after their ack (listeners, post
    refreshes, status notices, Home publishes)."""
    current = asyncio.current_task()
    deadline = time.monotonic() + timeout
    while pending := {t for t in asyncio.all_tasks() if t not in before and t is not current}:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            names = sorted(task.get_name() for task in pending)
            raise AssertionError(f"still running after {timeout}s: {names}")
        await asyncio.wait(pending, timeout=remaining)


def settings_for_tests(database_url: str, api_url: str, **overrides: str) -> Settings:
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": database_url,
        "IDEAS_CHANNEL": IDEAS_CHANNEL,
        **overrides,
    }
    return load_settings(env, require_signing_secret=True)


@dataclass
class Reply:
    status: int
    text: str
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.text) if self.text else None


@dataclass
class Harness:
    fake: FakeSlack
    runtime: Runtime
    base_url: str
    http: aiohttp.ClientSession
    metrics_url: str
    _ids: count = field(default_factory=lambda: count(1))

    @property
    def db(self) -> Database:
        return self.runtime.db

    async def post(
        self,
        body: str,
        *,
        content_type: str,
        sign: bool = True,
        timestamp: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """POST a raw body to the Slack endpoint, signed as Slack signs it."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        all_headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts}
        if sign:
            signature = SignatureVerifier(SIGNING_SECRET).generate_signature(
                timestamp=ts, body=body
            )
            assert signature is not None  # None only without a timestamp or a body
            all_headers["X-Slack-Signature"] = signature
        all_headers.update(headers or {})
        async with self.http.post(
            self.base_url + EVENTS_PATH, data=body.encode(), headers=all_headers
        ) as response:
            return Reply(response.status, await response.text(), dict(response.headers))

    async def command(
        self,
        text: str,
        *,
        user: str = "U0ALICE01",
        trigger_id: str | None = None,
        response_url: str | None = None,
    ) -> Reply:
        """A slash command as Slack sends it: a signed form post."""
        form = {
            "token": "legacy",
            "team_id": TEAM_ID,
            "team_domain": "acme",
            "channel_id": "C0RANDOM1",
            "channel_name": "random",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/idea",
            "text": text,
            "api_app_id": "A0LIGHT01",
            "response_url": response_url or self.fake.response_url("cmd"),
            "trigger_id": trigger_id or f"trigger-{next(self._ids)}",
        }
        return await self.post(urlencode(form), content_type="application/x-www-form-urlencoded")

    async def interact(self, payload: dict) -> Reply:
        """An interactivity payload (`payload=<json>`), as Slack sends it."""
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post(body, content_type="application/x-www-form-urlencoded")

    async def event(
        self, event: dict, *, event_id: str | None = None, retry_num: int | None = None
    ) -> Reply:
        envelope = {
            "token": "legacy",
            "team_id": TEAM_ID,
            "api_app_id": "A0LIGHT01",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._ids):08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": "UBOT0001", "is_bot": True}],
        }
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return await self.post(
            json.dumps(envelope), content_type="application/json", headers=headers
        )

    async def share_idea(self, text: str, *, author: str = "U0AUTHOR1") -> Idea:
        """Capture an idea through `/idea` and wait until it is posted, recorded, and its
        author told: the last thing the command does, so nothing of it is still under way."""
        response_url = self.fake.response_url("cmd")
        await self.command(text, user=author, response_url=response_url)

        async def recorded_as_posted() -> Idea | None:
            async with self.db.session() as session:
                idea = (
                    await session.execute(select(Idea).where(col(Idea.text) == text))
                ).scalar_one_or_none()
            return idea if idea is not None and idea.message_ts and idea.permalink else None

        answers = await eventually(
            lambda: self.fake.responses_to(response_url),
            failure=f"the author of idea {text!r} was never told how it went",
        )
        offer = _post_anyway_button(answers[0])
        if offer is not None:  # similar ideas were shown first: post it anyway
            click_url = self.fake.response_url("click")
            block_id, value = offer
            await self.click(
                "similar_post_anyway", value, user=author, block_id=block_id, response_url=click_url
            )
            await eventually(
                lambda: self.fake.responses_to(click_url),
                failure=f"the author of idea {text!r} was never told how posting it went",
            )
        return await eventually(
            recorded_as_posted, failure=f"idea {text!r} was never recorded as posted"
        )

    async def experiment_posted(self, experiment_id: int = 1) -> Experiment:
        """Wait until the experiment's card is in Slack and recorded."""

        async def recorded() -> Experiment | None:
            async with self.db.session() as session:
                experiment = await experiments.get_experiment(
                    session=session, experiment_id=experiment_id
                )
            return experiment if experiment is not None and experiment.permalink else None

        return await eventually(
            recorded, failure=f"experiment #{experiment_id}'s card was never recorded"
        )

    async def metrics(self) -> str:
        """What the operator's Prometheus scrapes, from the metrics listener."""
        async with self.http.get(self.metrics_url + METRICS_PATH) as response:
            assert response.status == 200
            return await response.text()

    def add_people(self, *user_ids: str, is_bot: bool = False) -> None:
        for user_id in user_ids:
            self.fake.add_user(user_id, name=f"person-{user_id.lower()}", is_bot=is_bot)

    async def react(
        self,
        idea: Idea,
        user: str,
        reaction: str = "+1",
        *,
        added: bool = True,
        event_ts: str | None = None,
        event_id: str | None = None,
        retry_num: int | None = None,
        item_type: str = "message",
        message_ts: str | None = None,
    ) -> Reply:
        """A `reaction_added`/`reaction_removed` event on the idea's post, as Slack sends it."""
        item = {"type": item_type, "channel": idea.channel_id, "ts": message_ts or idea.message_ts}
        if item_type == "file":
            item = {"type": "file", "file": "F0FILE001"}
        event = {
            "type": "reaction_added" if added else "reaction_removed",
            "user": user,
            "reaction": reaction,
            "item_user": "UBOT0001",
            "item": item,
            "event_ts": event_ts or self.next_event_ts(),
        }
        return await self.event(event, event_id=event_id, retry_num=retry_num)

    def next_event_ts(self) -> str:
        return f"{time.time():.6f}"[:-3] + f"{next(self._ids) % 1000:03d}"

    async def wait_judged(self, count: int, timeout: float = PATIENCE) -> None:
        """Wait until the bot has finished judging `count` reactions in all (a counted vote
        is committed before it is judged finished)."""
        await eventually(
            lambda: sum(self.runtime.votes.verdicts.values()) >= count,
            timeout=timeout,
            failure=lambda: f"only {dict(self.runtime.votes.verdicts)} of {count} reactions judged",
        )

    async def votes_on(self, idea: Idea) -> int:
        async with self.db.session() as session:
            return await votes.vote_count(session=session, idea_id=idea.id or 0)

    async def submit_form(self, values: dict[str, str | None], *, user: str = "U0ALICE01") -> Reply:
        """Submit the idea form with the given field values (block id → text)."""
        return await self.submit_view(
            "idea_form",
            {
                block: {"type": "plain_text_input", "value": value}
                for block, value in values.items()
            },
            user=user,
        )

    async def submit_view(
        self,
        callback_id: str,
        elements: dict[str, dict],
        *,
        user: str = "U0ALICE01",
        private_metadata: str = "",
        view_id: str | None = None,
    ) -> Reply:
        """A `view_submission` with each block's element state as Slack sends it
        (`{"type": "datepicker", "selected_date": "2026-12-01"}` and so on)."""
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM_ID, "domain": "acme"},
            "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
            "api_app_id": "A0LIGHT01",
            "trigger_id": f"trigger-{next(self._ids)}",
            "view": {
                "id": view_id or f"V0FORM{next(self._ids):03d}",
                "team_id": TEAM_ID,
                "type": "modal",
                "callback_id": callback_id,
                "private_metadata": private_metadata,
                "state": {
                    "values": {block: {"value": element} for block, element in elements.items()}
                },
                "hash": "1.abc",
            },
        }
        return await self.interact(payload)

    async def click(
        self,
        action_id: str,
        value: str,
        *,
        user: str,
        channel: str = IDEAS_CHANNEL,
        block_id: str = "actions",
        response_url: str | None = None,
    ) -> tuple[Reply, str]:
        """A button click (`block_actions`); returns the reply and the click's trigger_id."""
        trigger_id = f"trigger-click-{next(self._ids)}"
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM_ID, "domain": "acme"},
            "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
            "api_app_id": "A0LIGHT01",
            "trigger_id": trigger_id,
            "response_url": response_url or self.fake.response_url("click"),
            "container": {"type": "message", "channel_id": channel, "is_ephemeral": False},
            "channel": {"id": channel},
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": block_id,
                    "value": value,
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        return await self.interact(payload), trigger_id

    async def message_shortcut(
        self,
        callback_id: str,
        message: dict,
        *,
        user: str = "U0ALICE01",
        channel: str = "C0SUPPORT",
        channel_name: str = "support",
    ) -> tuple[Reply, str]:
        """A message shortcut (`message_action`) on `message` (`{"ts", "text", "user"}` or
        a bot's `{"ts", "text", "bot_id"}`…); returns the reply and the response URL."""
        response_url = self.fake.response_url("shortcut")
        payload = {
            "type": "message_action",
            "callback_id": callback_id,
            "team": {"id": TEAM_ID, "domain": "acme"},
            "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
            "channel": {"id": channel, "name": channel_name},
            "message": {"type": "message", **message},
            "message_ts": message.get("ts", ""),
            "response_url": response_url,
            "trigger_id": f"trigger-shortcut-{next(self._ids)}",
            "action_ts": f"{time.time():.6f}",
        }
        return await self.interact(payload), response_url

    async def suggest(
        self, action_id: str, value: str, *, user: str = "U0ALICE01", block_id: str = ""
    ) -> list[dict]:
        """What an `external_select` menu lists for `value` typed in it (`block_suggestion`,
        answered in the HTTP response): its options, or every option of its option groups."""
        payload = {
            "type": "block_suggestion",
            "team": {"id": TEAM_ID, "domain": "acme"},
            "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
            "api_app_id": "A0LIGHT01",
            "action_id": action_id,
            "block_id": block_id or action_id,
            "value": value,
            "container": {"type": "view", "view_id": f"V0MENU{next(self._ids):03d}"},
            "view": {"type": "modal", "callback_id": "", "private_metadata": ""},
        }
        reply = await self.interact(payload)
        assert reply.status == 200, reply.text
        answer = reply.json()
        if "option_groups" in answer:
            return [option for group in answer["option_groups"] for option in group["options"]]
        return list(answer["options"])


def _post_anyway_button(answer: dict) -> tuple[str, str] | None:
    """The block id and value of **Post mine anyway** in a private answer, if it has one."""
    for block in answer.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == "similar_post_anyway":
                return block["block_id"], element["value"]
    return None


async def start_harness(
    database_url: str, *, slack: FakeSlack | None = None, **setting_overrides: str
) -> tuple[Harness, Any]:
    """Start fake Slack (unless `slack` is one already running) and the real app over HTTP;
    returns the harness and a closer. `close(keep_slack=True)` leaves fake Slack running."""
    fake = slack or FakeSlack(bot_token=BOT_TOKEN, team_id=TEAM_ID)
    if slack is None:
        await fake.start()
    settings = settings_for_tests(database_url, fake.api_url, **setting_overrides)
    runtime = Runtime.build(settings)
    listener = await start_http(
        build_web_app(build_app(runtime), runtime),
        host="127.0.0.1",
        port=0,
        metrics=runtime.metrics,
    )
    metrics_listener = await start_http(
        build_metrics_app(runtime), host="127.0.0.1", port=0, metrics=runtime.metrics
    )
    # A connection per request: a kept-alive one would look to `settled` like work in flight.
    http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True))
    harness = Harness(
        fake,
        runtime,
        f"http://127.0.0.1:{listener.port}",
        http,
        metrics_url=f"http://127.0.0.1:{metrics_listener.port}",
    )

    async def close(*, keep_slack: bool = False) -> None:
        await http.close()
        await listener.close()
        await metrics_listener.close()
        await finish_pending_tasks()
        await runtime.close()
        if not keep_slack:
            await fake.stop()

    return harness, close


async def restart(harness: Harness, close: Any, **setting_overrides: str) -> tuple[Harness, Any]:
    """Stop the app and start it again on the same database, as a new process: nothing it
    kept in memory survives. Slack stays up, with its messages and its people."""
    await close(keep_slack=True)
    return await start_harness(
        harness.runtime.settings.database_url, slack=harness.fake, **setting_overrides
    )
