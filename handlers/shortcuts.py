"""Global shortcuts, from the ⚡ menu anywhere in Slack."""

from __future__ import annotations

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.ideas import forms as idea_forms
from bot.slack import payload
from bot.slack.modals import open_modal

SHARE_IDEA_SHORTCUT = "share_idea"


def register(app: AsyncApp) -> None:
    async def on_share_idea(ack: AsyncAck, body: dict, client: AsyncWebClient) -> None:
        await ack()
        await open_modal(client, payload.trigger_id(body), idea_forms.idea_form())

    app.shortcut(SHARE_IDEA_SHORTCUT)(on_share_idea)
