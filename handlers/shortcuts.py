"""Global shortcuts, from the ⚡ menu anywhere in Slack."""

from __future__ import annotations

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.challenges import pickers
from bot.foundation.context import Context
from bot.slack import payload
from bot.slack.modals import open_modal

SHARE_IDEA_SHORTCUT = "share_idea"


def register(app: AsyncApp, ctx: Context) -> None:
    async def on_share_idea(ack: AsyncAck, body: dict, client: AsyncWebClient) -> None:
        await ack()
        await open_modal(client, payload.trigger_id(body), await pickers.idea_form_for(ctx))

    app.shortcut(SHARE_IDEA_SHORTCUT)(on_share_idea)
