"""**Add to an idea**: a Slack message attached to an existing idea as evidence, quoted once in
the idea's thread.

The shortcut reads the message and opens the form (`evidence_blocks.add_form`); the submission
stores the attachment (one per idea and message, decided by the database before the form is
answered, so a second attach is an error next to the field) and then posts the quote through
the exactly-once delivery, recording where it went.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.conversations import messages, rules
from bot.conversations.evidence_blocks import (
    F_IDEA,
    F_NOTE,
    NOTE_LIMIT,
    SourceMessage,
    carried,
    confirmation,
    thread_reply,
)
from bot.core.typed import parse_id, text_length
from bot.foundation.context import Context
from bot.foundation.delivery import deliver
from bot.foundation.retried_posts import EVIDENCE_REPLY
from bot.slack import payload
from storage import evidence, ideas, sources
from storage.models import Idea
from storage.source_models import IdeaEvidence

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attached:
    """A submission that went in: the stored evidence, its idea and the message."""

    evidence: IdeaEvidence
    idea: Idea
    message: SourceMessage
    note: str


async def source_message(ctx: Context, body: dict) -> SourceMessage:
    """The message a shortcut was used on (`message_action`), and whether its conversation is
    public: anything Slack does not call a public channel is treated as private."""
    channel = payload.as_dict(body.get("channel"))
    message = payload.as_dict(body.get("message"))
    channel_id = payload.as_text(channel.get("id"))
    bot_profile = payload.as_dict(message.get("bot_profile"))
    return SourceMessage(
        channel_id=channel_id,
        message_ts=payload.as_text(message.get("ts")) or payload.as_text(body.get("message_ts")),
        thread_ts=payload.as_text(message.get("thread_ts")),
        channel_name=payload.as_text(channel.get("name")),
        author_id=rules.author_of(message),
        app_name=payload.as_text(bot_profile.get("name") or message.get("username")),
        quote=payload.as_text(message.get("text")),
        has_files=bool(message.get("files")),
        public=rules.is_public(await messages.conversation(ctx, channel_id)),
        team_domain=payload.as_text(payload.as_dict(body.get("team")).get("domain")),
    )


async def refusal(ctx: Context, message: SourceMessage) -> str | None:
    """Why the shortcut cannot attach this message, in words for its user; None when it can."""
    if not message.channel_id or not message.message_ts:
        return "Slack didn't say which message that was. Please try the shortcut again."
    async with ctx.db.session() as session:
        posted = await sources.idea_posted_as(
            session=session, channel_id=message.channel_id, message_ts=message.message_ts
        )
    if posted is not None:
        return (
            f"That is idea #{posted.id}'s post already. To point at a similar idea, vote for it "
            "or mention it in its thread."
        )
    return None


async def attach(ctx: Context, *, view: dict, user_id: str) -> tuple[Attached | None, dict]:
    """Store the submitted attachment; or the problems to show next to the fields."""
    message = carried(view)
    note = payload.text_input(view, F_NOTE)
    idea_id = parse_id(payload.picked_option(view, F_IDEA))
    if message is None:
        return None, {F_IDEA: "This form has lost its message: please use the shortcut again."}
    if text_length(note) > NOTE_LIMIT:
        return None, {F_NOTE: f"Keep the note to {NOTE_LIMIT} characters."}
    if idea_id is None:
        return None, {F_IDEA: "Pick the idea this message is evidence for."}
    async with ctx.db.session() as session:
        idea = await ideas.get_idea(session=session, idea_id=idea_id)
        if idea is None:
            return None, {F_IDEA: f"Idea #{idea_id} no longer exists. Pick another one."}
        if not idea.channel_id or not idea.message_ts:
            return None, {F_IDEA: f"Idea #{idea_id} is not in Slack yet: try again in a minute."}
        row = await evidence.attach(
            session=session,
            idea_id=idea_id,
            added_by=user_id,
            author_id=message.author_id,
            channel_id=message.channel_id,
            message_ts=message.message_ts,
            public=message.public,
            quote=message.quote,
        )
    if row is None:
        return None, {F_IDEA: f"This message is attached to idea #{idea_id} already."}
    return Attached(row, idea, message, note.strip()), {}


async def share(ctx: Context, attached: Attached) -> str:
    """Quote the message in the idea's thread, once, and record where; the adder's private
    confirmation. A quote Slack refuses is posted later by the one-minute retry."""
    message, row, idea = attached.message, attached.evidence, attached.idea
    link = await messages.link(
        ctx,
        channel_id=message.channel_id,
        ts=message.message_ts,
        thread_ts=message.thread_ts or None,
        domain=message.team_domain,
    )
    reply = thread_reply(message, added_by=row.added_by, note=attached.note, permalink=link)

    async def compose() -> dict:
        return reply

    delivery = await deliver(
        ctx,
        job=EVIDENCE_REPLY,
        period=str(row.id),
        channel=idea.channel_id or "",
        thread_ts=idea.message_ts,
        compose=compose,
        now=datetime.now(UTC),
    )
    async with ctx.db.session() as session:
        if link:
            await evidence.record_permalink(
                session=session, evidence_id=row.id or 0, permalink=link
            )
        if delivery.message_ts:
            await evidence.record_reply(
                session=session, evidence_id=row.id or 0, thread_ts=delivery.message_ts
            )
    return confirmation(
        idea_id=idea.id or 0,
        idea_link=idea.permalink,
        message_link=link,
        in_thread=delivery.delivered,
    )
