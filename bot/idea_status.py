"""Changing an idea's status and closing the loop: the post, its thread, and the people.

The change is stored with its reason first; then the post is refreshed (status badge, owner,
closed to new votes), a threaded reply says what happened and why, and the author and voters
are told by DM (`bot.status_notices`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot import status_rules as rules
from bot.runtime import Runtime
from bot.slack import status_blocks
from bot.slack.posting import SLACK_FAILURES, error_code
from storage import ideas, statuses
from storage.models import Idea, StatusChange

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Changed:
    """The outcome of a status change: the change, or the problem that stopped it."""

    change: StatusChange | None = None
    idea: Idea | None = None
    problem: str | None = None


async def change_status(
    runtime: Runtime,
    *,
    idea_id: int,
    to: str,
    reason: str,
    changed_by: str,
    owner_id: str | None = None,
) -> Changed:
    """Apply one status change, if the rules allow it, and close the loop."""
    async with runtime.db.session() as session:
        idea = await ideas.get_idea(session=session, idea_id=idea_id)
        if idea is None:
            return Changed(problem=f"There is no idea #{idea_id}. `/idea top all` lists them.")
        problem = rules.change_problem(current=idea.status, to=to, reason=reason)
        if problem is not None:
            return Changed(idea=idea, problem=problem)
        change = await statuses.change_status(
            session=session,
            idea_id=idea_id,
            expected=idea.status,
            to=to,
            reason=reason.strip(),
            changed_by=changed_by,
            owner_id=owner_id,
        )
    if change is None:
        return Changed(idea=idea, problem="Someone changed this idea just now. Please try again.")
    idea.status = to
    if owner_id:
        idea.owner_id = owner_id
    if idea.channel_id and idea.message_ts:
        runtime.votes.forget_post(idea.channel_id, idea.message_ts)
        runtime.posts.request(idea_id)
        try:
            await runtime.client.chat_postMessage(
                channel=idea.channel_id,
                thread_ts=idea.message_ts,
                **status_blocks.thread_reply(change),
            )
        except SLACK_FAILURES as error:
            log.warning("no thread reply for idea %s: %s", idea_id, error_code(error))
    runtime.notices.queue(change.id or 0)
    return Changed(change=change, idea=idea)
