"""Answering what people type to Lightbulb in its Messages tab.

A reply to a learning prompt typed as a message, a question, an idea: each gets a short,
helpful answer saying what the person can do from here, with buttons for what is theirs to do
(the learning an experiment of theirs awaits, their text as an idea). At most one answer a
minute per person, claimed in the database so replicas agree, so a burst of messages is not
answered with a burst of replies.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.core.clock import today
from bot.foundation.context import Context
from bot.slack.payload import as_text
from bot.slack.posting import SLACK_FAILURES, error_code
from bot.welcome import dm_blocks
from storage import experiments, reply_limits

log = logging.getLogger(__name__)

ANSWER_EVERY = timedelta(minutes=1)
# Listed in the answer with a button each; more are rare, and the Home tab shows them all.
EXPERIMENTS_SHOWN = 5


@dataclass(frozen=True)
class DirectMessage:
    """The parts of a `message` event the answer needs; `None` for any message that is not a
    person writing to Lightbulb (edits, joins, bots, other channels)."""

    user_id: str
    channel_id: str
    text: str

    @classmethod
    def from_event(cls, event: dict) -> DirectMessage | None:
        if event.get("subtype") or event.get("bot_id") or event.get("channel_type") != "im":
            return None
        user_id, channel_id = as_text(event.get("user")), as_text(event.get("channel"))
        if not user_id or not channel_id:
            return None
        return cls(user_id, channel_id, as_text(event.get("text")))


async def answer(ctx: Context, message: DirectMessage, *, now: datetime | None = None) -> bool:
    """Answer the person unless they were answered in the last minute; whether we did."""
    now = now or datetime.now(UTC)
    async with ctx.db.session() as session:
        if not await reply_limits.claim(
            session=session, key=f"dm:{message.user_id}", now=now, every=ANSWER_EVERY
        ):
            return False
        awaiting = await experiments.awaiting_learning(
            session=session,
            ended_before=today(ctx.settings.tz, now=now) + timedelta(days=1),
            owner_id=message.user_id,
        )
    reply = dm_blocks.answer(
        typed=message.text,
        awaiting=awaiting[:EXPERIMENTS_SHOWN],
        ideas_channel=ctx.settings.ideas_channel,
    )
    try:
        await ctx.client.chat_postMessage(channel=message.channel_id, **reply)
    except SLACK_FAILURES as error:
        log.warning("could not answer %s's message: %s", message.user_id, error_code(error))
        return False
    return True
