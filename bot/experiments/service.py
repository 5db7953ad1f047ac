"""Experiments in the open: starting them, their updates, and the learning they leave.

Every concluded experiment leaves a written learning, and an invalidated hypothesis is
presented as the useful result it is. The rules live in `bot.experiment_rules`.

Everything an experiment posts is stored first and delivered exactly once (`bot.lab_posts`).
"""

from __future__ import annotations

import logging
from datetime import date

from bot.experiments import blocks, lab_posts
from bot.experiments.rules import ExperimentDraft, can_manage, refusal
from bot.platform import retried_posts
from bot.server.runtime import Runtime
from bot.statuses import service as idea_status
from storage import experiments, ideas
from storage.models import Experiment, Idea, Learning

log = logging.getLogger(__name__)


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


async def start(
    runtime: Runtime, *, started_by: str, draft: ExperimentDraft, idea: Idea | None
) -> tuple[Experiment, lab_posts.Posted]:
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
    posted = await lab_posts.post_card(runtime, experiment, idea)
    if idea is not None:
        await idea_status.experiment_started(
            runtime, idea=idea, experiment=experiment, started_by=started_by
        )
    return experiment, posted


async def post_update(
    runtime: Runtime, *, experiment: Experiment, author_id: str, text: str
) -> lab_posts.Posted:
    """Store the update once and thread it under the experiment card. If Slack does not
    take it now (or the card itself is not posted yet), it is posted later, still once."""
    async with runtime.db.session() as session:
        update = await experiments.add_update(
            session=session, experiment_id=experiment.id or 0, author_id=author_id, text=text
        )
    if not experiment.message_ts:
        return lab_posts.Posted(False, error=lab_posts.CARD_NOT_POSTED)
    return await lab_posts.deliver_update(runtime, experiment, update)


async def conclude(
    runtime: Runtime,
    *,
    experiment: Experiment,
    author_id: str,
    outcome: str,
    learned: str,
    next_step: str,
) -> tuple[Learning | None, lab_posts.Posted]:
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
        return None, lab_posts.Posted(False, error="already_concluded")
    experiment.status = experiments.CONCLUDED
    return learning, await lab_posts.post_learning(runtime, experiment, learning)


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
    await lab_posts.redraw_card(
        runtime,
        experiment,
        blocks.experiment_card(experiment, idea, cancelled_by=cancelled_by),
    )
    await lab_posts.tell_idea_thread(
        runtime,
        idea,
        job=retried_posts.EXPERIMENT_CANCELLED_REPLY,
        key=experiment.id,
        message=blocks.experiment_cancelled_reply(experiment, cancelled_by=cancelled_by),
    )
    await idea_status.experiment_cancelled(
        runtime, experiment=experiment, cancelled_by=cancelled_by
    )
    return experiment
