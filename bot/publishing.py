"""Getting an idea from the database into the ideas channel, exactly once.

An idea is stored before it is posted, so a Slack outage cannot lose it. Each post is
claimed in the database first, so two workers (or a retry racing a start-up catch-up)
never post the same idea twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from bot.capture import IdeaDraft
from bot.runtime import Runtime
from bot.slack import blocks
from bot.slack.posting import SLACK_FAILURES, error_code, permalink
from storage import ideas
from storage.models import Idea

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PostOutcome:
    idea_id: int
    posted: bool
    channel_id: str
    permalink: str | None = None
    error: str | None = None  # Slack's error code, or "unreachable"
    in_progress: bool = False  # someone else holds the claim right now


class NotSaved(Exception):
    """The idea could not be stored; the person must get their text back."""


async def capture_idea(runtime: Runtime, *, author_id: str, draft: IdeaDraft) -> PostOutcome:
    """Store a new idea and post it to the ideas channel. Raises `NotSaved`."""
    try:
        async with runtime.db.session() as session:
            idea = await ideas.create_idea(
                session=session,
                author_id=author_id,
                text=draft.text,
                problem=draft.problem,
                details=draft.details,
            )
            await ideas.claim_post(session=session, idea_id=idea.id or 0)
    except SQLAlchemyError as error:
        log.error("could not store an idea from %s: %r", author_id, error)
        raise NotSaved from error
    return await _post(runtime, idea)


async def post_again(runtime: Runtime, *, author_id: str | None = None) -> list[PostOutcome]:
    """Post every stored idea that is not in Slack yet (one author's, when given)."""
    async with runtime.db.session() as session:
        pending = await ideas.unposted_ideas(session=session, author_id=author_id)
    outcomes = []
    for idea in pending:
        async with runtime.db.session() as session:
            claimed = await ideas.claim_post(session=session, idea_id=idea.id or 0)
        if not claimed:
            outcomes.append(
                PostOutcome(idea.id or 0, False, runtime.settings.ideas_channel, in_progress=True)
            )
            continue
        outcomes.append(await _post(runtime, idea))
    return outcomes


async def _post(runtime: Runtime, idea: Idea) -> PostOutcome:
    settings = runtime.settings
    idea_id = idea.id or 0
    try:
        response = await runtime.client.chat_postMessage(
            channel=settings.ideas_channel,
            **blocks.idea_message(idea, vote_emojis=settings.vote_emojis),
            unfurl_links=False,
            unfurl_media=False,
        )
    except SLACK_FAILURES as error:
        code = error_code(error)
        log.warning("posting idea %s failed: %s", idea_id, code)
        async with runtime.db.session() as session:
            await ideas.record_post_failure(session=session, idea_id=idea_id, error=code)
        return PostOutcome(idea_id, False, settings.ideas_channel, error=code)

    channel_id, ts = response["channel"], response["ts"]
    # Recorded before anything else: votes can arrive as soon as the post is visible.
    async with runtime.db.session() as session:
        await ideas.record_post(
            session=session, idea_id=idea_id, channel_id=channel_id, message_ts=ts
        )
    link = await permalink(runtime.client, channel_id, ts)
    if link:
        async with runtime.db.session() as session:
            await ideas.record_permalink(session=session, idea_id=idea_id, permalink=link)
    log.info("idea %s posted to %s at %s", idea_id, channel_id, ts)
    return PostOutcome(idea_id, True, channel_id, permalink=link)
