"""Telling the author and voters about status changes, batched and once.

Changes made within BATCH_SECONDS of each other reach each person as one DM. Each change is
claimed in the database before its DMs go out, so several replicas never tell anyone twice;
people who left the workspace, and bots, are not written to. Each DM is itself a claimed post
(`bot.foundation.retried_posts`): one Slack refuses is sent again by the one-minute retry, once.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import UTC, datetime

from bot.core.debounce import Debouncer
from bot.foundation import retried_posts
from bot.foundation.context import Context
from bot.statuses import blocks
from storage import anonymous, experiments, ideas, statuses
from storage.models import Experiment, Idea, StatusChange

log = logging.getLogger(__name__)

BATCH_SECONDS = 1.5


class StatusNotifier:
    """Collects status changes for a moment, then tells each person once."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self.sent: int = 0
        self._batch: Debouncer[int] = Debouncer(
            self._tell,
            delay=BATCH_SECONDS,
            name="status-notices",
            # Without Slack the changes wait, unclaimed, for the next change or the shutdown.
            ready=lambda: ctx.slack_access.usable,
        )

    def queue(self, change_id: int) -> None:
        self._batch.request(change_id)

    async def _tell(self, change_ids: set[int]) -> None:
        async with self._ctx.db.session() as session:
            changes = await statuses.claim_unnotified(
                session=session, change_ids=list(change_ids), now=datetime.now(UTC)
            )
            by_person: dict[str, list[tuple[Idea, StatusChange, Experiment | None]]]
            by_person = defaultdict(list)
            # Anonymous ideas each author shared: their DM says "your idea", nobody else's.
            own: dict[str, set[int]] = defaultdict(set)
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
                if anonymous.is_anonymous(idea):
                    author = await anonymous.author_of(session=session, idea=idea)
                    if author:
                        own[author].add(idea.id or 0)
                for person in await statuses.audience(session=session, idea_id=change.idea_id):
                    if person != change.changed_by:
                        by_person[person].append((idea, change, experiment))
        for person, theirs in sorted(by_person.items()):
            if not await self._ctx.users.reachable(person):
                continue
            # The first change of the batch names this DM: one claim per person per batch.
            sent = await retried_posts.post_once(
                self._ctx,
                job=retried_posts.STATUS_DM,
                key=f"{theirs[0][1].id}:{person}",
                channel=person,
                message=blocks.notice(theirs, recipient=person, own=own[person]),
            )
            self.sent += sent

    async def drain(self) -> None:
        """Send what is queued now (on shutdown)."""
        await self._batch.drain()
