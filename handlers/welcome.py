"""`@Lightbulb` mentions and people joining the ideas channel."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.foundation.context import Context
from bot.slack import payload
from bot.welcome import service


def register(app: AsyncApp, ctx: Context) -> None:
    async def on_mention(event: dict) -> None:
        mention = service.Mention.from_event(event)
        if mention is not None:
            await service.answer_mention(ctx, mention)

    async def on_member_joined(event: dict) -> None:
        await service.welcome_to_ideas_channel(
            ctx,
            user_id=payload.as_text(event.get("user")),
            channel_id=payload.as_text(event.get("channel")),
        )

    app.event("app_mention")(on_mention)
    app.event("member_joined_channel")(on_member_joined)
