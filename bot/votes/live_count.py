"""Keeping each idea post's vote count live without tripping `chat.update`'s rate limit.

Changes to one idea are coalesced: the first change starts a short settling wait, every change
during it joins the same update, and a change that lands while an update is being sent
schedules exactly one more. After each update the count is read again, and if it moved
(a vote another replica recorded, whose own update may have landed before this one), one more
update follows. The last update therefore always shows the final count, a moment after the
last vote, however many replicas take the votes. All updates share one pace so that many
busy ideas together stay under Slack's limit.
"""

from __future__ import annotations

import asyncio
import logging

from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.settings import Settings
from bot.slack import blocks
from bot.slack.rate import RateLimiter
from bot.slack.users import UserDirectory
from storage import ideas, votes
from storage.database import Database

log = logging.getLogger(__name__)

SETTLE_SECONDS = 0.5
MAX_FAILED_UPDATES = 5
VOTER_NAMES_SHOWN = 8
# How long an update waits for Slack to name voters not known yet (after a restart, say). A
# slow `users.info` must not hold the count back: past this, the post shows the names known,
# and the rest are there for the next update.
NAMES_WAIT_SECONDS = 0.5


class PostRefresher:
    def __init__(
        self,
        *,
        db: Database,
        client: AsyncWebClient,
        settings: Settings,
        users: UserDirectory,
        limiter: RateLimiter,
        settle_seconds: float = SETTLE_SECONDS,
    ) -> None:
        self._db = db
        self._client = client
        self._settings = settings
        self._users = users
        self._limiter = limiter
        self._settle = settle_seconds
        self._dirty: set[int] = set()
        self._tasks: dict[int, asyncio.Task[None]] = {}

    def request(self, idea_id: int) -> None:
        """Ask for the idea's post to show its current votes soon."""
        self._dirty.add(idea_id)
        if idea_id not in self._tasks:
            self._tasks[idea_id] = asyncio.create_task(
                self._refresh(idea_id), name=f"refresh-idea-{idea_id}"
            )

    async def _refresh(self, idea_id: int) -> None:
        failures = 0
        while True:
            await asyncio.sleep(self._settle * (1 + failures))
            self._dirty.discard(idea_id)
            try:
                await self._limiter.acquire()
                shown = await self.update_now(idea_id)
                failures = 0
                if shown is not None and shown != await self._count(idea_id):
                    self._dirty.add(idea_id)
            except (SlackClientError, OSError, TimeoutError) as error:
                failures += 1
                log.warning("updating the post of idea %s failed: %r", idea_id, error)
                if failures < MAX_FAILED_UPDATES:
                    self._dirty.add(idea_id)
            except Exception:
                log.exception("updating the post of idea %s failed", idea_id)
            # No await between this check and the removal, so no request can slip between.
            if idea_id not in self._dirty:
                del self._tasks[idea_id]
                return

    async def _count(self, idea_id: int) -> int:
        async with self._db.session() as session:
            return await votes.vote_count(session=session, idea_id=idea_id)

    async def update_now(self, idea_id: int) -> int | None:
        """Show the idea's current votes on its post; returns the count shown (None when the
        idea has no post)."""
        async with self._db.session() as session:
            idea = await ideas.get_idea(session=session, idea_id=idea_id)
            if idea is None or idea.channel_id is None or idea.message_ts is None:
                return None
            count = await votes.vote_count(session=session, idea_id=idea_id)
            first = await votes.first_voters(
                session=session, idea_id=idea_id, limit=VOTER_NAMES_SHOWN
            )
        known = await self._users.some(first, look_up=VOTER_NAMES_SHOWN, wait=NAMES_WAIT_SECONDS)
        names = [known[voter].name for voter in first if voter in known]
        await self._client.chat_update(
            channel=idea.channel_id,
            ts=idea.message_ts,
            **blocks.idea_message(
                idea, vote_emojis=self._settings.vote_emojis, votes=count, voter_names=names
            ),
        )
        return count

    async def drain(self) -> None:
        """Finish pending updates (on shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)
