"""Opening a modal from a click, a command or a shortcut: Slack's `trigger_id` lasts three
seconds and may be refused, and each caller says in its own words what to do instead."""

from __future__ import annotations

import logging

from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.posting import SLACK_FAILURES, error_code

log = logging.getLogger(__name__)

# Slack shows an error in a form whose submission is not answered within three seconds: the
# Slack look-ups made before answering (is the owner a person, is the bot in the channel) get
# this long together, and past it the form asks to submit again.
FORM_CHECK_SECONDS = 2.0


async def open_modal(client: AsyncWebClient, trigger_id: str, view: View) -> bool:
    """Whether Slack opened the modal; a refusal is logged."""
    try:
        await client.views_open(trigger_id=trigger_id, view=view)
    except SLACK_FAILURES as error:
        log.warning("views.open failed: %s", error_code(error))
        return False
    return True


async def update_modal(client: AsyncWebClient, view_id: str, view: View) -> bool:
    """Whether Slack showed `view` in place of the open modal; a refusal is logged (the
    person closes the modal themselves)."""
    try:
        await client.views_update(view_id=view_id, view=view)
    except SLACK_FAILURES as error:
        log.warning("views.update failed: %s", error_code(error))
        return False
    return True
