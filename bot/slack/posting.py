"""What every caller of the Web API needs when posting: which failures to expect, how to
name them, the permalink of what was posted, and finding a post again by its metadata."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.models.blocks import Block
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.slack.text import escape

log = logging.getLogger(__name__)

UNREACHABLE = "unreachable"

# What a Web API call raises once the client's own retries are spent.
SLACK_FAILURES = (SlackClientError, aiohttp.ClientError, TimeoutError, OSError)


def error_code(error: Exception) -> str:
    """Slack's error code (`not_in_channel`), `http_503`, or `unreachable`."""
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or f"http_{error.response.status_code}")
    return UNREACHABLE


# Slack refuses these for what a message says, not for when it was sent: the same message
# sent again is refused again.
REFUSED_FOR_CONTENT = frozenset(
    {
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_too_long",
        "no_text",
        "too_many_attachments",
        "invalid_metadata_format",
        "invalid_metadata_schema",
        "metadata_too_large",
    }
)


def refused_for_content(code: str) -> bool:
    return code in REFUSED_FOR_CONTENT


async def post_message(
    client: AsyncWebClient, *, message: dict[str, Any], **arguments: Any
) -> AsyncSlackResponse:
    """`chat.postMessage`; when Slack refuses `message` for its content, the same message in
    plainer forms (`plainer`), so that what it says gets through. Raises what the last try
    raised."""
    while True:
        try:
            return await client.chat_postMessage(**arguments, **message)
        except SlackApiError as error:
            code = error_code(error)
            simpler = plainer(message) if refused_for_content(code) else None
            if simpler is None:
                raise
            log.warning("Slack refused a post (%s); posting it again in a plainer form", code)
            message = simpler


def plainer(message: dict[str, Any]) -> dict[str, Any] | None:
    """The next plainer form of a message: its headers as bold sections, then its text alone.
    None when it is text alone already."""
    blocks = [
        block.to_dict() if isinstance(block, Block) else block
        for block in message.get("blocks") or ()
    ]
    if any(block.get("type") == "header" for block in blocks):
        return {**message, "blocks": [_as_section(block) for block in blocks]}
    if blocks and message.get("text"):
        return {key: value for key, value in message.items() if key != "blocks"}
    return None


def _as_section(block: dict[str, Any]) -> dict[str, Any]:
    if block.get("type") != "header":
        return block
    text = escape(str((block.get("text") or {}).get("text", "")))
    return {"type": "section", "text": {"type": "mrkdwn", "text": f"*{text}*"}}


def may_have_posted(code: str) -> bool:
    """Whether a post that failed with `code` may be in Slack all the same. Slack refusing it
    (`not_in_channel`) means it is not; an HTTP error or no answer at all may mean it is."""
    return code == UNREACHABLE or code.startswith("http_")


async def permalink(client: AsyncWebClient, channel: str, ts: str) -> str | None:
    """A link is a nicety: what was posted stays posted if Slack cannot give one."""
    try:
        response = await client.chat_getPermalink(channel=channel, message_ts=ts)
        return response.get("permalink")
    except SLACK_FAILURES as error:
        log.warning("no permalink for %s/%s: %s", channel, ts, error_code(error))
        return None


# How far back a search for an earlier post reads: 5 pages of 200 messages.
HISTORY_PAGES = 5
HISTORY_PAGE_SIZE = 200
# Slack's clock and ours may disagree a little.
CLOCK_SLACK_SECONDS = 60


async def posts_with_metadata(
    client: AsyncWebClient,
    channel: str,
    *,
    event_type: str,
    since: datetime,
    thread_ts: str | None = None,
) -> list[tuple[dict[str, Any], str]]:
    """(metadata payload, ts) of every message in `channel` (or in its thread `thread_ts`)
    since `since` that carries message metadata of `event_type`: how a post whose answer
    never came is found again instead of being posted twice. Raises what the Web API raises."""
    found: list[tuple[dict[str, Any], str]] = []
    cursor = None
    oldest = f"{since.timestamp() - CLOCK_SLACK_SECONDS:.6f}"
    if channel[:1] in ("U", "W"):
        # A DM sent to a person's ID lives in a conversation of its own.
        opened = await client.conversations_open(users=channel)
        channel = str((opened.get("channel") or {}).get("id") or channel)
    for _ in range(HISTORY_PAGES):
        common: dict[str, Any] = {
            "channel": channel,
            "oldest": oldest,
            "include_all_metadata": True,
            "limit": HISTORY_PAGE_SIZE,
            "cursor": cursor,
        }
        if thread_ts:
            response = await client.conversations_replies(ts=thread_ts, **common)
        else:
            response = await client.conversations_history(**common)
        for message in response.get("messages") or []:
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == event_type:
                found.append((metadata.get("event_payload") or {}, str(message["ts"])))
        cursor = (response.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            break
    return found
