"""Listing each idea submitted to a challenge in its card's thread, exactly once.

Each listing is claimed as (`challenge-entry`, `#challenge:idea`) with the exactly-once
delivery, and recorded on the idea (`challenge_entry_ts`). An idea whose listing Slack did not
take, or that was posted before its challenge's card, is listed by the challenges job
(`list_unlisted`), still once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from bot.challenges import blocks
from bot.core.debounce import Debouncer
from bot.foundation.context import Context
from bot.foundation.delivery import Delivery, deliver
from storage import challenges, ideas
from storage.models import Challenge, Idea

log = logging.getLogger(__name__)

JOB = "challenge-entry"


def period_of(challenge_id: int, idea_id: int) -> str:
    return f"#{challenge_id}:{idea_id}"


async def list_entry(ctx: Context, challenge: Challenge, idea: Idea, *, now: datetime) -> Delivery:
    """Reply in the card's thread with the idea, once, and record where."""

    async def compose() -> dict:
        return blocks.entry_reply(idea)

    assert challenge.channel_id and challenge.message_ts
    delivery = await deliver(
        ctx,
        job=JOB,
        period=period_of(challenge.id or 0, idea.id or 0),
        channel=challenge.channel_id,
        thread_ts=challenge.message_ts,
        compose=compose,
        now=now,
    )
    if delivery.delivered and delivery.message_ts:
        async with ctx.db.session() as session:
            await challenges.record_entry(
                session=session, idea_id=idea.id or 0, message_ts=delivery.message_ts
            )
    else:
        log.warning("idea %s is not listed in its challenge yet: %s", idea.id, delivery.summary())
    return delivery


async def list_posted(ctx: Context, idea_id: int, *, now: datetime) -> int | None:
    """List one posted idea under its challenge's card; the challenge's id when it was listed
    now, None when there is nothing (yet) to list."""
    async with ctx.db.session() as session:
        idea = await ideas.get_idea(session=session, idea_id=idea_id)
        if idea is None or not idea.challenge_id or not idea.message_ts:
            return None
        if idea.challenge_entry_ts:
            return None
        challenge = await challenges.get_challenge(session=session, challenge_id=idea.challenge_id)
    if challenge is None or not challenge.channel_id or not challenge.message_ts:
        return None  # its card is not posted yet: `list_unlisted` lists it once it is
    delivery = await list_entry(ctx, challenge, idea, now=now)
    return challenge.id if delivery.delivered else None


async def list_unlisted(ctx: Context, *, now: datetime) -> list[Delivery]:
    """Catch up: every posted idea of a challenge with a card, not listed in its thread yet."""
    async with ctx.db.session() as session:
        carded = await challenges.with_card(session=session)
        pending = [
            (challenge, idea)
            for challenge in carded
            for idea in await challenges.unlisted_entries(
                session=session, challenge_id=challenge.id or 0
            )
        ]
    return [await list_entry(ctx, challenge, idea, now=now) for challenge, idea in pending]


class EntryLister:
    """Lists ideas as they are posted, off the request that posted them; then asks for the
    challenge's card to be redrawn (`on_listed`)."""

    def __init__(self, ctx: Context, *, on_listed: Callable[[int], None]) -> None:
        self._ctx = ctx
        self._on_listed = on_listed
        self._posted: Debouncer[int] = Debouncer(self._list, delay=0, name="challenge-entries")

    def idea_posted(self, idea: Idea) -> None:
        if idea.challenge_id and idea.id:
            self._posted.request(idea.id)

    async def _list(self, idea_ids: set[int]) -> None:
        for idea_id in sorted(idea_ids):
            challenge_id = await list_posted(self._ctx, idea_id, now=datetime.now(UTC))
            if challenge_id is not None:
                self._on_listed(challenge_id)

    async def drain(self) -> None:
        await self._posted.drain()
