"""Posting experiments in the experiments channel, each exactly once: the card, updates in
its thread, the learning card, and the replies in the idea's thread; and posting again, from
the one-minute retry (`post_missing`), what Slack refused."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.experiments import blocks, team_members
from bot.foundation import retried_posts
from bot.foundation.context import Context
from bot.foundation.delivery import deliver
from bot.slack.posting import SLACK_FAILURES, permalink
from storage import experiments, ideas, teams
from storage.models import Experiment, ExperimentUpdate, Idea, Learning

log = logging.getLogger(__name__)

CARD_JOB = "experiment-card"
UPDATE_JOB = "experiment-update"
LEARNING_JOB = "learning-card"
CARD_NOT_POSTED = "card_not_posted"


@dataclass(frozen=True)
class Posted:
    ok: bool
    permalink: str | None = None
    error: str | None = None


async def _post_in_lab(
    ctx: Context,
    *,
    job: str,
    key: int | None,
    compose: Callable[[], Awaitable[dict]],
    what: str,
) -> tuple[str, str, str | None] | Posted:
    """Post a card to the experiments channel once, claimed as (`job`, `key`): where it is
    and its permalink, or the failed `Posted` when Slack has not taken it yet."""
    delivery = await deliver(
        ctx,
        job=job,
        period=str(key),
        channel=ctx.settings.experiments_channel,
        compose=compose,
        now=datetime.now(UTC),
    )
    if not delivery.delivered or not delivery.channel_id or not delivery.message_ts:
        log.warning("the card of %s is not posted yet: %s", what, delivery.summary())
        return Posted(False, error=delivery.error or delivery.outcome)
    link = await permalink(ctx.client, delivery.channel_id, delivery.message_ts)
    return delivery.channel_id, delivery.message_ts, link


async def post_card(ctx: Context, experiment: Experiment, idea: Idea | None) -> Posted:
    """Post the experiment's card once, however often this is called and from however many
    processes: the card is a scheduled-style post claimed as (`experiment-card`, id)."""

    async def card() -> dict:
        return await experiment_card(ctx, experiment, idea)

    posted = await _post_in_lab(
        ctx, job=CARD_JOB, key=experiment.id, compose=card, what=f"experiment {experiment.id}"
    )
    if isinstance(posted, Posted):
        return posted
    channel_id, message_ts, link = posted
    async with ctx.db.session() as session:
        await experiments.record_card(
            session=session,
            experiment_id=experiment.id or 0,
            channel_id=channel_id,
            message_ts=message_ts,
            permalink=link,
        )
    experiment.channel_id, experiment.message_ts = channel_id, message_ts
    experiment.permalink = link
    await tell_idea_thread(
        ctx,
        idea,
        job=retried_posts.EXPERIMENT_STARTED_REPLY,
        key=experiment.id,
        message=blocks.experiment_started_reply(experiment),
    )
    return Posted(True, permalink=link)


async def deliver_update(ctx: Context, experiment: Experiment, update: ExperimentUpdate) -> Posted:
    async def reply() -> dict:
        return blocks.update_reply(author_id=update.author_id, text=update.text)

    delivery = await deliver(
        ctx,
        job=UPDATE_JOB,
        period=str(update.id),
        channel=experiment.channel_id or ctx.settings.experiments_channel,
        thread_ts=experiment.message_ts,
        compose=reply,
        now=datetime.now(UTC),
    )
    if not delivery.delivered or not delivery.message_ts:
        return Posted(False, error=delivery.error or delivery.outcome)
    async with ctx.db.session() as session:
        await experiments.record_update_post(
            session=session, update_id=update.id or 0, message_ts=delivery.message_ts
        )
    return Posted(True)


async def post_learning(ctx: Context, experiment: Experiment, learning: Learning) -> Posted:
    """Post the learning card once, claimed as (`learning-card`, id) and findable by its
    message metadata; then show the learning on the experiment card and in the idea's thread."""
    async with ctx.db.session() as session:
        idea = (
            await ideas.get_idea(session=session, idea_id=experiment.idea_id)
            if experiment.idea_id
            else None
        )

    async def card() -> dict:
        return blocks.learning_card(experiment, learning, idea)

    posted = await _post_in_lab(
        ctx,
        job=LEARNING_JOB,
        key=learning.id,
        compose=card,
        what=f"the learning of experiment {experiment.id}",
    )
    if isinstance(posted, Posted):
        return posted
    channel_id, message_ts, link = posted
    async with ctx.db.session() as session:
        await experiments.record_learning_post(
            session=session,
            learning_id=learning.id or 0,
            channel_id=channel_id,
            message_ts=message_ts,
            permalink=link,
        )
    learning.channel_id, learning.message_ts = channel_id, message_ts
    learning.permalink = link
    await redraw_card(
        ctx, experiment, await experiment_card(ctx, experiment, idea, learning=learning)
    )
    await tell_idea_thread(
        ctx,
        idea,
        job=retried_posts.LEARNING_REPLY,
        key=learning.id,
        message=blocks.learning_reply(learning, experiment),
    )
    await team_members.share_learning(ctx, experiment, learning, await card())
    return Posted(True, permalink=link)


async def post_missing(ctx: Context) -> int:
    """Post what Slack did not take the first time: experiment cards, then the updates and
    learning cards that go with them. How many went out."""
    async with ctx.db.session() as session:
        cards = await experiments.without_card(session=session)
        linked = {
            e.id: await ideas.get_idea(session=session, idea_id=e.idea_id)
            for e in cards
            if e.idea_id
        }
    posted = 0
    for experiment in cards:
        posted += (await post_card(ctx, experiment, linked.get(experiment.id))).ok
    async with ctx.db.session() as session:
        updates = await experiments.unposted_updates(session=session)
        learnings = await experiments.unposted_learnings(session=session)
    for experiment, update in updates:
        posted += (await deliver_update(ctx, experiment, update)).ok
    for experiment, learning in learnings:
        posted += (await post_learning(ctx, experiment, learning)).ok
    return posted


async def experiment_card(
    ctx: Context,
    experiment: Experiment,
    idea: Idea | None,
    *,
    learning: Learning | None = None,
    cancelled_by: str | None = None,
) -> dict:
    """The experiment's card as it stands, with its team as it is now."""
    async with ctx.db.session() as session:
        team = await teams.members(session=session, experiment_id=experiment.id or 0)
    return blocks.experiment_card(
        experiment, idea, learning=learning, cancelled_by=cancelled_by, team=team
    )


async def redraw_card(ctx: Context, experiment: Experiment, card: dict) -> None:
    """Show the card's new state; the change stands even if Slack cannot show it now."""
    if not experiment.channel_id or not experiment.message_ts:
        return
    try:
        await ctx.client.chat_update(
            channel=experiment.channel_id, ts=experiment.message_ts, **card
        )
    except SLACK_FAILURES as error:
        log.warning("could not redraw the card of experiment %s: %r", experiment.id, error)


async def tell_idea_thread(
    ctx: Context, idea: Idea | None, *, job: str, key: int | None, message: dict
) -> None:
    if idea is None or not idea.channel_id or not idea.message_ts:
        return
    await retried_posts.post_once(
        ctx,
        job=job,
        key=str(key),
        channel=idea.channel_id,
        thread_ts=idea.message_ts,
        message=message,
    )
