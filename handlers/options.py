"""The options of `external_select` menus (`block_suggestion`): ideas found as people type."""

from __future__ import annotations

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.conversations.evidence_blocks import EVIDENCE_IDEA_PICKER
from bot.experiments.forms import IDEA_PICKER
from bot.foundation.context import Context
from bot.search import pickers
from bot.slack import payload


def register(app: AsyncApp, ctx: Context) -> None:
    """Listeners for each searchable menu, found by the menu's own action_id."""

    async def experiment_ideas(ack: AsyncAck, body: dict) -> None:
        # An experiment tests an open idea: closed ones are not offered.
        await ack(options=await pickers.idea_options(ctx, payload.as_text(body.get("value"))))

    async def evidence_ideas(ack: AsyncAck, body: dict) -> None:
        typed = payload.as_text(body.get("value"))
        await ack(options=await pickers.idea_options(ctx, typed, closed_too=True))

    app.options(IDEA_PICKER)(experiment_ideas)
    app.options(EVIDENCE_IDEA_PICKER)(evidence_ideas)
