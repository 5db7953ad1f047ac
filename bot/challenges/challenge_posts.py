"""Where a challenge's posts go, and the jobs they are claimed under.

Each post is claimed per (job, `#challenge`[:step]) with the exactly-once delivery
(`bot.foundation.delivery`); the timeline posts again, once, whatever Slack did not take.
"""

from __future__ import annotations

from datetime import datetime

from bot.foundation.context import Context
from bot.foundation.delivery import Delivery, deliver
from storage.models import Challenge

REMINDER_JOB = "challenge-reminder"
EXTEND_JOB = "challenge-extend"
CLOSE_JOB = "challenge-close"
PICK_JOB = "challenge-pick"
PICK_REMINDER_JOB = "challenge-pick-reminder"
WINNERS_JOB = "challenge-winners"
WON_JOB = "challenge-won"
JOBS = (
    REMINDER_JOB,
    EXTEND_JOB,
    CLOSE_JOB,
    PICK_JOB,
    PICK_REMINDER_JOB,
    WINNERS_JOB,
    WON_JOB,
)


def where(challenge: Challenge) -> tuple[str, str | None]:
    """The card's channel and thread; the target channel alone if the card never made it."""
    if challenge.channel_id and challenge.message_ts:
        return challenge.channel_id, challenge.message_ts
    return challenge.target_channel, None


async def post(
    ctx: Context,
    *,
    job: str,
    period: str,
    channel: str,
    message: dict,
    now: datetime,
    thread_ts: str | None = None,
) -> Delivery:
    """`message` for (job, period), once."""

    async def compose() -> dict:
        return message

    return await deliver(
        ctx,
        job=job,
        period=period,
        channel=channel,
        thread_ts=thread_ts,
        compose=compose,
        now=now,
    )


async def post_in_thread(
    ctx: Context, challenge: Challenge, *, job: str, message: dict, now: datetime, step: str = ""
) -> Delivery:
    """`message` in the challenge card's thread (shown in the channel when it says so), once."""
    channel, thread_ts = where(challenge)
    return await post(
        ctx,
        job=job,
        period=f"#{challenge.id}{step}",
        channel=channel,
        thread_ts=thread_ts,
        message=message,
        now=now,
    )
