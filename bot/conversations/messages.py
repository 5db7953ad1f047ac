"""What Slack says about the message a shortcut was used on: its conversation (public or
not, whether Lightbulb is in it) and its link. **Save as idea** and **Add to an idea** both
ask, and both treat any doubt as private: the safe side."""

from __future__ import annotations

import logging

from bot.conversations import rules
from bot.foundation.context import Context
from bot.slack import payload
from bot.slack.posting import SLACK_FAILURES, error_code, permalink

log = logging.getLogger(__name__)


async def conversation(ctx: Context, channel_id: str) -> dict:
    """`conversations.info`'s channel; `{}` when Slack will not say (a direct message Lightbulb
    is not in, a private channel, a missing scope): private, then."""
    if channel_id.startswith(rules.DIRECT_MESSAGE_PREFIX):
        return {"is_im": True}
    try:
        response = await ctx.client.conversations_info(channel=channel_id)
    except SLACK_FAILURES as error:
        log.info("no conversations.info for %s: %s", channel_id, error_code(error))
        return {}
    return payload.as_dict(response.get("channel"))


async def link(
    ctx: Context, *, channel_id: str, ts: str, thread_ts: str | None, domain: str
) -> str | None:
    """The message's permalink; when Slack gives none (Lightbulb may not be in that
    conversation), the link Slack's own permalinks follow, if the workspace's domain is known."""
    found = await permalink(ctx.client, channel_id, ts)
    if found:
        return found
    if not domain:
        return None
    return rules.built_permalink(domain=domain, channel_id=channel_id, ts=ts, thread_ts=thread_ts)
