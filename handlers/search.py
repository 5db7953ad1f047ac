"""The page buttons under an `/idea search` or `/idea learnings` answer. (The commands
themselves are in `handlers.commands`.)"""

from __future__ import annotations

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.foundation.context import Context
from bot.search import service
from bot.search.blocks import NEXT_ACTION, PREVIOUS_ACTION, parse_page_value
from bot.slack import payload

STALE = "That search button no longer works. Search again with `/idea search &lt;words&gt;`."


def register(app: AsyncApp, ctx: Context) -> None:
    async def on_page(ack: AsyncAck, body: dict, respond: AsyncRespond) -> None:
        await ack()
        request = parse_page_value(payload.action_value(body))
        if request is None:
            await respond(text=STALE, response_type="ephemeral", replace_original=False)
            return
        # The answer is private to whoever searched: the new page takes the old one's place.
        await respond(**await service.page(ctx, request), replace_original=True)

    app.action(NEXT_ACTION)(on_page)
    app.action(PREVIOUS_ACTION)(on_page)
