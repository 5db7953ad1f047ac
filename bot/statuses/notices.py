"""Telling the author and voters about status changes, batched and once.

Changes made within BATCH_SECONDS of each other reach each person as one DM. Each change is
claimed in the database before its DMs go out, so several replicas never tell anyone twice;
people who left the workspace, and bots, are not written to. Each DM is itself a claimed post
(`bot.retried_posts`): one Slack refuses is sent again by the one-minute retry, once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.platform import retried_posts
from bot.slack.users import LookupFailed
from bot.statuses import blocks
from storage import experiments, ideas, statuses
from storage.models import Experiment, Idea, StatusChange

if TYPE_CHECKING:  # the runtime holds the notifier
    from bot.server.runtime import Runtime

log = logging.getLogger(__name__)

BATCH_SECONDS = 1.5


class StatusNotifier:
    """Collects status changes for a moment, then tells each person once."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
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
        if not self._runtime.slack_access.usable:
            return  # left unclaimed in the database, with the changes themselves
        change_ids, self._pending = list(self._pending), set()
        async with self._runtime.db.session() as session:
            changes = await statuses.claim_unnotified(
                session=session, change_ids=change_ids, now=datetime.now(UTC)
            )
            by_person: dict[str, list[tuple[Idea, StatusChange, Experiment | None]]]
            by_person = defaultdict(list)
            for change in changes:
                idea = await ideas.get_idea(session=session, idea_id=change.idea_id)
                if idea is None:
                    continue
                experiment = (
                    await experiments.get_experiment(
                        session=session, experiment_id=change.experiment_id
                    )
                    if change.experiment_id
                    else None
                )
                for person in await statuses.audience(session=session, idea_id=change.idea_id):
                    if person != change.changed_by:
                        by_person[person].append((idea, change, experiment))
        for person, theirs in sorted(by_person.items()):
            if not await self._still_here(person):
                continue
            # The first change of the batch names this DM: one claim per person per batch.
            sent = await retried_posts.post_once(
                self._runtime,
                job=retried_posts.STATUS_DM,
                key=f"{theirs[0][1].id}:{person}",
                channel=person,
                message=blocks.notice(theirs, recipient=person),
            )
            self.sent += sent

    async def _still_here(self, person: str) -> bool:
        try:
            user = await self._runtime.users.get(person)
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
