"""A challenge's Pick winners button (in the DM sent at its close) and the form it opens."""

from __future__ import annotations

from datetime import UTC, datetime

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.challenges import closing_blocks, winners
from bot.core import typed
from bot.foundation.context import Context
from bot.slack import answers, payload
from bot.slack.modals import open_modal

NO_FORM = ":warning: Slack didn't let me open the form just now. Please click *Pick winners* again."


def register(app: AsyncApp, ctx: Context) -> None:
    async def on_pick(
        ack: AsyncAck, body: dict, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        challenge_id = typed.parse_id(payload.action_value(body))
        form = await winners.pick_form(
            ctx, challenge_id=challenge_id, user_id=payload.user_id(body)
        )
        if isinstance(form, str):
            await answers.tell(body, client, respond, form)
        elif not await open_modal(client, payload.trigger_id(body), form):
            await answers.tell(body, client, respond, NO_FORM)

    async def on_submit(ack: AsyncAck, body: dict, view: dict) -> None:
        challenge_id = closing_blocks.form_challenge_id(view)
        idea_ids, note = closing_blocks.form_values(view)
        now = datetime.now(UTC)
        problem = await winners.pick(
            ctx,
            challenge_id=challenge_id,
            user_id=payload.user_id(body),
            idea_ids=idea_ids,
            now=now,
        )
        if problem is not None:
            await ack(response_action="errors", errors={closing_blocks.F_WINNERS: problem})
            return
        await ack()
        await winners.announce(ctx, challenge_id or 0, now=now, note=note)

    app.action(closing_blocks.PICK_ACTION)(on_pick)
    app.view(closing_blocks.PICK_FORM)(on_submit)
