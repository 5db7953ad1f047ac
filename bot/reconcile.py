"""Repairing votes missed while the bot was down: Slack's reactions are the truth.

Each recent idea post's reactions are read with `reactions.get` (full), judged by the same
rules as live events, and the difference is written as reaction changes stamped with the time
of the read. An event that happened before the read is then older and changes nothing; one
that happens after it still applies. Running it again finds nothing to do.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.runtime import Runtime
from bot.slack.users import LookupFailed
from bot.voting import base_emoji
from storage import votes
from storage.models import Idea, utcnow
from storage.votes import CLOSED_STATUSES, ReactionChange

log = logging.getLogger(__name__)

# A restart checks the ideas voted on or posted this recently, at most this many of them
# (reactions.get is Tier 3: about 50 calls a minute).
RECENT_ACTIVITY = timedelta(hours=1)
RECENT_IDEAS_CHECKED = 40


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


async def reconcile(runtime: Runtime, *, days: int) -> ReconcileReport:
    async with runtime.db.session() as session:
        recent = await votes.posted_since(session=session, since=utcnow() - timedelta(days=days))
    return await _reconcile(runtime, recent)


async def repair_recent(runtime: Runtime) -> ReconcileReport:
    """At start-up: re-read the ideas voted on or posted in the last RECENT_ACTIVITY. A
    process that died (or was killed) may have acknowledged votes it never committed; Slack
    will not send those again, but its reactions still show them."""
    async with runtime.db.session() as session:
        active = await votes.active_since(
            session=session, since=utcnow() - RECENT_ACTIVITY, limit=RECENT_IDEAS_CHECKED
        )
    report = await _reconcile(runtime, active)
    if report.added or report.removed:
        log.warning(
            "repaired votes on %s after a restart: %d added, %d removed",
            ", ".join(f"#{i}" for i in report.changed_ideas),
            report.added,
            report.removed,
        )
    return report


async def _reconcile(runtime: Runtime, recent: list[Idea]) -> ReconcileReport:
    report = ReconcileReport()
    vote_emojis = set(runtime.settings.vote_emojis)
    for idea in recent:
        if idea.status in CLOSED_STATUSES:
            report.skipped_closed += 1
            continue
        read_at = _slack_ts(time.time())
        try:
            response = await runtime.client.reactions_get(
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
        wanted = {
            pair for pair in seen if pair[0] != idea.author_id and await _person(runtime, pair[0])
        }
        async with runtime.db.session() as session:
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
            runtime.posts.request(idea.id or 0)
    return report


async def _person(runtime: Runtime, user_id: str) -> bool:
    try:
        user = await runtime.users.get(user_id)
    except LookupFailed as error:
        log.warning("could not look up %s; counting the reaction: %s", user_id, error)
        return True
    return user is not None and not user.is_bot and not user.deleted


def _slack_ts(moment: float) -> str:
    return f"{moment:.6f}"
