"""Experiments in the open: starting them, their updates, and the learning they leave.

Every concluded experiment leaves a written learning, and an invalidated hypothesis is
presented as the useful result it is. The rules live in `bot.experiment_rules`.

Everything an experiment posts is stored first and delivered exactly once: the card, each
update (in the card's thread), the learning card, and the replies in the idea's thread. What
Slack refuses is posted by the one-minute retry (`post_missing`) once Slack takes it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot import idea_status, retried_posts
from bot.experiment_rules import ExperimentDraft, can_manage, refusal
from bot.runtime import Runtime
from bot.slack import experiment_blocks
from bot.slack.posting import SLACK_FAILURES, permalink
from scheduler.delivery import deliver
from storage import experiments, ideas
from storage.models import Experiment, ExperimentUpdate, Idea, Learning

log = logging.getLogger(__name__)

CARD_JOB = "experiment-card"
UPDATE_JOB = "experiment-update"
LEARNING_JOB = "learning-card"
CARD_NOT_POSTED = "card_not_posted"


async def managed_by(
    runtime: Runtime, *, experiment_id: int | None, user_id: str
) -> tuple[Experiment | None, str | None]:
    """The experiment if `user_id` may manage it, judged by the owner on record (a click or a
    form cannot forge that); otherwise None and why not, in words for that person."""
    experiment = None
    if experiment_id is not None:
        async with runtime.db.session() as session:
            experiment = await experiments.get_experiment(
                session=session, experiment_id=experiment_id
            )
    if experiment is None:
        return None, "This experiment no longer exists."
    if not can_manage(user_id, experiment.owner_id, runtime.settings.admin_user_ids):
        return None, refusal(experiment.id or 0, experiment.owner_id)
    return experiment, None


@dataclass(frozen=True)
class Posted:
    ok: bool
    permalink: str | None = None
    error: str | None = None


async def _post_in_lab(
    runtime: Runtime,
    *,
    job: str,
    key: int | None,
    compose: Callable[[], Awaitable[dict]],
    what: str,
) -> tuple[str, str, str | None] | Posted:
    """Post a card to the experiments channel once, claimed as (`job`, `key`): where it is
    and its permalink, or the failed `Posted` when Slack has not taken it yet."""
    delivery = await deliver(
        runtime,
        job=job,
        period=str(key),
        channel=runtime.settings.experiments_channel,
        compose=compose,
        now=datetime.now(UTC),
    )
    if not delivery.delivered or not delivery.channel_id or not delivery.message_ts:
        log.warning("the card of %s is not posted yet: %s", what, delivery.summary())
        return Posted(False, error=delivery.error or delivery.outcome)
    link = await permalink(runtime.client, delivery.channel_id, delivery.message_ts)
    return delivery.channel_id, delivery.message_ts, link


async def start(
    runtime: Runtime, *, started_by: str, draft: ExperimentDraft, idea: Idea | None
) -> tuple[Experiment, Posted]:
    """Store the experiment, post its card, tell the idea's thread, and move the idea to
    "experimenting" like any status change (history, DMs to its author and voters)."""
    async with runtime.db.session() as session:
        experiment = await experiments.create_experiment(
            session=session,
            hypothesis=draft.hypothesis.strip(),
            metric=draft.metric.strip(),
            owner_id=draft.owner_id,
            started_by=started_by,
            ends_on=draft.ends_on or date.today(),
            idea_id=idea.id if idea else None,
        )
    posted = await post_card(runtime, experiment, idea)
    if idea is not None:
        await idea_status.experiment_started(
            runtime, idea=idea, experiment=experiment, started_by=started_by
        )
    return experiment, posted


async def post_card(runtime: Runtime, experiment: Experiment, idea: Idea | None) -> Posted:
    """Post the experiment's card once, however often this is called and from however many
    processes: the card is a scheduled-style post claimed as (`experiment-card`, id)."""

    async def card() -> dict:
        return experiment_blocks.experiment_card(experiment, idea)

    posted = await _post_in_lab(
        runtime, job=CARD_JOB, key=experiment.id, compose=card, what=f"experiment {experiment.id}"
    )
    if isinstance(posted, Posted):
        return posted
    channel_id, message_ts, link = posted
    async with runtime.db.session() as session:
        await experiments.record_card(
            session=session,
            experiment_id=experiment.id or 0,
            channel_id=channel_id,
            message_ts=message_ts,
            permalink=link,
        )
    experiment.channel_id, experiment.message_ts = channel_id, message_ts
    experiment.permalink = link
    await _tell_idea_thread(
        runtime,
        idea,
        job=retried_posts.EXPERIMENT_STARTED_REPLY,
        key=experiment.id,
        message=experiment_blocks.experiment_started_reply(experiment),
    )
    return Posted(True, permalink=link)


async def post_update(
    runtime: Runtime, *, experiment: Experiment, author_id: str, text: str
) -> Posted:
    """Store the update once and thread it under the experiment card. If Slack does not
    take it now (or the card itself is not posted yet), it is posted later, still once."""
    async with runtime.db.session() as session:
        update = await experiments.add_update(
            session=session, experiment_id=experiment.id or 0, author_id=author_id, text=text
        )
    if not experiment.message_ts:
        return Posted(False, error=CARD_NOT_POSTED)
    return await _deliver_update(runtime, experiment, update)


async def _deliver_update(
    runtime: Runtime, experiment: Experiment, update: ExperimentUpdate
) -> Posted:
    async def reply() -> dict:
        return experiment_blocks.update_reply(author_id=update.author_id, text=update.text)

    delivery = await deliver(
        runtime,
        job=UPDATE_JOB,
        period=str(update.id),
        channel=experiment.channel_id or runtime.settings.experiments_channel,
        thread_ts=experiment.message_ts,
        compose=reply,
        now=datetime.now(UTC),
    )
    if not delivery.delivered or not delivery.message_ts:
        return Posted(False, error=delivery.error or delivery.outcome)
    async with runtime.db.session() as session:
        await experiments.record_update_post(
            session=session, update_id=update.id or 0, message_ts=delivery.message_ts
        )
    return Posted(True)


async def conclude(
    runtime: Runtime,
    *,
    experiment: Experiment,
    author_id: str,
    outcome: str,
    learned: str,
    next_step: str,
) -> tuple[Learning | None, Posted]:
    """Record the learning (once), post its card, and close the loop in both threads."""
    async with runtime.db.session() as session:
        learning = await experiments.conclude(
            session=session,
            experiment_id=experiment.id or 0,
            outcome=outcome,
            learned=learned.strip(),
            next_step=next_step.strip(),
            author_id=author_id,
        )
    if learning is None:
        return None, Posted(False, error="already_concluded")
    experiment.status = experiments.CONCLUDED
    return learning, await post_learning(runtime, experiment, learning)


async def post_learning(runtime: Runtime, experiment: Experiment, learning: Learning) -> Posted:
    """Post the learning card once, claimed as (`learning-card`, id) and findable by its
    message metadata; then show the learning on the experiment card and in the idea's thread."""
    async with runtime.db.session() as session:
        idea = (
            await ideas.get_idea(session=session, idea_id=experiment.idea_id)
            if experiment.idea_id
            else None
        )

    async def card() -> dict:
        return experiment_blocks.learning_card(experiment, learning, idea)

    posted = await _post_in_lab(
        runtime,
        job=LEARNING_JOB,
        key=learning.id,
        compose=card,
        what=f"the learning of experiment {experiment.id}",
    )
    if isinstance(posted, Posted):
        return posted
    channel_id, message_ts, link = posted
    async with runtime.db.session() as session:
        await experiments.record_learning_post(
            session=session,
            learning_id=learning.id or 0,
            channel_id=channel_id,
            message_ts=message_ts,
            permalink=link,
        )
    learning.channel_id, learning.message_ts = channel_id, message_ts
    learning.permalink = link
    await _redraw_card(
        runtime, experiment, experiment_blocks.experiment_card(experiment, idea, learning=learning)
    )
    await _tell_idea_thread(
        runtime,
        idea,
        job=retried_posts.LEARNING_REPLY,
        key=learning.id,
        message=experiment_blocks.learning_reply(learning, experiment),
    )
    return Posted(True, permalink=link)


