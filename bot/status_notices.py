"""Telling the author and voters about status changes, batched and once.

Changes made within BATCH_SECONDS of each other reach each person as one DM. Each change is
claimed in the database before its DMs go out, so several replicas never tell anyone twice;
people who left the workspace, and bots, are not written to.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from datetime import UTC, datetime

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import status_blocks
from bot.slack.posting import SLACK_FAILURES, error_code
from bot.slack.users import LookupFailed, UserDirectory
from storage import ideas, statuses
from storage.database import Database
from storage.models import Idea, StatusChange

log = logging.getLogger(__name__)

BATCH_SECONDS = 1.5


class StatusNotifier:
    """Collects status changes for a moment, then tells each person once."""

    def __init__(self, db: Database, client: AsyncWebClient, users: UserDirectory) -> None:
        self._db = db
        self._client = client
        self._users = users
        self._pending: set[int] = set()
        self._flush_task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self.sent: int = 0

    def queue(self, change_id: int) -> None:
        self._pending.add(change_id)
        if self._flush_task is None or self._flush_task.done():
            self._flush_task = asyncio.create_task(self._flush_later(), name="status-notices")

    async def _flush_later(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), BATCH_SECONDS)
        await self.flush()

    async def flush(self) -> None:
        change_ids, self._pending = list(self._pending), set()
        async with self._db.session() as session:
            changes = await statuses.claim_unnotified(
                session=session, change_ids=change_ids, now=datetime.now(UTC)
            )
            by_person: dict[str, list[tuple[Idea, StatusChange]]] = defaultdict(list)
            for change in changes:
                idea = await ideas.get_idea(session=session, idea_id=change.idea_id)
                if idea is None:
                    continue
                for person in await statuses.audience(session=session, idea_id=change.idea_id):
                    if person != change.changed_by:
                        by_person[person].append((idea, change))
        for person, theirs in sorted(by_person.items()):
            if not await self._still_here(person):
                continue
            try:
                await self._client.chat_postMessage(
                    channel=person, **status_blocks.notice(theirs, recipient=person)
                )
                self.sent += 1
            except SLACK_FAILURES as error:
                log.warning(
                    "could not tell %s about a status change: %s", person, error_code(error)
                )

    async def _still_here(self, person: str) -> bool:
        try:
            user = await self._users.get(person)
        except LookupFailed:
            return True  # telling someone is better than silence when Slack cannot say
        return user is not None and not user.deleted and not user.is_bot

    async def drain(self) -> None:
        """Send what is queued now (on shutdown)."""
        self._wake.set()
        if self._flush_task is not None:
            await asyncio.gather(self._flush_task, return_exceptions=True)
        if self._pending:
            await self.flush()
