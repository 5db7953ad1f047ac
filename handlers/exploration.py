"""The exploration check-in's buttons and experiment picker, in the Friday DM."""

from __future__ import annotations

import re

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.exploration import answering
from bot.exploration.blocks import ANSWER_ACTION, EXPERIMENT_ACTION
from bot.foundation.context import Context
from bot.slack import answers, payload


def register(app: AsyncApp, ctx: Context) -> None:
    async def on_answer(
        ack: AsyncAck, body: dict, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        note = await answering.answer(
            ctx, user_id=payload.user_id(body), value=payload.action_value(body)
        )
        if note is not None:
            await answers.tell(body, client, respond, note)

    async def on_experiment(
        ack: AsyncAck, body: dict, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        note = await answering.link_experiment(
            ctx, user_id=payload.user_id(body), value=payload.action_value(body)
        )
        if note is not None:
            await answers.tell(body, client, respond, note)

    app.action(re.compile(rf"^{ANSWER_ACTION}_\w+$"))(on_answer)
    app.action(EXPERIMENT_ACTION)(on_experiment)