async def post_missing(runtime: Runtime) -> int:
    """Post what Slack did not take the first time: experiment cards, then the updates and
    learning cards that go with them. How many went out."""
    async with runtime.db.session() as session:
        cards = await experiments.without_card(session=session)
        linked = {
            e.id: await ideas.get_idea(session=session, idea_id=e.idea_id)
            for e in cards
            if e.idea_id
        }
    posted = 0
    for experiment in cards:
        posted += (await post_card(runtime, experiment, linked.get(experiment.id))).ok
    async with runtime.db.session() as session:
        updates = await experiments.unposted_updates(session=session)
        learnings = await experiments.unposted_learnings(session=session)
    for experiment, update in updates:
        posted += (await _deliver_update(runtime, experiment, update)).ok
    for experiment, learning in learnings:
        posted += (await post_learning(runtime, experiment, learning)).ok
    return posted


async def _redraw_card(runtime: Runtime, experiment: Experiment, card: dict) -> None:
    """Show the card's new state; the change stands even if Slack cannot show it now."""
    if not experiment.channel_id or not experiment.message_ts:
        return
    try:
        await runtime.client.chat_update(
            channel=experiment.channel_id, ts=experiment.message_ts, **card
        )
    except SLACK_FAILURES as error:
        log.warning("could not redraw the card of experiment %s: %r", experiment.id, error)


async def _tell_idea_thread(
    runtime: Runtime, idea: Idea | None, *, job: str, key: int | None, message: dict
) -> None:
    if idea is None or not idea.channel_id or not idea.message_ts:
        return
    await retried_posts.post_once(
        runtime,
        job=job,
        key=str(key),
        channel=idea.channel_id,
        thread_ts=idea.message_ts,
        message=message,
    )


async def cancel(runtime: Runtime, *, experiment_id: int, cancelled_by: str) -> Experiment | None:
    """Cancel a running experiment, mark its card, tell the idea's thread, and move the idea
    back where it stood if no other experiment tests it. None when it had already ended."""
    async with runtime.db.session() as session:
        experiment = await experiments.cancel(session=session, experiment_id=experiment_id)
        idea = (
            await ideas.get_idea(session=session, idea_id=experiment.idea_id)
            if experiment is not None and experiment.idea_id
            else None
        )
    if experiment is None:
        return None
    await _redraw_card(
        runtime,
        experiment,
        experiment_blocks.experiment_card(experiment, idea, cancelled_by=cancelled_by),
    )
    await _tell_idea_thread(
        runtime,
        idea,
        job=retried_posts.EXPERIMENT_CANCELLED_REPLY,
        key=experiment.id,
        message=experiment_blocks.experiment_cancelled_reply(experiment, cancelled_by=cancelled_by),
    )
    await idea_status.experiment_cancelled(
        runtime, experiment=experiment, cancelled_by=cancelled_by
    )
    return experiment
