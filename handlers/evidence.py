"""**Add to an idea**, the message shortcut that attaches a message to an idea as evidence."""

from __future__ import annotations

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.conversations import evidence
from bot.conversations.evidence_blocks import ADD_TO_IDEA_FORM, add_form
from bot.foundation import claims
from bot.foundation.context import Context
from bot.slack import answers, payload
from bot.slack.modals import open_modal

ADD_TO_IDEA_SHORTCUT = "add_to_idea"


def register(app: AsyncApp, ctx: Context) -> None:
    """Listeners for the shortcut and its form."""

    async def on_shortcut(ack: AsyncAck, body: dict, respond: AsyncRespond) -> None:
        await ack()
        message = await evidence.source_message(ctx, body)
        refusal = await evidence.refusal(ctx, message)
        if refusal is not None:
            await respond(text=refusal, response_type="ephemeral", replace_original=False)
            return
        if not await open_modal(ctx.client, payload.trigger_id(body), add_form(message)):
            await respond(
                text=":warning: Slack didn't let me open the form just now. Please use "
                "*Add to an idea* on the message again.",
                response_type="ephemeral",
                replace_original=False,
            )

    async def on_submit(ack: AsyncAck, body: dict, view: dict, client: AsyncWebClient) -> None:
        user_id = payload.user_id(body)
        attached, problems = await evidence.attach(ctx, view=view, user_id=user_id)
        if attached is None:
            await ack(response_action="errors", errors=problems)
            return
        await ack()
        if not await claims.first_delivery(ctx, key=claims.form_key(view)):
            return
        await answers.dm(client, user_id, {"text": await evidence.share(ctx, attached)})

    app.shortcut(ADD_TO_IDEA_SHORTCUT)(on_shortcut)
    app.view(ADD_TO_IDEA_FORM)(on_submit)
