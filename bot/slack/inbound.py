"""Reading a request that claims to come from Slack, before Bolt does.

Only a request Slack signed, within Slack's five-minute window, goes further: Bolt's own check
logs the whole body of a request it refuses, so an unsigned flood would fill the logs, and Bolt
never sees one here (its own check is off; see `bot.server.app`). Then Bolt trusts the shape of what
it is handed: a body that is not UTF-8, JSON that does not parse or is not an object raise
deep inside it and become a 500 with a trace; an event that is not an object, or a command
without its user, fail in our listeners the same way. `read` turns each of those into a clean
4xx, checking only what every genuine request of its kind carries.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from slack_bolt.request.async_request import AsyncBoltRequest

TIMESTAMP_HEADER = "x-slack-request-timestamp"
SIGNATURE_HEADER = "x-slack-signature"
# Bolt reads its own instructions from these headers; nobody outside may send them.
BOLT_HEADER_PREFIX = "x-slack-bolt-"
# Unix seconds have 10 digits until the year 2286.
TIMESTAMP_DIGITS = 12
# Slack's own replay window.
TIMESTAMP_TOLERANCE_SECONDS = 5 * 60
# NUL, written any way a body can carry it (raw, form-encoded, JSON-escaped, JSON-escaped in a
# form), or a JSON-escaped surrogate that may be unpaired: PostgreSQL refuses the one and UTF-8
# cannot encode the other.
_UNSTORABLE = re.compile(r"\x00|%00|(?:\\|%5c)u(?:0000|d[89a-f])", re.IGNORECASE)


# Slack's notice that it dropped events: no inner event, no user, and no Bolt listener can
# match it, so the HTTP server answers it before Bolt.
RATE_LIMITED = "app_rate_limited"
LAST_UNIX_SECOND = 253402300799  # 9999-12-31 23:59:59 UTC, the last a datetime can show

# Lightbulb opens modals and publishes a Home tab; Bolt's handling of the retired workflow
# steps fails on any `workflow_step` view that is not exactly as Slack made it.
VIEW_TYPES = ("modal", "home")


# Slack checks a command URL's certificate with an unsigned form post `ssl_check=1&token=…`
# and wants only a 200. A real check is a few dozen bytes; a command never carries the field.
SSL_CHECK_MAX_BYTES = 1024


def is_ssl_check(raw: bytes, content_type: str) -> bool:
    """Whether this is Slack's certificate check, which is answered before the signature."""
    if content_type != "application/x-www-form-urlencoded" or len(raw) > SSL_CHECK_MAX_BYTES:
        return False
    fields = urllib.parse.parse_qs(raw.decode("latin-1"))
    return fields.get("ssl_check") == ["1"] and "command" not in fields and "payload" not in fields


@dataclass(frozen=True)
class Refusal:
    status: int
    reason: str
    # For the operator's log, which names each kind of refusal once a minute.
    kind: str


UNSIGNED = Refusal(
    401,
    "This request is not signed by Slack.",
    "unsigned or signed too long ago (or with another secret)",
)
UNREADABLE = Refusal(
    400,
    "Lightbulb could not read this request: it is not one Slack sends.",
    "signed, but not in a shape Slack sends",
)


def read(
    raw: bytes, headers: Mapping[str, str], query: str, *, signing_secret: str
) -> AsyncBoltRequest | Refusal:
    """The request Bolt should dispatch, or why it is refused. `headers` must look names up
    case-insensitively, as aiohttp's do."""
    if not is_signed(raw, headers, signing_secret):
        return UNSIGNED
    try:
        # Bolt only reads the headers item by item; aiohttp's case-insensitive mapping serves.
        bolt_headers = cast("dict[str, str | Sequence[str]]", headers)
        request = AsyncBoltRequest(body=raw.decode("utf-8"), query=query, headers=bolt_headers)
    except (ValueError, TypeError, AttributeError, KeyError, IndexError):
        request = None
    if request is None or not well_formed(request.body):
        return UNREADABLE
    for name in [name for name in request.headers if name.startswith(BOLT_HEADER_PREFIX)]:
        del request.headers[name]
    request.lazy_only, request.lazy_function_name = False, None
    if _may_be_unstorable(request.raw_body):
        request.body = storable(request.body)
    return request


def _may_be_unstorable(text: str) -> bool:
    """Substring tests first: a regular expression over every vote's body costs too much."""
    if "\x00" in text or "%00" in text:
        return True
    if "\\u" not in text and "%5Cu" not in text and "%5cu" not in text:
        return False
    return _UNSTORABLE.search(text) is not None


def well_formed(body: Any) -> bool:
    """Whether a parsed body has what every genuine request of its kind carries."""
    if not isinstance(body, dict):
        return False
    kind = body.get("type")
    if kind == "url_verification":
        return isinstance(body.get("challenge"), str)
    if kind == "event_callback":
        event = body.get("event")
        return isinstance(event, dict) and isinstance(event.get("type"), str)
    if kind == RATE_LIMITED:
        return rate_limited_minute(body) is not None
    if "command" in body:
        return all(isinstance(body.get(key), str) for key in ("command", "user_id"))
    if kind is None:
        return True
    user = body.get("user")
    if not (isinstance(kind, str) and isinstance(user, dict) and _is_id(user.get("id"))):
        return False
    if kind == "block_actions":
        actions = body.get("actions")
        return (
            isinstance(actions, list)
            and bool(actions)
            and all(isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in actions)
        )
    if kind in ("view_submission", "view_closed"):
        view = body.get("view")
        return (
            isinstance(view, dict)
            and view.get("type") in VIEW_TYPES
            and isinstance(view.get("callback_id"), str)
        )
    if kind in ("shortcut", "message_action"):
        return isinstance(body.get("callback_id"), str)
    return True


def rate_limited_minute(body: dict) -> int | None:
    """The minute (Unix seconds) of an `app_rate_limited` notice: Slack saying it dropped
    this app's events in that minute. None for anything else."""
    minute = body.get("minute_rate_limited")
    if body.get("type") != RATE_LIMITED or isinstance(minute, bool) or not isinstance(minute, int):
        return None
    return minute if 0 <= minute <= LAST_UNIX_SECOND else None


def is_signed(raw: bytes, headers: Mapping[str, str], signing_secret: str) -> bool:
    """Slack's v0 signature over the raw bytes, which need not be valid UTF-8."""
    timestamp = headers.get(TIMESTAMP_HEADER, "")
    signature = headers.get(SIGNATURE_HEADER, "")
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= TIMESTAMP_DIGITS):
        return False
    if abs(time.time() - int(timestamp)) > TIMESTAMP_TOLERANCE_SECONDS or not signature:
        return False
    base = b"v0:" + timestamp.encode() + b":" + raw
    expected = "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))


def storable(value: Any) -> Any:
    """The same JSON-like value with every string safe to store: NULs dropped, unpaired
    surrogates replaced."""
    if isinstance(value, str):
        return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {storable(key): storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [storable(item) for item in value]
    return value


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and bool(value)
