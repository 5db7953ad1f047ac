"""Repairing votes missed while the bot was down: Slack's reactions are the truth.

Each recent idea post's reactions are read with `reactions.get` (full), judged by the same
rules as live events, and the difference is written as reaction changes stamped with the time
of the read. An event that happened before the read is then older and changes nothing; one
that happens after it still applies. Running it again finds nothing to do.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.foundation.context import Context
from bot.slack.users import LookupFailed
from bot.votes.rules import IdeaPost, Verdict, base_emoji, judge_idea, judge_voter
from storage import votes
from storage.models import Idea, utcnow
from storage.vocabulary import CLOSED_STATUSES
from storage.votes import ReactionChange

log = logging.getLogger(__name__)

# A restart checks the ideas voted on or posted this recently, at most this many of them
# (reactions.get is Tier 3: about 50 calls a minute).
RECENT_ACTIVITY = timedelta(hours=1)
RECENT_IDEAS_CHECKED = 40
DROPPED_EVENTS_GRACE_SECONDS = 10


@dataclass
class ReconcileReport:
    checked: int = 0
    added: int = 0
    removed: int = 0
    skipped_closed: int = 0
    changed_ideas: list[int] = field(default_factory=list)
    unreadable: dict[int, str] = field(default_factory=dict)

    def summary(self, days: int) -> str:
        lines = [
            f"Checked {self.checked} idea post(s) from the last {days} day(s): "
            f"added {self.added} vote reaction(s), removed {self.removed}."
        ]
        if self.changed_ideas:
            lines.append("Changed: " + ", ".join(f"#{i}" for i in self.changed_ideas) + ".")
        if self.skipped_closed:
            lines.append(f"Left {self.skipped_closed} closed idea(s) as they are.")
        for idea_id, error in self.unreadable.items():
            lines.append(f"Could not read the post of #{idea_id}: {error}.")
        return "\n".join(lines)


async def reconcile(ctx: Context, *, days: int) -> ReconcileReport:
    async with ctx.db.session() as session:
        recent = await votes.posted_since(session=session, since=utcnow() - timedelta(days=days))
    return await _reconcile(ctx, recent)


async def repair_recent(ctx: Context) -> ReconcileReport:
    """At start-up: re-read the ideas voted on or posted in the last RECENT_ACTIVITY. A
    process that died (or was killed) may have acknowledged votes it never committed; Slack
    will not send those again, but its reactions still show them."""
    async with ctx.db.session() as session:
        active = await votes.active_since(
            session=session, since=utcnow() - RECENT_ACTIVITY, limit=RECENT_IDEAS_CHECKED
        )
    report = await _reconcile(ctx, active)
    if report.added or report.removed:
        log.warning(
            "repaired votes on %s after a restart: %d added, %d removed",
            ", ".join(f"#{i}" for i in report.changed_ideas),
            report.added,
            report.removed,
        )
    return report


class DroppedEventsRepair:
    """After Slack says it dropped this app's events in a minute (`app_rate_limited`), re-read
    the ideas active in the hour before it, once that minute is over: the votes Slack never
    sent are still on the posts as reactions. Notices that come while one repair waits join
    it, so a storm of them is one repair."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._task: asyncio.Task[None] | None = None
        self._first = 0.0
        self._last = 0.0
        self._repairing = False

    def schedule(self, minute: int) -> None:
        if self._task is None or self._task.done():
            self._first, self._last = minute, minute
            self._repairing = False
            self._task = asyncio.create_task(self._run(), name="repair-dropped-events")
        else:
            self._first, self._last = min(self._first, minute), max(self._last, minute)

    async def _run(self) -> None:
        # The end of the last dropped minute, and a moment for events Slack sent late.
        while (wait := self._last + 60 + DROPPED_EVENTS_GRACE_SECONDS - time.time()) > 0:
            await asyncio.sleep(wait)
        self._repairing = True
        since = datetime.fromtimestamp(self._first, UTC) - RECENT_ACTIVITY
        try:
            async with self._ctx.db.session() as session:
                active = await votes.active_since(
                    session=session, since=since, limit=RECENT_IDEAS_CHECKED
                )
            report = await _reconcile(self._ctx, active)
        except Exception:
            log.exception("repairing the votes Slack dropped failed; run `lightbulb reconcile`")
            return
        log.warning(
            "after Slack dropped events: checked %d idea(s), %d vote reaction(s) added, %d "
            "removed%s",
            report.checked,
            report.added,
            report.removed,
            "".join(f"; could not read #{i} ({error})" for i, error in report.unreadable.items()),
        )

    async def close(self) -> None:
        """On shutdown: a repair still waiting is left to `lightbulb reconcile` or the next
        start's own repair; one already under way finishes, as a query cancelled halfway
        would leave its database connection answering a closed event loop."""
        if self._task is None or self._task.done():
            return
        if not self._repairing:
            self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


async def _reconcile(ctx: Context, recent: list[Idea]) -> ReconcileReport:
    report = ReconcileReport()
    vote_emojis = set(ctx.settings.vote_emojis)
    for idea in recent:
        if idea.status in CLOSED_STATUSES:
            report.skipped_closed += 1
            continue
        read_at = _slack_ts(time.time())
        try:
            response = await ctx.client.reactions_get(
                channel=idea.channel_id, timestamp=idea.message_ts, full=True
            )
        except SlackApiError as error:
            report.unreadable[idea.id or 0] = str(error.response.get("error"))
            continue
        except (SlackClientError, OSError, TimeoutError) as error:
            report.unreadable[idea.id or 0] = repr(error)
            continue
        report.checked += 1
        seen: set[tuple[str, str]] = set()
        for reaction in (response.get("message") or {}).get("reactions") or []:
            emoji = base_emoji(reaction.get("name", ""))
            if emoji in vote_emojis:
                seen |= {(user, emoji) for user in reaction.get("users") or []}
        post = IdeaPost(idea.id or 0, idea.author_id, idea.status)
        wanted = {
            (voter, emoji)
            for voter, emoji in seen
            if judge_idea(voter_id=voter, idea=post) is Verdict.COUNT and await _counts(ctx, voter)
        }
        async with ctx.db.session() as session:
            current = await votes.active_reactions(session=session, idea_id=idea.id or 0)
            changes = [
                ReactionChange(idea.id or 0, voter, emoji, True, read_at)
                for voter, emoji in wanted - current
            ] + [
                ReactionChange(idea.id or 0, voter, emoji, False, read_at)
                for voter, emoji in current - wanted
            ]
            await votes.apply_reactions(session=session, changes=changes)
        if changes:
            report.added += len(wanted - current)
            report.removed += len(current - wanted)
            report.changed_ideas.append(idea.id or 0)
            ctx.signals.idea_changed(idea)
    return report


async def _counts(ctx: Context, user_id: str) -> bool:
    """The voting rules' verdict on a person; like a live vote, it counts when Slack cannot
    say who they are right now."""
    try:
        user = await ctx.users.get(user_id)
    except LookupFailed as error:
        log.warning("could not look up %s; counting the reaction: %s", user_id, error)
        return True
    return judge_voter(user) is Verdict.COUNT


def _slack_ts(moment: float) -> str:
    return f"{moment:.6f}"
