"""Getting an idea from the database into the ideas channel, exactly once.

An idea is stored before it is posted, so a Slack outage cannot lose it. Each post is
claimed in the database first, so two workers (or a retry racing a start-up catch-up)
never post the same idea twice. Each post carries its idea's id in message metadata, and
posting again starts by reading the channel's history for it: a post Slack took but never
answered for is recorded, not repeated.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError

from bot.foundation.context import Context
from bot.ideas import blocks as idea_blocks
from bot.ideas.rules import IdeaDraft
from bot.slack.posting import (
    REFUSED_FOR_CONTENT,
    SLACK_FAILURES,
    error_code,
    may_have_posted,
    permalink,
    post_message,
    posts_with_metadata,
    refused_for_content,
)
from storage import anonymous, ideas, sources
from storage.models import Idea
from storage.vocabulary import ANONYMOUS_AUTHOR

log = logging.getLogger(__name__)

IDEA_POST_EVENT = "lightbulb_idea"
# Seconds to wait, after a post whose answer never came, before looking for it and trying
# again: the client does not resend such posts itself (see `bot.slack.client`).
VERIFIED_RETRY_PAUSES = (0.5, 1.0)


@dataclass(frozen=True)
class PostOutcome:
    idea_id: int
    posted: bool
    channel_id: str
    permalink: str | None = None
    error: str | None = None  # Slack's error code, or "unreachable"
    in_progress: bool = False  # someone else holds the claim right now

    @property
    def slack_unavailable(self) -> bool:
        """Slack did not answer, or answered that it is down: it will take the post later."""
        return self.error is not None and (may_have_posted(self.error) or self.error in SLACK_DOWN)

    @property
    def refused(self) -> bool:
        """Slack refused even the plainest form of the post: it is never tried again."""
        return self.error is not None and refused_for_content(self.error)


# Slack's own words for "not now": the same post succeeds once Slack is well again.
SLACK_DOWN = frozenset(
    {"ratelimited", "fatal_error", "internal_error", "service_unavailable", "request_timeout"}
)


class NotSaved(Exception):
    """The idea could not be stored; the person must get their text back."""


async def capture_idea(ctx: Context, *, author_id: str, draft: IdeaDraft) -> PostOutcome:
    """Store a new idea and post it to the ideas channel. Raises `NotSaved`."""
    # Only while allowed; the form hands a ticked box back when it no longer is.
    hidden = draft.anonymous and ctx.settings.anonymous_ideas
    try:
        async with ctx.db.session() as session:
            idea = await ideas.create_idea(
                session=session,
                author_id=ANONYMOUS_AUTHOR if hidden else author_id,
                text=draft.text,
                problem=draft.problem,
                details=draft.details,
                theme_id=draft.theme_id,
                challenge_id=draft.challenge_id,
            )
            if hidden:
                await anonymous.record(session=session, idea_id=idea.id or 0, author_id=author_id)
            if draft.source is not None:
                # Saved from a Slack message: stored with the idea, or not at all.
                await sources.add_source(
                    session=session,
                    idea_id=idea.id or 0,
                    kind=draft.source.kind,
                    channel_id=draft.source.channel_id,
                    message_ts=draft.source.message_ts,
                    thread_ts=draft.source.thread_ts,
                    author_id=draft.source.author_id,
                    permalink=draft.source.permalink,
                    public=draft.source.public,
                    channel_name=draft.source.channel_name,
                )
            await ideas.claim_post(session=session, idea_id=idea.id or 0)
    except SQLAlchemyError as error:
        log.error("could not store an idea from %s: %r", author_id, error)
        raise NotSaved from error
    return await _post(ctx, idea)


async def post_again(ctx: Context, *, author_id: str | None = None) -> list[PostOutcome]:
    """Post every stored idea that is not in Slack yet (one author's, when given)."""
    channel = ctx.settings.ideas_channel
    async with ctx.db.session() as session:
        pending = await ideas.unposted_ideas(
            session=session, author_id=author_id, except_errors=REFUSED_FOR_CONTENT
        )
    if not pending:
        return []
    try:
        in_slack = await _posted_already(
            ctx, since=ideas.as_utc(min(i.created_at for i in pending))
        )
    except SLACK_FAILURES as error:
        code = error_code(error)
        log.warning("could not read %s to check for earlier posts: %s", channel, code)
        return [PostOutcome(i.id or 0, False, channel, error=code) for i in pending]
    outcomes = []
    for idea in pending:
        idea_id = idea.id or 0
        async with ctx.db.session() as session:
            claimed = await ideas.claim_post(session=session, idea_id=idea_id)
        if not claimed:
            outcomes.append(PostOutcome(idea_id, False, channel, in_progress=True))
        elif idea_id in in_slack:
            log.info("idea %s was in Slack already; recording it, not posting again", idea_id)
            outcomes.append(await _recorded(ctx, idea_id, channel, in_slack[idea_id]))
        else:
            outcomes.append(await _post(ctx, idea))
    return outcomes


async def _posted_already(ctx: Context, *, since: datetime) -> dict[int, str]:
    """Idea id → ts of the ideas channel's posts since `since`."""
    posts = await posts_with_metadata(
        ctx.client, ctx.settings.ideas_channel, event_type=IDEA_POST_EVENT, since=since
    )
    return {
        payload["idea_id"]: ts for payload, ts in posts if isinstance(payload.get("idea_id"), int)
    }


async def _post(ctx: Context, idea: Idea) -> PostOutcome:
    """Post the idea; after an answer that never came, look for the post before trying again."""
    channel = ctx.settings.ideas_channel
    idea_id = idea.id or 0
    pauses = iter(VERIFIED_RETRY_PAUSES)
    async with ctx.db.session() as session:
        place = await ideas.place_of(session=session, idea=idea)
    message = idea_blocks.idea_message(idea, vote_emojis=ctx.settings.vote_emojis, place=place)
    while True:
        try:
            response = await post_message(
                ctx.client,
                message=message,
                channel=channel,
                metadata={"event_type": IDEA_POST_EVENT, "event_payload": {"idea_id": idea_id}},
                unfurl_links=False,
                unfurl_media=False,
            )
        except SLACK_FAILURES as error:
            code = error_code(error)
            log.warning("posting idea %s failed: %s", idea_id, code)
            pause = next(pauses, None)
            if pause is None or not may_have_posted(code):
                return await _failed(ctx, idea_id, code)
            await asyncio.sleep(pause)
            try:
                in_slack = await _posted_already(ctx, since=ideas.as_utc(idea.created_at))
            except SLACK_FAILURES:
                return await _failed(ctx, idea_id, code)
            if idea_id in in_slack:
                return await _recorded(ctx, idea_id, channel, in_slack[idea_id])
            continue
        log.info("idea %s posted to %s at %s", idea_id, response["channel"], response["ts"])
        return await _recorded(ctx, idea_id, response["channel"], response["ts"])


async def _failed(ctx: Context, idea_id: int, code: str) -> PostOutcome:
    async with ctx.db.session() as session:
        await ideas.record_post_failure(session=session, idea_id=idea_id, error=code)
    return PostOutcome(idea_id, False, ctx.settings.ideas_channel, error=code)


async def _recorded(ctx: Context, idea_id: int, channel_id: str, ts: str) -> PostOutcome:
    """Record where the idea's post is, and its permalink."""
    # Recorded before anything else: votes can arrive as soon as the post is visible.
    async with ctx.db.session() as session:
        await ideas.record_post(
            session=session, idea_id=idea_id, channel_id=channel_id, message_ts=ts
        )
    link = await permalink(ctx.client, channel_id, ts)
    async with ctx.db.session() as session:
        if link:
            await ideas.record_permalink(session=session, idea_id=idea_id, permalink=link)
        idea = await ideas.get_idea(session=session, idea_id=idea_id)
    if idea is not None:
        ctx.signals.idea_posted(idea)
    return PostOutcome(idea_id, True, channel_id, permalink=link)
