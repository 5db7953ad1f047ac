"""Answering the person who clicked or submitted, privately, wherever they did it."""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import payload

log = logging.getLogger(__name__)


async def dm(client: AsyncWebClient, user_id: str, message: dict) -> None:
    """A direct message (`text`, optionally `blocks`); a failure is logged, not raised, as the
    person's request has already been answered."""
    try:
        await client.chat_postMessage(channel=user_id, **message)
    except SlackApiError as error:
        log.warning("could not tell %s: %s", user_id, error.response.get("error"))


async def tell(
    body: dict,
    client: AsyncWebClient,
    respond: AsyncRespond,
    text: str,
    *,
    replace: bool = False,
) -> None:
    """A private answer to a click: through the message's response URL, beside the message
    or (`replace`) in its place; or by DM where the click came from the Home tab or a modal,
    which have none."""
    in_a_message = bool(payload.as_text(body.get("response_url")))
    if in_a_message and replace:
        await respond(text=text, replace_original=True)
    elif in_a_message:
        await respond(text=text, response_type="ephemeral", replace_original=False)
    else:
        await dm(client, payload.user_id(body), {"text": text})
