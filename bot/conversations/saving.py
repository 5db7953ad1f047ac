"""**Save as idea**: from a Slack message to a prefilled idea form, and, once the idea is
posted, a short "saved as idea #N" reply in the message's thread.

Slack's `trigger_id` lasts three seconds, so what is looked up before the form opens (is the
channel public, the message's link) gets `LOOKUP_SECONDS` together; past it, or on any
failure, the message counts as private and its link is built by hand: the safe side.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from bot.conversations import messages, rules
from bot.foundation.context import Context
from bot.ideas.rules import IdeaDraft, MessageSource
from bot.slack import payload
from storage import sources

log = logging.getLogger(__name__)

LOOKUP_SECONDS = 1.5
UNREADABLE = ":warning: Lightbulb couldn't read that message: please try again."


@dataclass(frozen=True)
class Prepared:
    """Either the form to open (`draft`, with a `notice` above it) or a private `answer`."""

    draft: IdeaDraft | None = None
    notice: str | None = None
    answer: str | None = None


async def prepare(ctx: Context, body: dict) -> Prepared:
    """What **Save as idea** on the message in `body` (a `message_action`) opens."""
    message = payload.as_dict(body.get("message"))
    channel = payload.as_dict(body.get("channel"))
    channel_id = payload.as_text(channel.get("id"))
    ts = payload.as_text(message.get("ts")) or payload.as_text(body.get("message_ts"))
    if not channel_id or not ts:
        return Prepared(answer=UNREADABLE)
    async with ctx.db.session() as session:
        posted = await sources.idea_posted_as(session=session, channel_id=channel_id, message_ts=ts)
        earlier = await sources.ideas_saved_from(
            session=session, channel_id=channel_id, message_ts=ts
        )
    if posted is not None:
        return Prepared(answer=rules.already_an_idea(posted.id or 0, posted.permalink))
    thread_ts = payload.as_text(message.get("thread_ts")) or None
    domain = payload.as_text(payload.as_dict(body.get("team")).get("domain"))
    info, link = await _look_up(ctx, channel_id, ts, thread_ts, domain)
    public = rules.is_public(info)
    author_id = rules.author_of(message)
    source = MessageSource(
        channel_id=channel_id,
        message_ts=ts,
        author_id=author_id,
        permalink=link,
        public=public,
        # A private conversation's name is never shown, so it is not kept either.
        channel_name=(payload.as_text(channel.get("name")) or None) if public else None,
        kind=rules.default_kind(author_id=author_id, submitter_id=payload.user_id(body)),
        thread_ts=thread_ts,
    )
    filled = rules.prefill(payload.as_text(message.get("text")))
    notices = list(filled.notices)
    if earlier:
        notices.insert(0, rules.already_saved([(i.id or 0, i.permalink) for i in earlier]))
    draft = IdeaDraft(text=filled.summary, details=filled.details, source=source)
    return Prepared(draft=draft, notice="\n".join(notices) or None)


async def _look_up(
    ctx: Context, channel_id: str, ts: str, thread_ts: str | None, domain: str
) -> tuple[dict, str | None]:
    """The conversation as `conversations.info` describes it, and the message's link;
    `({}, <the link built by hand>)` when Slack takes too long."""
    try:
        async with asyncio.timeout(LOOKUP_SECONDS):
            info, link = await asyncio.gather(
                messages.conversation(ctx, channel_id),
                messages.link(
                    ctx, channel_id=channel_id, ts=ts, thread_ts=thread_ts, domain=domain
                ),
            )
    except TimeoutError:
        log.warning("looking up %s took too long: saving its message as private", channel_id)
        built = rules.built_permalink(
            domain=domain, channel_id=channel_id, ts=ts, thread_ts=thread_ts
        )
        return {}, built if domain else None
    return info, link


def with_source(reply: dict, source: MessageSource | None) -> dict:
    """The submitter's confirmation, with the link to the message it came from: only they see
    it, so it is there for a private conversation too."""
    note = rules.source_note(source.permalink) if source is not None else ""
    if not note or reply.get("blocks"):
        return reply
    return {**reply, "text": f"{reply.get('text', '')} {note}".strip()}
