"""Slack telling Lightbulb it was uninstalled, or that its bot token was revoked."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.foundation.context import Context
from bot.slack import payload


def register(app: AsyncApp, ctx: Context) -> None:
    async def on_uninstalled() -> None:
        ctx.slack_access.lose("the app was uninstalled (app_uninstalled)")

    async def on_tokens_revoked(event: dict) -> None:
        # Only the bot's token matters: Lightbulb holds no user tokens.
        revoked = payload.as_dict(event.get("tokens")).get("bot")
        if isinstance(revoked, list) and revoked:
            ctx.slack_access.lose("its bot token was revoked (tokens_revoked)")

    app.event("app_uninstalled")(on_uninstalled)
    app.event("tokens_revoked")(on_tokens_revoked)
