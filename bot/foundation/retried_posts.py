"""Replies and DMs that need nothing done once they are in Slack: a reply in an idea's
thread, a status DM. Each is claimed like a scheduled post (`bot.foundation.delivery`), so it is
posted once however often it is asked for, and one that Slack refused is posted again by the
one-minute retry (`post_pending`) until Slack takes it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.foundation.context import Context
from bot.foundation.delivery import deliver, redeliver

STATUS_REPLY = "status-reply"
STATUS_DM = "status-dm"
EXPERIMENT_STARTED_REPLY = "experiment-started-reply"
EXPERIMENT_CANCELLED_REPLY = "experiment-cancelled-reply"
LEARNING_REPLY = "learning-reply"
# An idea posted by the one-minute retry, or refused for good: its author hears once.
IDEA_OUTCOME_DM = "idea-outcome-dm"
# The first visit to the Messages tab: one welcome per person, ever.
WELCOME_DM = "welcome-dm"
# A theme owner's weekly list of ideas waiting for a first decision (`bot.themes.reviews`).
THEME_REVIEW_DM = "theme-review"
# Someone joined or left an experiment's team: told once in the card's thread.
TEAM_CHANGE_REPLY = "team-change-reply"
# The learning card, by DM to each member of the experiment's team.
LEARNING_DM = "learning-dm"
# The batched DM telling an idea's author who offered help (`bot.offers.notes`), and the
# author's thanks to a helper.
HELP_OFFERS_DM = "help-offers-dm"
HELP_THANKS_DM = "help-thanks-dm"
# A message attached to an idea (**Add to an idea**), quoted in the idea's thread.
EVIDENCE_REPLY = "evidence-reply"
# An idea marked a duplicate: the reply in its thread, and the DM to each voter and its author.
DUPLICATE_REPLY = "duplicate-reply"
DUPLICATE_DM = "duplicate-dm"
JOBS = (
    STATUS_REPLY,
    STATUS_DM,
    EXPERIMENT_STARTED_REPLY,
    EXPERIMENT_CANCELLED_REPLY,
    LEARNING_REPLY,
    IDEA_OUTCOME_DM,
    WELCOME_DM,
    THEME_REVIEW_DM,
    TEAM_CHANGE_REPLY,
    LEARNING_DM,
    HELP_OFFERS_DM,
    HELP_THANKS_DM,
    EVIDENCE_REPLY,
    DUPLICATE_REPLY,
    DUPLICATE_DM,
)


async def post_once(
    ctx: Context,
    *,
    job: str,
    key: str,
    channel: str,
    message: dict,
    thread_ts: str | None = None,
) -> bool:
    """Post `message` for (`job`, `key`) unless it is posted already; whether it is in Slack.
    A refusal is logged by the delivery and retried by `post_pending`."""

    async def compose() -> dict:
        return message

    delivery = await deliver(
        ctx,
        job=job,
        period=key,
        channel=channel,
        thread_ts=thread_ts,
        compose=compose,
        now=datetime.now(UTC),
    )
    return delivery.delivered


async def post_pending(ctx: Context) -> int:
    """Post again every reply and DM Slack refused earlier; how many went out."""
    deliveries = await redeliver(ctx, jobs=JOBS, now=datetime.now(UTC))
    return sum(delivery.delivered for delivery in deliveries)
