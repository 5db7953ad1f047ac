"""**Post mine anyway** and **Cancel** under the similar ideas a quick `/idea` was shown."""

from __future__ import annotations

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.foundation.context import Context
from bot.search import similar, similar_blocks
from bot.slack import payload

ALREADY_POSTED = "That idea is posted already."


def register(app: AsyncApp, ctx: Context) -> None:
    async def on_post_anyway(ack: AsyncAck, body: dict, respond: AsyncRespond) -> None:
        await ack()
        reply = await similar.post_anyway(
            ctx,
            author_id=payload.user_id(body),
            text=payload.action_value(body),
            key=_offer_key(body),
        )
        if reply is None:
            await respond(text=ALREADY_POSTED, replace_original=False)
        else:
            await respond(**reply, replace_original=True)

    async def on_cancel(ack: AsyncAck, body: dict, respond: AsyncRespond) -> None:
        await ack()
        await respond(**similar_blocks.cancelled(payload.action_value(body)), replace_original=True)

    app.action(similar_blocks.POST_ANYWAY_ACTION)(on_post_anyway)
    app.action(similar_blocks.CANCEL_ACTION)(on_cancel)


def _offer_key(body: dict) -> str:
    """Which answer the click came from: its block names it; failing that, its message."""
    actions = body.get("actions")
    first = payload.as_dict(actions[0] if isinstance(actions, list) and actions else None)
    key = similar_blocks.offer_key(payload.as_text(first.get("block_id")))
    container = payload.as_dict(body.get("container"))
    return key or payload.as_text(container.get("message_ts")) or payload.trigger_id(body)
