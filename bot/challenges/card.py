"""Keeping each challenge card's "N ideas · M voters" live.

A new entry, a vote on one of its ideas, or a change of its status asks for a redraw; requests
are coalesced per challenge (`Debouncer`), so a burst of votes costs one `chat.update`, and a
request that lands while a redraw is under way gets one more after it. Votes arrive as idea
ids: they are gathered for a moment and looked up together, so ideas outside any challenge
cost one query per batch and no Slack call.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bot.challenges import launch
from bot.core.debounce import Debouncer
from bot.foundation.context import Context
from bot.slack.posting import SLACK_FAILURES, error_code
from bot.slack.rate import CHAT_UPDATE_PER_MINUTE, RateLimiter
from storage import challenges

log = logging.getLogger(__name__)

SETTLE_SECONDS = 1.0


async def redraw(ctx: Context, challenge_id: int) -> bool:
    """Show the card as the challenge stands now (after its close, too: the card is drawn from
    its status); whether it was. A card not posted yet has nothing to redraw, and one Slack
    does not take now is redrawn by the next entry or vote: its numbers are safe meanwhile."""
    async with ctx.db.session() as session:
        challenge = await challenges.get_challenge(session=session, challenge_id=challenge_id)
    if challenge is None or not challenge.channel_id or not challenge.message_ts:
        return False
    message = await launch.compose_card(ctx, challenge, now=datetime.now(UTC))
    try:
        await ctx.client.chat_update(
            channel=challenge.channel_id, ts=challenge.message_ts, **message
        )
    except SLACK_FAILURES as error:
        log.warning("could not redraw challenge %s's card: %s", challenge_id, error_code(error))
        return False
    return True


class CardRefresher:
    def __init__(self, ctx: Context, *, settle_seconds: float = SETTLE_SECONDS) -> None:
        self._ctx = ctx
        self._limiter = RateLimiter(CHAT_UPDATE_PER_MINUTE)
        self._cards: Debouncer[int] = Debouncer(
            self._redraw, delay=settle_seconds, name="challenge-card", per_key=True
        )
        self._voted: Debouncer[int] = Debouncer(
            self._challenges_of, delay=settle_seconds / 2, name="challenge-votes"
        )

    def request(self, challenge_id: int) -> None:
        """Ask for the challenge's card to show its current state soon."""
        self._cards.request(challenge_id)

    def votes_changed(self, idea_id: int) -> None:
        """The votes on an idea changed: redraw its challenge's card, if it has one."""
        self._voted.request(idea_id)

    async def _challenges_of(self, idea_ids: set[int]) -> None:
        async with self._ctx.db.session() as session:
            found = await challenges.challenge_ids_of(session=session, idea_ids=idea_ids)
        for challenge_id in sorted(found):
            self.request(challenge_id)

    async def _redraw(self, keys: set[int]) -> None:
        (challenge_id,) = keys
        await self._limiter.acquire()
        await redraw(self._ctx, challenge_id)

    async def drain(self) -> None:
        """Finish pending redraws (on shutdown; tests)."""
        await self._voted.drain()
        await self._cards.drain()
