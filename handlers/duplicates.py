"""`/idea duplicate …` (from `handlers.commands`' table) and the buttons of **Duplicate of
#N**: a voter's **Move my vote**, the admin's **Undo**."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.duplicates import service
from bot.duplicates.blocks import MOVE_VOTE_ACTION, UNDO_ACTION
from bot.foundation.context import Context
from bot.slack import answers, payload


def register(app: AsyncApp, ctx: Context) -> None:
    def replying(act: Callable[..., Awaitable[str]]) -> Callable[..., Awaitable[None]]:
        """A listener that acks, hands the click to `act` and puts its answer in place of
        the message clicked, so that the button is gone once it has done its work."""

        async def listener(
            ack: AsyncAck, body: dict, client: AsyncWebClient, respond: AsyncRespond
        ) -> None:
            await ack()
            note = await act(ctx, user_id=payload.user_id(body), value=payload.action_value(body))
            await answers.tell(body, client, respond, note, replace=True)

        return listener

    app.action(MOVE_VOTE_ACTION)(replying(service.move_vote))
    app.action(UNDO_ACTION)(replying(service.undo_click))


async def command(
    ctx: Context, ack: AsyncAck, respond: AsyncRespond, user_id: str, text: str
) -> None:
    """`/idea duplicate 3 of 1`, `/idea duplicate undo 3`: answered privately."""
    await ack()
    await respond(**await service.command(ctx, user_id=user_id, text=text))
