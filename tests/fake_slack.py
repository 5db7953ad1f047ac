"""A fake Slack Web API server that the project owns.

Tests point the real `AsyncWebClient` at it (`SLACK_API_URL`). It answers the Web API
methods Lightbulb uses the way Slack does, records every call, and can be told to fail:
429 with `Retry-After`, 5xx, `ok: false` errors, outages and slowness.

Run it by hand with `python tests/fake_slack.py --port 8099`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

JSON_FIELDS = ("blocks", "attachments", "view", "metadata", "users")
MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100
SECTION_TEXT_LIMIT = 3000
HEADER_TEXT_LIMIT = 150
MESSAGE_TEXT_LIMIT = 40000
VIEW_TITLE_LIMIT = 24
# How long a test waits for something before it fails: long, as it matters only then, and a
# loaded machine must never fail a test that waits for the right thing.
PATIENCE = 30.0


@dataclass
class Call:
    """One request the fake received."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str]


@dataclass
class FakeFile:
    """A file uploaded with files_upload_v2: its bytes once sent to the upload URL, and where
    files.completeUploadExternal shared it."""

    id: str
    filename: str
    length: int
    alt_txt: str | None = None
    content: bytes | None = None
    title: str | None = None
    channel: str | None = None
    thread_ts: str | None = None
    initial_comment: str | None = None
    completed: bool = False


@dataclass
class _Fault:
    status: int
    retry_after: int | None
    error: str | None
    times: int
    # Calls answered normally before this fault starts: Slack failing part of the way.
    skip: int = 0


@dataclass
class _User:
    id: str
    name: str
    tz: str = "UTC"
    title: str = ""
    deleted: bool = False
    is_bot: bool = False
    # Custom profile fields by field ID, as users.profile.get gives them ({"value", "alt"}).
    fields: dict[str, str] = field(default_factory=dict)


