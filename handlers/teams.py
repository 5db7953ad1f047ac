"""Placeholder replaced within this change."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.foundation.context import Context


def register(app: AsyncApp, ctx: Context) -> None:
    """Registered below."""
