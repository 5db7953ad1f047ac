"""People who post or vote before the daily refresh has seen them (a new hire, a first vote).

Their idea or vote is recorded at once, without a department: the vote path never waits for
Slack. `Newcomers` then looks them up in the background, stores their row in `people` and
copies their department onto what they did in the meantime. Each process remembers who is
in `people` already, so a known person costs one set look-up per vote, nothing more.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from contextlib import suppress
from datetime import UTC, datetime

from bot.foundation.context import Context
from bot.people import service
from storage import people

log = logging.getLogger(__name__)

# Newcomers noted within this time are looked up and stored together: a burst of first votes
# costs a few transactions, not one each.
GATHER_SECONDS = 0.5
BATCH = 500


class Newcomers:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._known: set[str] = set()
        self._waiting: set[str] = set()
        self._worker: asyncio.Task[None] | None = None
        # Set on shutdown: whoever is waiting is looked up at once, not after the gathering.
        self._hurry = asyncio.Event()

    def note(self, user_ids: Iterable[str]) -> None:
        """These people just posted or voted; those not known to be in `people` are looked
        up soon."""
        new = [user for user in user_ids if user not in self._known]
        if not new:
            return
        self._waiting.update(new)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._work(), name="people-newcomers")

    async def _work(self) -> None:
        while self._waiting:
            with suppress(TimeoutError):
                await asyncio.wait_for(self._hurry.wait(), GATHER_SECONDS)
            batch = sorted(self._waiting)[:BATCH]
            self._waiting.difference_update(batch)
            try:
                await self._settle(batch)
            except Exception:
                # They are asked about again the next time they act, or by the daily refresh.
                log.exception("could not store the departments of %d newcomers", len(batch))

    async def _settle(self, batch: list[str]) -> None:
        async with self._ctx.db.session() as session:
            stored = await people.known(session=session, user_ids=batch)
        self._known.update(stored)
        unknown = [user for user in batch if user not in stored]
        if not unknown:
            return
        facts = await service.look_up(self._ctx, unknown)
        if not facts:
            return
        async with self._ctx.db.session() as session:
            added = await people.upsert(session=session, people=facts, now=datetime.now(UTC))
            filled = await people.backfill(session=session, user_ids=added)
        self._known.update(fact.user_id for fact in facts)
        log.info("stored %d newcomers, filled in %d of their ideas and votes", len(added), filled)

    async def drain(self) -> None:
        """Look up whoever is waiting now and finish (on shutdown)."""
        self._hurry.set()
        if self._worker is not None:
            await asyncio.gather(self._worker, return_exceptions=True)
