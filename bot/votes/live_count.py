"""Keeping each idea post's vote count (and its line of offers of help) live without
tripping `chat.update`'s rate limit.

Changes to one idea are coalesced: the first change starts a short settling wait, every change
during it joins the same update, and a change that lands while an update is being sent
schedules exactly one more. After each update the count is read again, and if it moved
(a vote another replica recorded, whose own update may have landed before this one), one more
update follows. The last update therefore always shows the final count, a moment after the
last vote, however many replicas take the votes. All updates share one pace so that many
busy ideas together stay under Slack's limit.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.debounce import Debouncer
from bot.core.settings import Settings
from bot.ideas import blocks as idea_blocks
from bot.slack.rate import RateLimiter
from bot.slack.users import UserDirectory
from storage import ideas, offers, votes
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
        # Updates failed in a row, per idea, to back off by. A request finding the idea's
        # updates quiet starts afresh: those failures held back earlier votes, not this one.
        self._failures: dict[int, int] = {}
        self._updates: Debouncer[int] = Debouncer(
            self._update, delay=self._backoff, name="refresh-idea", per_key=True
        )

    def request(self, idea_id: int) -> None:
        """Ask for the idea's post to show its current votes soon."""
        if not self._updates.busy(idea_id):
            self._failures.pop(idea_id, None)
        self._updates.request(idea_id)

    def _backoff(self, idea_id: int) -> float:
        return self._settle * (1 + self._failures.get(idea_id, 0))

    async def _update(self, keys: set[int]) -> None:
        (idea_id,) = keys
        try:
            await self._limiter.acquire()
            shown = await self.update_now(idea_id)
            self._failures.pop(idea_id, None)
            if shown is not None and shown != await self._count(idea_id):
                self._updates.request(idea_id)
        except (SlackClientError, OSError, TimeoutError) as error:
            failures = self._failures.get(idea_id, 0) + 1
            self._failures[idea_id] = failures
            log.warning("updating the post of idea %s failed: %r", idea_id, error)
            if failures < MAX_FAILED_UPDATES:
                self._updates.request(idea_id)
        except Exception:
            log.exception("updating the post of idea %s failed", idea_id)

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
            place = await ideas.place_of(session=session, idea=idea)
            # SHOW_VOTER_NAMES=false: the count alone, and no name is looked up.
            shown = VOTER_NAMES_SHOWN if self._settings.show_voter_names else 0
            first = (
                await votes.first_voters(session=session, idea_id=idea_id, limit=shown)
                if shown
                else []
            )
            helping = await offers.standing(session=session, idea_id=idea_id)
        known = await self._users.some(first, look_up=VOTER_NAMES_SHOWN, wait=NAMES_WAIT_SECONDS)
        names = [known[voter].name for voter in first if voter in known]
        await self._client.chat_update(
            channel=idea.channel_id,
            ts=idea.message_ts,
            **idea_blocks.idea_message(
                idea,
                vote_emojis=self._settings.vote_emojis,
                votes=count,
                voter_names=names,
                place=place,
                help_departments=[offer.department for offer in helping],
            ),
        )
        return count

    async def drain(self) -> None:
        """Finish pending updates (on shutdown)."""
        await self._updates.drain()
