"""Who is greeted, where and how often; the replies themselves are in `bot.welcome.blocks`."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.foundation import retried_posts
from bot.foundation.context import Context
from bot.slack.payload import as_text
from bot.slack.posting import SLACK_FAILURES, error_code
from bot.slack.users import LookupFailed
from bot.welcome import blocks
from storage import reply_limits

log = logging.getLogger(__name__)

# A person who mentions Lightbulb again within the hour has read the answer already.
MENTION_ANSWER_EVERY = timedelta(hours=1)
# Leaving and rejoining the ideas channel the same day is not a reason to say it again.
CHANNEL_WELCOME_EVERY = timedelta(days=1)


@dataclass(frozen=True)
class Mention:
    """`@Lightbulb` written by a person in a channel; None for anything else (bots, edits)."""

    user_id: str
    channel_id: str
    thread_ts: str

    @classmethod
    def from_event(cls, event: dict) -> Mention | None:
        if event.get("bot_id") or event.get("subtype"):
            return None
        user_id, channel_id = as_text(event.get("user")), as_text(event.get("channel"))
        # A mention inside a thread is answered in that thread; otherwise under the mention.
        thread_ts = as_text(event.get("thread_ts")) or as_text(event.get("ts"))
        if not (user_id and channel_id and thread_ts):
            return None
        return cls(user_id, channel_id, thread_ts)


async def answer_mention(ctx: Context, mention: Mention) -> bool:
    """Reply in the thread, at most once an hour per person and channel; whether we did."""
    if not await _first_in(
        ctx, f"mention:{mention.channel_id}:{mention.user_id}", MENTION_ANSWER_EVERY
    ):
        return False
    message = blocks.mention_reply(
        user_id=mention.user_id,
        ideas_channel=ctx.settings.ideas_channel,
        vote_emojis=ctx.settings.vote_emojis,
    )
    try:
        await ctx.client.chat_postMessage(
            channel=mention.channel_id, thread_ts=mention.thread_ts, **message
        )
    except SLACK_FAILURES as error:
        log.warning("could not answer a mention in %s: %s", mention.channel_id, error_code(error))
        return False
    return True


async def welcome_to_messages_tab(ctx: Context, user_id: str) -> bool:
    """The first visit to Lightbulb's Messages tab gets one welcome DM, ever: claimed and
    retried like every DM (`bot.foundation.retried_posts`), so not even two replicas send it
    twice."""
    if not await _a_person(ctx, user_id):
        return False
    return await retried_posts.post_once(
        ctx,
        job=retried_posts.WELCOME_DM,
        key=user_id,
        channel=user_id,
        message=blocks.welcome_dm(
            ideas_channel=ctx.settings.ideas_channel,
            vote_emojis=ctx.settings.vote_emojis,
        ),
    )


async def welcome_to_ideas_channel(ctx: Context, *, user_id: str, channel_id: str) -> bool:
    """An ephemeral welcome for a person (not a bot) who joins the ideas channel."""
    if channel_id != ctx.settings.ideas_channel or not await _a_person(ctx, user_id):
        return False
    if not await _first_in(ctx, f"joined:{channel_id}:{user_id}", CHANNEL_WELCOME_EVERY):
        return False
    message = blocks.channel_welcome(ideas_channel=channel_id, vote_emojis=ctx.settings.vote_emojis)
    try:
        await ctx.client.chat_postEphemeral(channel=channel_id, user=user_id, **message)
    except SLACK_FAILURES as error:
        log.warning("could not welcome %s to %s: %s", user_id, channel_id, error_code(error))
        return False
    return True


async def _first_in(ctx: Context, key: str, every: timedelta) -> bool:
    async with ctx.db.session() as session:
        return await reply_limits.claim(
            session=session, key=key, now=datetime.now(UTC), every=every
        )


async def _a_person(ctx: Context, user_id: str) -> bool:
    """Bots and deactivated accounts are not greeted; when Slack cannot say, the person is."""
    if not user_id or not ctx.slack_access.usable:
        return False
    try:
        user = await ctx.users.get(user_id)
    except LookupFailed:
        return True
    return user is not None and not user.is_bot and not user.deleted
