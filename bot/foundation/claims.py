"""What one request, or one person, can make happen.

A request Slack signed can be sent again, unchanged, by anyone who saw it, for as long as its
signature is fresh (five minutes): a replayed `/idea` or form submission must act once. And
one person (or a script with their token) must not flood the ideas channel. Both are decided
in the database, so that replicas agree.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from bot.foundation.context import Context
from storage import reply_limits

log = logging.getLogger(__name__)

# Longer than the five minutes in which the HTTP server accepts a signed request at all.
REPLAY_WINDOW = timedelta(minutes=10)
# Long enough that a button is never taken twice.
ONCE = timedelta(days=3650)
IDEAS_PER_MINUTE = 5
ALREADY_HANDLED = "This request was already received, and it is handled once."


async def first_delivery(ctx: Context, *, key: str) -> bool:
    """Whether this is the first time the request `key` names (a command's `trigger_id`, a
    form's view ID and hash) arrives; False for a replay, which is logged."""
    async with ctx.db.session() as session:
        first = await reply_limits.claim(
            session=session, key=f"request:{key}", now=datetime.now(UTC), every=REPLAY_WINDOW
        )
    if not first:
        log.info("ignored a request that was already handled (%s)", key)
    return first


async def first_click(ctx: Context, *, key: str) -> bool:
    """Whether this is the first click of a button that must act once (posting an idea),
    across double-clicks and replicas."""
    async with ctx.db.session() as session:
        return await reply_limits.claim(session=session, key=key, now=datetime.now(UTC), every=ONCE)


def form_key(view: dict) -> str:
    """A form submission's identity: Slack gives each opened form its own ID, and its hash
    changes whenever the form is updated."""
    return f"view:{view.get('id')}:{view.get('hash')}"


async def may_share_idea(ctx: Context, *, author_id: str) -> bool:
    """Whether `author_id` may share one more idea now: at most IDEAS_PER_MINUTE a minute.
    Each idea takes one of that many one-minute slots, each claimed in one statement."""
    now = datetime.now(UTC)
    async with ctx.db.session() as session:
        for slot in range(IDEAS_PER_MINUTE):
            if await reply_limits.claim(
                session=session,
                key=f"ideas:{author_id}:{slot}",
                now=now,
                every=timedelta(minutes=1),
            ):
                return True
    log.info("%s shared %d ideas within a minute; asked to wait", author_id, IDEAS_PER_MINUTE)
    return False
