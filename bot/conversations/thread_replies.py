"""The "💡 saved as idea #N" reply in the thread of the message an idea was saved from.

It follows the idea's post, whichever way the post went out (the form's submission, or the
one-minute retry after Slack refused it), off the request that posted it.
"""

from __future__ import annotations

import logging

from bot.conversations import messages, rules
from bot.core.debounce import Debouncer
from bot.foundation.context import Context
from bot.slack.posting import SLACK_FAILURES, error_code, post_message
from storage import sources
from storage.models import Idea
from storage.vocabulary import ANONYMOUS_AUTHOR

log = logging.getLogger(__name__)


async def reply_in_thread(ctx: Context, idea_id: int) -> bool:
    """Reply about the idea in its source message's thread, once whatever replicas or retries
    do; True when the reply went. Only where Lightbulb is a member, never in a direct or
    group message, and never for an anonymous idea: the reply would tie it to the
    conversation and to whoever wrote there."""
    async with ctx.db.session() as session:
        waiting = await sources.awaiting_reply(session=session, idea_id=idea_id)
        # A claim that is not followed by a reply stays: this idea is never replied about.
        if waiting is None or not await sources.claim_reply(session=session, idea_id=idea_id):
            return False
    idea, source = waiting
    if idea.author_id == ANONYMOUS_AUTHOR:
        return False
    if not rules.may_reply_in(
        source.channel_id, await messages.conversation(ctx, source.channel_id)
    ):
        return False
    try:
        response = await post_message(
            ctx.client,
            message={"text": rules.saved_reply(idea_id, idea.permalink)},
            channel=source.channel_id,
            thread_ts=source.thread_ts or source.message_ts,
            unfurl_links=False,
            unfurl_media=False,
        )
    except SLACK_FAILURES as error:
        log.warning("no reply about idea %s in its source: %s", idea_id, error_code(error))
        return False
    async with ctx.db.session() as session:
        await sources.record_reply(session=session, idea_id=idea_id, reply_ts=response["ts"])
    return True


class SourceReplies:
    """Replies in the source's thread as ideas are posted (`Signals.idea_posted`)."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._posted: Debouncer[int] = Debouncer(self._reply, delay=0, name="source-replies")

    def idea_posted(self, idea: Idea) -> None:
        if idea.id:
            self._posted.request(idea.id)

    async def _reply(self, idea_ids: set[int]) -> None:
        for idea_id in sorted(idea_ids):
            await reply_in_thread(self._ctx, idea_id)

    async def drain(self) -> None:
        await self._posted.drain()
