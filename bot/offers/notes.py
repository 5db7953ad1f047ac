"""Telling an idea's author who offered to help, in one DM per burst of offers.

The first offer on an idea starts a wait of BATCH_SECONDS; every offer (or edit) on it in
that time joins the same DM. The offers are claimed in the database before the DM goes, so
several replicas never tell of the same offer twice; the DM itself is a claimed post that
the one-minute retry sends again if Slack refused it. Offers a stopped process never told of
are told by that retry too (`tell_forgotten`), once they are older than a batch.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from bot.core.debounce import Debouncer
from bot.foundation import retried_posts
from bot.foundation.context import Context
from bot.ideas import anonymity
from bot.offers import blocks
from storage import ideas, offers, people

log = logging.getLogger(__name__)

BATCH_SECONDS = 60.0


class OfferNotes:
    """Collects the offers on each idea for a moment, then tells its author once."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._batch: Debouncer[int] = Debouncer(
            self._tell,
            delay=BATCH_SECONDS,
            name="offer-notes",
            per_key=True,
            # Without Slack the offers wait, unclaimed, for the next offer or the shutdown.
            ready=lambda: ctx.slack_access.usable,
        )

    def queue(self, idea_id: int) -> None:
        self._batch.request(idea_id)

    async def _tell(self, idea_ids: set[int]) -> None:
        for idea_id in sorted(idea_ids):
            await tell_author(self._ctx, idea_id)

    async def drain(self) -> None:
        """Send what is queued now (on shutdown)."""
        await self._batch.drain()


async def tell_author(ctx: Context, idea_id: int) -> bool:
    """Claim the idea's offers its author has not heard of and tell them in one DM; whether
    a DM went out. An author who left, or a bot, is not written to (the offers stay on the
    post and in the Home tab)."""
    now = datetime.now(UTC)
    async with ctx.db.session() as session:
        idea = await ideas.get_idea(session=session, idea_id=idea_id)
        if idea is None:
            return False
        untold = await offers.claim_untold(session=session, idea_id=idea_id, now=now)
        # Someone who left since offering can no longer be thanked or invited.
        gone = await people.inactive(session=session, user_ids=[o.helper_id for o in untold])
    untold = [offer for offer in untold if offer.helper_id not in gone]
    # An anonymous idea's real author hears of the offers privately, like anyone.
    author = await anonymity.author_to_tell(ctx, idea)
    if not untold or author is None or not await ctx.users.reachable(author):
        return False
    first = untold[0]
    return await retried_posts.post_once(
        ctx,
        job=retried_posts.HELP_OFFERS_DM,
        key=f"{idea_id}:{first.id}:{now.timestamp():.6f}",
        channel=author,
        message=blocks.offers_dm(idea, untold),
    )


async def tell_forgotten(ctx: Context) -> int:
    """Tell the authors of offers older than a batch that nobody told them of (a process
    stopped between the offer and its DM); how many DMs went out."""
    before = datetime.now(UTC) - timedelta(seconds=2 * BATCH_SECONDS)
    async with ctx.db.session() as session:
        idea_ids = await offers.ideas_untold(session=session, before=before)
    return sum([await tell_author(ctx, idea_id) for idea_id in idea_ids])
