"""The App Home: opening its Home tab (published) or its Messages tab (a welcome, the first
time), the "New idea" button, and paging the review queue."""

from __future__ import annotations

import logging
import re

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.challenges import pickers
from bot.core import typed
from bot.foundation.context import Context
from bot.home import blocks as home_blocks
from bot.home.publisher import HomePublisher
from bot.ideas.blocks import NEW_IDEA_ACTION
from bot.slack import payload
from bot.slack.modals import open_modal
from bot.slack.posting import SLACK_FAILURES, error_code
from bot.welcome import service as welcome

log = logging.getLogger(__name__)


def register(app: AsyncApp, ctx: Context, publisher: HomePublisher) -> None:
    async def on_home_opened(event: dict) -> None:
        user_id = payload.as_text(event.get("user"))
        if not user_id:
            return
        if event.get("tab") == "home":
            publisher.opened(user_id)
        elif event.get("tab") == "messages":
            await welcome.welcome_to_messages_tab(ctx, user_id)

    async def on_new_idea(ack: AsyncAck, body: dict, client: AsyncWebClient) -> None:
        await ack()
        await open_modal(client, payload.trigger_id(body), await pickers.idea_form_for(ctx))

    async def on_page(ack: AsyncAck, body: dict) -> None:
        await ack()
        value = payload.action_value(body)
        if value.isascii() and value.isdigit() and len(value) < len(str(typed.MAX_ID)):
            try:
                await publisher.show_page(payload.user_id(body), int(value))
            except SLACK_FAILURES as error:
                log.warning("the review page was not published: %s", error_code(error))

    app.event("app_home_opened")(on_home_opened)
    app.action(NEW_IDEA_ACTION)(on_new_idea)
    app.action(re.compile(rf"^{home_blocks.REVIEW_PAGE_ACTION}_(prev|next)$"))(on_page)