class FakeSlack:
    """Plays Slack's Web API on a local port; see the module docstring."""

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-test-token",
        team_id: str = "T0001",
        bot_user_id: str = "UBOT0001",
        bot_id: str = "BBOT0001",
        app_token: str = "xapp-test-token",
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.calls: list[Call] = []
        self.responses: list[dict] = []
        self.unknown_channels: set[str] = set()
        self.not_in_channels: set[str] = set()
        # conversations.info says these are private channels, or group DMs (D… IDs are DMs).
        self.private_channels: set[str] = set()
        self.group_dms: set[str] = set()
        self.log_calls = False
        self._messages: dict[str, dict[str, dict]] = defaultdict(dict)
        self._reactions: dict[tuple[str, str], list[dict]] = {}
        self._users: dict[str, _User] = {}
        # handle → (user group ID, name, members), as usergroups.list tells them
        self._usergroups: dict[str, tuple[str, str, list[str]]] = {}
        self.files: dict[str, FakeFile] = {}
        self._faults: dict[str, deque[_Fault]] = defaultdict(deque)
        self._outages: dict[str, int] = {}
        self._lost_answers: dict[str, list[int]] = defaultdict(list)
        self._delays: dict[str, float] = {}
        self._holds: dict[str, asyncio.Event] = {}
        self._last_ts = 0.0
        self._ids = count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._sockets: list[web.WebSocketResponse] = []
        self._socket_acks: dict[str, asyncio.Future[dict]] = {}

    # -- lifecycle ---------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        app = web.Application(client_max_size=10 * 1024 * 1024)
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/response/{name}", self._response_url)
        app.router.add_get("/socket", self._socket)
        app.router.add_post("/upload/{file_id}", self._upload)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self._host = host
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        for method in list(self._holds):
            self.release(method)
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self._port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    # -- inspection ----------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    async def wait_for(self, method: str, count: int = 1, timeout: float = PATIENCE) -> list[Call]:
        """Wait until at least `count` calls to `method` have arrived; return them."""
        try:
            await self._wait(lambda: len(self.calls_to(method)) >= count, timeout)
        except TimeoutError:
            seen = sorted({call.method for call in self.calls})
            raise AssertionError(
                f"expected {count} call(s) to {method} within {timeout}s, got "
                f"{len(self.calls_to(method))}; methods called: {seen}"
            ) from None
        return self.calls_to(method)

    async def wait_until(
        self, condition: Callable[[], bool], *, timeout: float = PATIENCE, what: str = ""
    ) -> None:
        """Wait until `condition` holds; it is checked after every call the fake answers."""
        try:
            await self._wait(condition, timeout)
        except TimeoutError:
            raise AssertionError(
                f"{what or getattr(condition, '__name__', 'the condition')} did not happen "
                f"within {timeout}s"
            ) from None

    async def wait_for_responses(self, count: int = 1, timeout: float = PATIENCE) -> list[dict]:
        """Wait until at least `count` bodies were POSTed to response URLs; return them."""
        try:
            await self._wait(lambda: len(self.responses) >= count, timeout)
        except TimeoutError:
            raise AssertionError(
                f"expected {count} response_url post(s) within {timeout}s, got "
                f"{len(self.responses)}: {self.responses}"
            ) from None
        return list(self.responses)

    async def _wait(self, ready: Any, timeout: float) -> None:
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(ready)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def responses_to(self, url: str) -> list[dict]:
        """What was POSTed to one response URL (`response_url()` hands out a new one each
        time)."""
        return [body for body in self.responses if body.get("_url") == url]

    def messages(self, channel: str) -> list[dict]:
        """Messages now in `channel` (edits applied), oldest first, threads included."""
        return sorted(self._messages.get(channel, {}).values(), key=lambda m: float(m["ts"]))

    def message(self, channel: str, ts: str) -> dict:
        return self._messages[channel][ts]

    # -- set-up ----------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 500,
        times: int = 1,
        retry_after: int | None = None,
        error: str | None = None,
        after: int = 0,
    ) -> None:
        """Queue a failure for the next `times` calls to `method`, once `after` more calls
        have been answered normally."""
        self._faults[method].append(_Fault(status, retry_after, error, times, after))

    def outage(self, method: str, *, status: int = 503) -> None:
        """Fail every call to `method` with `status` until `clear_faults`."""
        self._outages[method] = status

    def lose_answer_next(self, method: str, *, status: int = 503, times: int = 1) -> None:
        """Carry out the next `times` calls to `method`, then answer `status` as if Slack's
        answer had been lost on the way back: the caller cannot know it worked."""
        self._lost_answers[method].extend([status] * times)

    def set_delay(self, method: str, seconds: float) -> None:
        self._delays[method] = seconds

    def hold(self, method: str) -> None:
        """Keep every call to `method` waiting, unanswered, until `release(method)`: how a
        test shows that something happens before Slack answers, without guessing a delay."""
        self._holds.setdefault(method, asyncio.Event())

    def release(self, method: str) -> None:
        """Answer the calls `hold` kept waiting, and every later one at once."""
        held = self._holds.pop(method, None)
        if held is not None:
            held.set()

    def clear_faults(self) -> None:
        for method in list(self._holds):
            self.release(method)
        self._faults.clear()
        self._outages.clear()
        self._lost_answers.clear()
        self._delays.clear()

    def add_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        tz: str = "UTC",
        title: str = "",
        deleted: bool = False,
        is_bot: bool = False,
        fields: dict[str, str] | None = None,
    ) -> None:
        self._users[user_id] = _User(
            user_id, name or user_id.lower(), tz, title, deleted, is_bot, dict(fields or {})
        )

    def add_usergroup(self, handle: str, *, name: str, users: list[str]) -> str:
        """A user group `@handle` named `name` with these members; its ID is returned."""
        known = self._usergroups.get(handle)
        group_id = known[0] if known else f"S{len(self._usergroups) + 1:08d}"
        self._usergroups[handle] = (group_id, name, list(users))
        return group_id

    def add_message(self, channel: str, message: dict) -> None:
        """A message someone posted in `channel` (`{"ts", "text", "user"}`…), as Slack keeps
        it: chat.getPermalink, reactions.get and the history then know it."""
        self._messages[channel][str(message["ts"])] = {"type": "message", **message}

    def set_reactions(self, channel: str, ts: str, reactions: list[dict]) -> None:
        self._reactions[(channel, ts)] = reactions

    def response_url(self, name: str = "cmd") -> str:
        return f"{self.base_url}/response/{name}-{next(self._ids)}"

    # -- Socket Mode -------------------------------------------------------------------

    async def wait_for_socket(self, timeout: float = PATIENCE) -> None:
        """Wait until an app has opened a Socket Mode connection."""
        try:
            await self._wait(lambda: bool(self._sockets), timeout)
        except TimeoutError:
            raise AssertionError(f"no Socket Mode connection within {timeout}s") from None

    async def socket_send(self, envelope_type: str, payload: dict, timeout: float = 5.0) -> dict:
        """Send an envelope (`slash_commands`, `events_api`, `interactive`) over the open
        connection, as Slack does, and return the app's acknowledgement."""
        envelope_id = f"env-{next(self._ids)}"
        acked: asyncio.Future[dict] = asyncio.get_running_loop().create_future()
        self._socket_acks[envelope_id] = acked
        envelope = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": envelope_type != "events_api",
            "retry_attempt": 0,
            "retry_reason": "",
        }
        await self._sockets[-1].send_json(envelope)
        try:
            return await asyncio.wait_for(acked, timeout)
        finally:
            self._socket_acks.pop(envelope_id, None)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_json({"type": "hello", "num_connections": len(self._sockets)})
        await self._notify()
        try:
            async for message in socket:
                if message.type != web.WSMsgType.TEXT:
                    continue
                ack = json.loads(message.data)
                waiter = self._socket_acks.get(ack.get("envelope_id", ""))
                if waiter is not None and not waiter.done():
                    waiter.set_result(ack)
        finally:
            self._sockets.remove(socket)
        return socket

    def _m_apps_connections_open(self, _args: dict) -> dict:
        return {"url": f"ws://{self._host}:{self._port}/socket"}

    # -- HTTP --------------------------------------------------------------------------

    async def _response_url(self, request: web.Request) -> web.Response:
        body = await request.json()
        body["_url"] = str(request.url)
        self.responses.append(body)
        await self._notify()
        return web.Response(text="ok")

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        args = await _read_args(request)
        self.calls.append(Call(method, args, dict(request.headers)))
        # Waiters see a call as soon as it arrives, also one `hold` keeps unanswered.
        await self._notify()
        if self.log_calls:
            print(f"{method} {json.dumps(_short(args), ensure_ascii=False)}", flush=True)
        try:
            if method in self._delays:
                await asyncio.sleep(self._delays[method])
            if method in self._holds:
                await self._holds[method].wait()
            fault = self._take_fault(method)
            if fault is not None:
                return fault
            token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
            token = token or str(args.get("token") or "")
            if not token:
                return _error("not_authed")
            expected = self.app_token if method == "apps.connections.open" else self.bot_token
            if token != expected:
                return _error("invalid_auth")
            handler = getattr(self, "_m_" + method.replace(".", "_"), None)
            if handler is None:
                return _error("unknown_method")
            answer = {"ok": True, **handler(args)}
            if self._lost_answers.get(method):
                return _http_failure(self._lost_answers[method].pop(0), None)
            return web.json_response(answer)
        except _SlackError as error:
            return _error(error.code)
        finally:
            await self._notify()

    def _take_fault(self, method: str) -> web.Response | None:
        if method in self._outages:
            return _http_failure(self._outages[method], None)
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        if fault.skip > 0:
            fault.skip -= 1
            return None
        fault.times -= 1
        if fault.times <= 0:
            queue.popleft()
        if fault.error:
            return _error(fault.error)
        return _http_failure(fault.status, fault.retry_after)

    # -- methods -----------------------------------------------------------------------

    def _m_auth_test(self, _args: dict) -> dict:
        return {
            "url": "https://fake-slack.test/",
            "team": "Acme",
            "user": "lightbulb",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
        }

    def _next_ts(self) -> str:
        """Like Slack's: the time of posting, unique and increasing within the fake."""
        self._last_ts = max(time.time(), self._last_ts + 0.000001)
        return f"{self._last_ts:.6f}"

    def _conversation(self, channel: str) -> str:
        if not channel:
            raise _SlackError("channel_not_found")
        if channel in self.unknown_channels:
            raise _SlackError("channel_not_found")
        if channel in self.not_in_channels:
            raise _SlackError("not_in_channel")
        if channel[0] in "UW":
            return "D" + channel[1:]
        return channel

    def _m_chat_postMessage(self, args: dict) -> dict:
        channel = self._conversation(str(args.get("channel") or ""))
        _check_message(args)
        ts = self._next_ts()
        message = {
            "type": "message",
            "ts": ts,
            "channel": channel,
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "text": args.get("text") or "",
            "blocks": args.get("blocks") or [],
        }
        if args.get("thread_ts"):
            message["thread_ts"] = str(args["thread_ts"])
        metadata = args.get("metadata")
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        if metadata:
            if not isinstance(metadata, dict) or not metadata.get("event_type"):
                raise _SlackError("invalid_metadata_format")
            message["metadata"] = metadata
        self._messages[channel][ts] = message
        return {"channel": channel, "ts": ts, "message": message}

    def _existing(self, channel: str, ts: str) -> dict:
        message = self._messages.get(channel, {}).get(ts)
        if message is None:
            raise _SlackError("message_not_found")
        return message

    def _m_chat_update(self, args: dict) -> dict:
        channel, ts = str(args.get("channel") or ""), str(args.get("ts") or "")
        message = self._existing(channel, ts)
        _check_message(args)
        if "text" in args:
            message["text"] = args["text"]
        if "blocks" in args:
            message["blocks"] = args["blocks"]
        message["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        return {"channel": channel, "ts": ts, "text": message["text"], "message": message}

    def _m_chat_delete(self, args: dict) -> dict:
        channel, ts = str(args.get("channel") or ""), str(args.get("ts") or "")
        self._existing(channel, ts)
        del self._messages[channel][ts]
        return {"channel": channel, "ts": ts}

    def _m_chat_getPermalink(self, args: dict) -> dict:
        channel, ts = str(args.get("channel") or ""), str(args.get("message_ts") or "")
        self._existing(channel, ts)
        link = f"https://fake-slack.test/archives/{channel}/p{ts.replace('.', '')}"
        return {"channel": channel, "permalink": link}

    def _m_chat_postEphemeral(self, args: dict) -> dict:
        self._conversation(str(args.get("channel") or ""))
        if not args.get("user"):
            raise _SlackError("user_not_found")
        _check_message(args)
        return {"message_ts": self._next_ts()}

    def _view(self, args: dict, *, kinds: tuple[str, ...]) -> dict:
        view = args.get("view")
        if not isinstance(view, dict) or view.get("type") not in kinds:
            raise _SlackError("invalid_arguments")
        blocks = view.get("blocks") or []
        if len(blocks) > VIEW_BLOCK_LIMIT or not _blocks_ok(blocks):
            raise _SlackError("invalid_blocks")
        title = (view.get("title") or {}).get("text", "")
        if len(title) > VIEW_TITLE_LIMIT:
            raise _SlackError("invalid_arguments")
        view_id = f"V{next(self._ids):08d}"
        return {"view": {"id": view_id, "hash": f"{time.time():.0f}.{view_id}", **view}}

    def _m_views_open(self, args: dict) -> dict:
        trigger = args.get("trigger_id")
        if not trigger:
            raise _SlackError("invalid_arguments")
        if trigger == "expired":
            raise _SlackError("expired_trigger_id")
        return self._view(args, kinds=("modal",))

    def _m_views_push(self, args: dict) -> dict:
        return self._m_views_open(args)

    def _m_views_update(self, args: dict) -> dict:
        if not (args.get("view_id") or args.get("external_id")):
            raise _SlackError("invalid_arguments")
        return self._view(args, kinds=("modal", "home"))

    def _m_views_publish(self, args: dict) -> dict:
        if not args.get("user_id"):
            raise _SlackError("invalid_arguments")
        return self._view(args, kinds=("home",))

    def _user(self, user_id: str) -> _User:
        user = self._users.get(user_id)
        if user is None:
            raise _SlackError("user_not_found")
        return user

    def _m_users_info(self, args: dict) -> dict:
        return {"user": _user_json(self._user(str(args.get("user") or "")))}

    def _m_users_profile_get(self, args: dict) -> dict:
        user = self._user(str(args.get("user") or ""))
        profile = _user_json(user)["profile"]
        profile["fields"] = {
            field_id: {"value": value, "alt": ""} for field_id, value in user.fields.items()
        }
        return {"profile": profile}

    def _m_users_list(self, args: dict) -> dict:
        limit = int(args.get("limit") or 100)
        start = int(args.get("cursor") or 0)
        users = list(self._users.values())
        page = users[start : start + limit]
        more = start + limit < len(users)
        return {
            "members": [_user_json(user) for user in page],
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _m_usergroups_list(self, args: dict) -> dict:
        with_users = str(args.get("include_users") or "").lower() in ("1", "true")
        groups = []
        for handle, (group_id, name, users) in self._usergroups.items():
            group: dict[str, Any] = {"id": group_id, "handle": handle, "name": name}
            if with_users:
                group["users"] = list(users)
                group["user_count"] = len(users)
            groups.append(group)
        return {"usergroups": groups}

    def _m_conversations_open(self, args: dict) -> dict:
        users = args.get("users")
        people = users if isinstance(users, list) else str(users or "").split(",")
        people = [str(person).strip() for person in people if str(person).strip()]
        if not people:
            raise _SlackError("users_list_not_supplied")
        if len(people) == 1:
            return {"channel": {"id": "D" + people[0][1:]}}
        # Several people: a group DM (mpim), 2 to 8 of them besides the caller, the same one
        # whatever order they come in, as Slack resumes an existing group DM.
        if len(people) > 8:
            raise _SlackError("too_many_users")
        digest = hashlib.sha1(",".join(sorted(set(people))).encode()).hexdigest()[:10].upper()
        return {"channel": {"id": "G" + digest, "is_mpim": True}}

    def _m_conversations_info(self, args: dict) -> dict:
        channel = str(args.get("channel") or "")
        if not channel or channel in self.unknown_channels:
            raise _SlackError("channel_not_found")
        is_im, is_mpim = channel.startswith("D"), channel in self.group_dms
        return {
            "channel": {
                "id": channel,
                "name": f"channel-{channel.lower()}",
                "is_member": channel not in self.not_in_channels,
                "is_channel": not (is_im or is_mpim),
                "is_private": channel in self.private_channels or is_im or is_mpim,
                "is_im": is_im,
                "is_mpim": is_mpim,
            }
        }

    def _m_conversations_history(self, args: dict) -> dict:
        """Top-level messages, newest first; metadata only when asked for, as Slack does."""
        channel = self._conversation(str(args.get("channel") or ""))
        oldest = float(args.get("oldest") or 0)
        found = sorted(
            (
                m
                for m in self._messages.get(channel, {}).values()
                if "thread_ts" not in m and float(m["ts"]) > oldest
            ),
            key=lambda m: float(m["ts"]),
            reverse=True,
        )
        return _messages_page(found, args)

    def _m_conversations_replies(self, args: dict) -> dict:
        """A thread: its parent, then its replies, oldest first; metadata only when asked."""
        channel = self._conversation(str(args.get("channel") or ""))
        ts = str(args.get("ts") or "")
        parent = self._existing(channel, ts)
        oldest = float(args.get("oldest") or 0)
        replies = sorted(
            (
                m
                for m in self._messages.get(channel, {}).values()
                if m.get("thread_ts") == ts and float(m["ts"]) > oldest
            ),
            key=lambda m: float(m["ts"]),
        )
        found = [parent, *replies]
        return _messages_page(found, args)

    def _m_files_getUploadURLExternal(self, args: dict) -> dict:
        if not args.get("filename") or not str(args.get("length") or "").isdigit():
            raise _SlackError("invalid_arguments")
        file_id = f"F{next(self._ids):08d}"
        self.files[file_id] = FakeFile(
            id=file_id,
            filename=str(args["filename"]),
            length=int(args["length"]),
            alt_txt=args.get("alt_txt") or None,
        )
        return {"upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    async def _upload(self, request: web.Request) -> web.Response:
        """The upload URL: takes the file's bytes (no token: the URL is the secret)."""
        file_id = request.match_info["file_id"]
        content = await request.read()
        self.calls.append(Call("upload", {"file_id": file_id, "length": len(content)}, {}))
        try:
            fault = self._take_fault("upload")
            if fault is not None:
                return fault
            found = self.files.get(file_id)
            if found is None or found.completed:
                return web.Response(status=404, text="no such upload")
            found.content = content
            return web.Response(text=f"OK - {len(content)}")
        finally:
            await self._notify()

    def _m_files_completeUploadExternal(self, args: dict) -> dict:
        """Shares the uploaded files: with `channel_id`, one file message in the channel or,
        with `thread_ts`, in that thread."""
        listed = args.get("files")
        listed = json.loads(listed) if isinstance(listed, str) else listed
        if not isinstance(listed, list) or not listed:
            raise _SlackError("invalid_arguments")
        uploads = [self.files.get(str(item.get("id"))) for item in listed]
        if any(f is None or f.content is None or f.completed for f in uploads):
            raise _SlackError("file_not_found")
        channel_id = str(args.get("channel_id") or "")
        channel = self._conversation(channel_id) if channel_id else None
        thread_ts = str(args.get("thread_ts") or "") or None
        if thread_ts and channel is not None:
            self._existing(channel, thread_ts)
        shared = []
        for item, upload in zip(listed, uploads, strict=True):
            assert upload is not None
            upload.completed = True
            upload.title = item.get("title") or upload.filename
            upload.channel, upload.thread_ts = channel, thread_ts
            upload.initial_comment = args.get("initial_comment") or None
            shared.append({"id": upload.id, "name": upload.filename, "title": upload.title})
        if channel is not None:
            ts = self._next_ts()
            message = {
                "type": "message",
                "ts": ts,
                "channel": channel,
                "user": self.bot_user_id,
                "text": args.get("initial_comment") or "",
                "files": shared,
                "upload": True,
            }
            if thread_ts:
                message["thread_ts"] = thread_ts
            self._messages[channel][ts] = message
        return {"files": shared}

    def _m_reactions_get(self, args: dict) -> dict:
        channel, ts = str(args.get("channel") or ""), str(args.get("timestamp") or "")
        reactions = self._reactions.get((channel, ts))
        message = self._messages.get(channel, {}).get(ts)
        if message is None and reactions is None:
            raise _SlackError("message_not_found")
        body = dict(message or {"type": "message", "ts": ts})
        if reactions:
            body["reactions"] = reactions
        return {"type": "message", "channel": channel, "message": body}


class _SlackError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _error(code: str) -> web.Response:
    return web.json_response({"ok": False, "error": code})


def _http_failure(status: int, retry_after: int | None) -> web.Response:
    if status == 429:
        return web.json_response(
            {"ok": False, "error": "ratelimited"},
            status=429,
            headers={"Retry-After": str(retry_after if retry_after is not None else 1)},
        )
    return web.Response(
        status=status, text="<html><body>Slack is having trouble</body></html>",
        content_type="text/html",
    )  # fmt: skip


async def _read_args(request: web.Request) -> dict[str, Any]:
    args: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                args.update(body)
        else:
            form = await request.post()
            args.update({key: value for key, value in form.items() if isinstance(value, str)})
    for key in JSON_FIELDS:
        if isinstance(args.get(key), str):
            try:
                args[key] = json.loads(args[key])
            except ValueError:
                if key == "users":
                    args[key] = args[key].split(",")
    return args


def _messages_page(found: list[dict], args: dict) -> dict:
    """One page of `found` as conversations.history and .replies answer: metadata only when
    asked for, a cursor while more remain."""
    with_metadata = str(args.get("include_all_metadata") or "").lower() in ("1", "true")
    limit = int(args.get("limit") or 100)
    start = int(args.get("cursor") or 0)
    page = [
        m if with_metadata else {k: v for k, v in m.items() if k != "metadata"}
        for m in found[start : start + limit]
    ]
    more = start + limit < len(found)
    return {
        "messages": page,
        "has_more": more,
        "response_metadata": {"next_cursor": str(start + limit) if more else ""},
    }


def _blocks_ok(blocks: list) -> bool:
    for block in blocks:
        if not isinstance(block, dict):
            return False
        text = block.get("text")
        if isinstance(text, dict):
            limit = HEADER_TEXT_LIMIT if block.get("type") == "header" else SECTION_TEXT_LIMIT
            if not 0 < len(str(text.get("text", "")).encode("utf-16-le")) // 2 <= limit:
                return False
    return True


def _check_message(args: dict) -> None:
    text, blocks = args.get("text"), args.get("blocks")
    if not text and not blocks:
        raise _SlackError("no_text")
    if text and len(str(text)) > MESSAGE_TEXT_LIMIT:
        raise _SlackError("msg_too_long")
    if blocks is not None and (
        not isinstance(blocks, list) or len(blocks) > MESSAGE_BLOCK_LIMIT or not _blocks_ok(blocks)
    ):
        raise _SlackError("invalid_blocks")


def _user_json(user: _User) -> dict:
    offset = datetime.now(ZoneInfo(user.tz)).utcoffset()
    return {
        "id": user.id,
        "name": user.name,
        "real_name": user.name.title(),
        "deleted": user.deleted,
        "is_bot": user.is_bot,
        "tz": user.tz,
        "tz_label": user.tz,
        "tz_offset": int(offset.total_seconds()) if offset else 0,
        "profile": {
            "title": user.title,
            "real_name": user.name.title(),
            "display_name": user.name,
        },
    }


def _short(args: dict) -> dict:
    return {k: (v if len(str(v)) < 80 else str(v)[:77] + "...") for k, v in args.items()}


def _main() -> None:
    parser = argparse.ArgumentParser(description="Run the fake Slack Web API server.")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--token", default="xoxb-test-token", help="the bot token it accepts")
    parser.add_argument(
        "--people", type=int, default=0, help="add N people with IDs U00000000, U00000001, …"
    )
    parser.add_argument("--quiet", action="store_true", help="do not print every call")
    options = parser.parse_args()

    async def run() -> None:
        fake = FakeSlack(bot_token=options.token)
        for n in range(options.people):
            fake.add_user(f"U{n:08d}")
        fake.log_calls = not options.quiet
        await fake.start(port=options.port)
        print(f"fake Slack Web API at {fake.api_url} (token {options.token})", flush=True)
        await asyncio.Event().wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())


if __name__ == "__main__":
    _main()
