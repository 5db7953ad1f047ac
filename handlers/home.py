"""The App Home tab: opening it, its "New idea" button, and paging the review queue."""

from __future__ import annotations

import logging
import re

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.home import HomePublisher
from bot.slack import home_blocks, idea_forms, payload
from bot.slack.posting import SLACK_FAILURES, error_code

log = logging.getLogger(__name__)


def register(app: AsyncApp, publisher: HomePublisher) -> None:
    async def on_home_opened(event: dict) -> None:
        user_id = payload.as_text(event.get("user"))
        if event.get("tab") == "home" and user_id:
            publisher.opened(user_id)

    async def on_new_idea(ack: AsyncAck, body: dict, client: AsyncWebClient) -> None:
        await ack()
        try:
            await client.views_open(
                trigger_id=payload.trigger_id(body), view=idea_forms.idea_form()
            )
        except SlackApiError as error:
            log.warning("views.open failed: %s", error.response.get("error"))

    async def on_page(ack: AsyncAck, body: dict) -> None:
        await ack()
        value = payload.action_value(body)
        if value.isascii() and value.isdigit() and len(value) < len(str(payload.MAX_ID)):
            try:
                await publisher.show_page(payload.user_id(body), int(value))
            except SLACK_FAILURES as error:
                log.warning("the review page was not published: %s", error_code(error))

    app.event("app_home_opened")(on_home_opened)
    app.action(home_blocks.NEW_IDEA_ACTION)(on_new_idea)
    app.action(re.compile(rf"^{home_blocks.REVIEW_PAGE_ACTION}_(prev|next)$"))(on_page)
