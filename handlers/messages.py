"""Messages people type to Lightbulb in its Messages tab (`message.im`). Slack sends every
message event of a subscribed kind, edits and joins included, so each gets a listener here
(Bolt answers 404 to an unhandled event); only a person writing gets an answer."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.foundation.context import Context
from bot.welcome import direct_messages


def register(app: AsyncApp, ctx: Context) -> None:
    async def on_message(event: dict) -> None:
        message = direct_messages.DirectMessage.from_event(event)
        if message is not None:
            await direct_messages.answer(ctx, message)

    app.event("message")(on_message)
