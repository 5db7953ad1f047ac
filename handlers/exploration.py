"""The exploration check-in's buttons and experiment picker, in the Friday DM."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.exploration import answering
from bot.exploration.blocks import ANSWER_ACTION, EXPERIMENT_ACTION
from bot.foundation.context import Context
from bot.slack import answers, payload


def register(app: AsyncApp, ctx: Context) -> None:
    def replying(act: Callable[..., Awaitable[str | None]]) -> Callable[..., Awaitable[None]]:
        """A listener that acks, hands the click to `act` and tells the clicker its note."""

        async def listener(
            ack: AsyncAck, body: dict, client: AsyncWebClient, respond: AsyncRespond
        ) -> None:
            await ack()
            note = await act(ctx, user_id=payload.user_id(body), value=payload.action_value(body))
            if note is not None:
                await answers.tell(body, client, respond, note)

        return listener

    app.action(re.compile(rf"^{ANSWER_ACTION}_\w+$"))(replying(answering.answer))
    app.action(EXPERIMENT_ACTION)(replying(answering.link_experiment))
