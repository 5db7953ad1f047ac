"""What every caller of the Web API needs when posting: which failures to expect, how to
name them, and the permalink of what was posted."""

from __future__ import annotations

import logging

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

# What a Web API call raises once the client's own retries are spent.
SLACK_FAILURES = (SlackClientError, aiohttp.ClientError, TimeoutError, OSError)


def error_code(error: Exception) -> str:
    """Slack's error code (`not_in_channel`), `http_503`, or `unreachable`."""
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or f"http_{error.response.status_code}")
    return "unreachable"


async def permalink(client: AsyncWebClient, channel: str, ts: str) -> str | None:
    """A link is a nicety: what was posted stays posted if Slack cannot give one."""
    try:
        response = await client.chat_getPermalink(channel=channel, message_ts=ts)
        return response.get("permalink")
    except SLACK_FAILURES as error:
        log.warning("no permalink for %s/%s: %s", channel, ts, error_code(error))
        return None
