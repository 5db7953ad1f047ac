"""Experiments in the open: starting them, their updates, and the learning they leave.

Every concluded experiment leaves a written learning, and an invalidated hypothesis is
presented as the useful result it is. The rules live in `bot.experiment_rules`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.experiment_rules import ExperimentDraft, can_manage, refusal
from bot.runtime import Runtime
from bot.slack import experiment_blocks
from bot.slack.posting import SLACK_FAILURES, error_code, permalink
from scheduler.delivery import deliver
from storage import experiments, ideas
from storage.models import Experiment, Idea, Learning

log = logging.getLogger(__name__)

CARD_JOB = "experiment-card"


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


async def start(
    runtime: Runtime, *, started_by: str, draft: ExperimentDraft, idea: Idea | None
) -> tuple[Experiment, Posted]:
    """Store the experiment, post its card, and tell the idea's thread."""
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
        if idea is not None:
            await experiments.mark_idea_experimenting(session=session, idea_id=idea.id or 0)
    return experiment, await post_card(runtime, experiment, idea)


async def post_card(runtime: Runtime, experiment: Experiment, idea: Idea | None) -> Posted:
    """Post the experiment's card once, however often this is called and from however many
    processes: the card is a scheduled-style post claimed as (`experiment-card`, id)."""
    delivery = await deliver(
        runtime,
        job=CARD_JOB,
        period=str(experiment.id),
        channel=runtime.settings.experiments_channel,
        compose=lambda: _card(experiment, idea),
        now=datetime.now(UTC),
    )
    if not delivery.delivered or not delivery.channel_id or not delivery.message_ts:
        log.warning(
            "the card of experiment %s is not posted yet: %s", experiment.id, delivery.summary()
        )
        return Posted(False, error=delivery.error or delivery.outcome)
    link = await permalink(runtime.client, delivery.channel_id, delivery.message_ts)
    async with runtime.db.session() as session:
        await experiments.record_card(
            session=session,
            experiment_id=experiment.id or 0,
            channel_id=delivery.channel_id,
            message_ts=delivery.message_ts,
            permalink=link,
        )
    experiment.channel_id, experiment.message_ts = delivery.channel_id, delivery.message_ts
    experiment.permalink = link
    if idea is not None and idea.message_ts:
        await _reply_in_thread(
            runtime, idea, experiment_blocks.experiment_started_reply(experiment)
        )
    return Posted(True, permalink=link)


async def _card(experiment: Experiment, idea: Idea | None) -> dict:
    return experiment_blocks.experiment_card(experiment, idea)


async def post_missing_cards(runtime: Runtime) -> int:
    """Post the cards Slack did not take when their experiments started; how many went out."""
    async with runtime.db.session() as session:
        missing = await experiments.without_card(session=session)
        linked = {
            e.id: await ideas.get_idea(session=session, idea_id=e.idea_id)
            for e in missing
            if e.idea_id
        }
    posted = 0
    for experiment in missing:
        posted += (await post_card(runtime, experiment, linked.get(experiment.id))).ok
    return posted


async def post_update(
    runtime: Runtime, *, experiment: Experiment, author_id: str, text: str
) -> Posted:
    """Store the update and thread it under the experiment card."""
    async with runtime.db.session() as session:
        update = await experiments.add_update(
            session=session, experiment_id=experiment.id or 0, author_id=author_id, text=text
        )
    try:
        response = await runtime.client.chat_postMessage(
            channel=experiment.channel_id or runtime.settings.experiments_channel,
            thread_ts=experiment.message_ts,
            **experiment_blocks.update_reply(author_id=author_id, text=text),
        )
    except SLACK_FAILURES as error:
        log.warning("posting an update to experiment %s failed: %r", experiment.id, error)
        return Posted(False, error=error_code(error))
    async with runtime.db.session() as session:
        await experiments.record_update_post(
            session=session, update_id=update.id or 0, message_ts=response["ts"]
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
        idea = (
            await ideas.get_idea(session=session, idea_id=experiment.idea_id)
            if experiment.idea_id
            else None
        )
    if learning is None:
        return None, Posted(False, error="already_concluded")
    experiment.status = experiments.CONCLUDED
    card = experiment_blocks.learning_card(experiment, learning, idea)
    try:
        response = await runtime.client.chat_postMessage(
            channel=runtime.settings.experiments_channel, **card, unfurl_links=False
        )
    except SLACK_FAILURES as error:
        log.warning("posting the learning of experiment %s failed: %r", experiment.id, error)
        return learning, Posted(False, error=error_code(error))
    link = await permalink(runtime.client, response["channel"], response["ts"])
    async with runtime.db.session() as session:
        await experiments.record_learning_post(
            session=session,
            learning_id=learning.id or 0,
            channel_id=response["channel"],
            message_ts=response["ts"],
            permalink=link,
        )
    learning.permalink = link
    await _redraw_card(
        runtime, experiment, experiment_blocks.experiment_card(experiment, idea, learning=learning)
    )
    if idea is not None and idea.message_ts:
        await _reply_in_thread(
            runtime, idea, experiment_blocks.learning_reply(learning, experiment)
        )
    return learning, Posted(True, permalink=link)


async def _redraw_card(runtime: Runtime, experiment: Experiment, card: dict) -> None:
    """Show the card's new state; the change stands even if Slack cannot show it now."""
    if not experiment.message_ts:
        return
    try:
        await runtime.client.chat_update(
            channel=experiment.channel_id, ts=experiment.message_ts, **card
        )
    except SLACK_FAILURES as error:
        log.warning("could not redraw the card of experiment %s: %r", experiment.id, error)


async def _reply_in_thread(runtime: Runtime, idea: Idea, message: dict) -> None:
    try:
        await runtime.client.chat_postMessage(
            channel=idea.channel_id, thread_ts=idea.message_ts, **message, unfurl_links=False
        )
    except SLACK_FAILURES as error:
        log.warning("could not reply in the thread of idea %s: %r", idea.id, error)


async def cancel(runtime: Runtime, *, experiment_id: int, cancelled_by: str) -> Experiment | None:
    """Cancel a running experiment, mark its card and tell the idea's thread. None when it had
    already ended."""
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
    if idea is not None and idea.message_ts:
        await _reply_in_thread(
            runtime,
            idea,
            experiment_blocks.experiment_cancelled_reply(experiment, cancelled_by=cancelled_by),
        )
    return experiment
