"""**Save as idea**, the message shortcut that turns a Slack message into an idea."""

from __future__ import annotations

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.challenges import pickers
from bot.conversations import saving
from bot.foundation.context import Context
from bot.slack import payload
from bot.slack.modals import open_modal

SAVE_AS_IDEA_SHORTCUT = "save_as_idea"
FORM_DID_NOT_OPEN = (
    ":hourglass: Slack didn't open the form in time: please use *Save as idea* on the "
    "message again."
)


def register(app: AsyncApp, ctx: Context) -> None:
    """Listeners for the shortcut; its form is the idea form (`handlers.views`)."""

    async def on_save_as_idea(
        ack: AsyncAck, body: dict, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        prepared = await saving.prepare(ctx, body)
        if prepared.answer is not None:
            await respond(text=prepared.answer, response_type="ephemeral", replace_original=False)
            return
        view = await pickers.idea_form_for(ctx, draft=prepared.draft, notice=prepared.notice)
        if not await open_modal(client, payload.trigger_id(body), view):
            await respond(text=FORM_DID_NOT_OPEN, response_type="ephemeral", replace_original=False)

    app.shortcut({"type": "message_action", "callback_id": SAVE_AS_IDEA_SHORTCUT})(on_save_as_idea)
