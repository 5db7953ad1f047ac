"""Experiments in the open: starting them, their updates, and the learning they leave.

Every concluded experiment leaves a written learning, and an invalidated hypothesis is
presented as the useful result it is. The rules live in `bot.experiments.rules`.

Everything an experiment posts is stored first and delivered exactly once
(`bot.experiments.lab_posts`).
"""

from __future__ import annotations

import logging
from datetime import date

from bot.core.typed import parse_id
from bot.experiments import blocks, lab_posts
from bot.experiments.rules import ExperimentDraft, can_manage, refusal
from bot.foundation import retried_posts
from bot.foundation.context import Context
from bot.statuses import service as idea_status
from storage import experiments, ideas, teams
from storage.models import Experiment, Idea, Learning
from storage.vocabulary import ExperimentStatus

log = logging.getLogger(__name__)


async def idea_to_test(ctx: Context, idea_ref: str) -> tuple[Idea | None, str | None]:
    """The idea an experiment form names, if any, or why the number names none."""
    idea_id = parse_id(idea_ref)
    if idea_id is None:
        return None, None
    async with ctx.db.session() as session:
        idea = await ideas.get_idea(session=session, idea_id=idea_id)
    if idea is None:
        return None, f"There is no idea #{idea_id}. Leave it empty, or fix it."
    return idea, None


async def managed_by(
    ctx: Context, *, experiment_id: int | None, user_id: str, running: bool = False
) -> tuple[Experiment | None, str | None]:
    """The experiment if `user_id` may manage it, judged by the owner on record and the team
    as it is now (a click or a form cannot forge either), and, with `running`, if it has not
    ended; otherwise None and why not, in words for that person."""
    experiment, team = None, []
    if experiment_id is not None:
        async with ctx.db.session() as session:
            experiment = await experiments.get_experiment(
                session=session, experiment_id=experiment_id
            )
            team = await teams.member_ids(session=session, experiment_id=experiment_id)
    if experiment is None:
        return None, "This experiment no longer exists."
    if not can_manage(user_id, experiment.owner_id, ctx.settings.admin_user_ids, frozenset(team)):
        return None, refusal(experiment.id or 0, experiment.owner_id)
    if running and experiment.status != ExperimentStatus.RUNNING:
        return None, f"Experiment #{experiment.id} is already {experiment.status}."
    return experiment, None


async def start(
    ctx: Context, *, started_by: str, draft: ExperimentDraft, idea: Idea | None
) -> tuple[Experiment, lab_posts.Posted]:
    """Store the experiment with its team, post its card, tell the idea's thread, and move the
    idea to "experimenting" like any status change (history, DMs to its author and voters)."""
    async with ctx.db.session() as session:
        experiment = await experiments.create_experiment(
            session=session,
            hypothesis=draft.hypothesis.strip(),
            metric=draft.metric.strip(),
            owner_id=draft.owner_id,
            started_by=started_by,
            ends_on=draft.ends_on or date.today(),
            idea_id=idea.id if idea else None,
        )
        if draft.team:
            await teams.change(
                session=session,
                experiment_id=experiment.id or 0,
                team=draft.team,
                changed_by=started_by,
            )
    posted = await lab_posts.post_card(ctx, experiment, idea)
    if idea is not None:
        await idea_status.experiment_started(
            ctx, idea=idea, experiment=experiment, started_by=started_by
        )
    return experiment, posted


async def post_update(
    ctx: Context, *, experiment: Experiment, author_id: str, text: str
) -> lab_posts.Posted:
    """Store the update once and thread it under the experiment card. If Slack does not
    take it now (or the card itself is not posted yet), it is posted later, still once."""
    async with ctx.db.session() as session:
        update = await experiments.add_update(
            session=session, experiment_id=experiment.id or 0, author_id=author_id, text=text
        )
    if not experiment.message_ts:
        return lab_posts.Posted(False, error=lab_posts.CARD_NOT_POSTED)
    return await lab_posts.deliver_update(ctx, experiment, update)


async def conclude(
    ctx: Context,
    *,
    experiment: Experiment,
    author_id: str,
    outcome: str,
    learned: str,
    next_step: str,
) -> tuple[Learning | None, lab_posts.Posted]:
    """Record the learning (once), post its card, and close the loop in both threads."""
    async with ctx.db.session() as session:
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
    experiment.status = ExperimentStatus.CONCLUDED
    return learning, await lab_posts.post_learning(ctx, experiment, learning)


async def cancel(ctx: Context, *, experiment_id: int, cancelled_by: str) -> Experiment | None:
    """Cancel a running experiment, mark its card, tell the idea's thread, and move the idea
    back where it stood if no other experiment tests it. None when it had already ended."""
    async with ctx.db.session() as session:
        experiment = await experiments.cancel(session=session, experiment_id=experiment_id)
        idea = (
            await ideas.get_idea(session=session, idea_id=experiment.idea_id)
            if experiment is not None and experiment.idea_id
            else None
        )
    if experiment is None:
        return None
    await lab_posts.redraw_card(
        ctx,
        experiment,
        await lab_posts.experiment_card(ctx, experiment, idea, cancelled_by=cancelled_by),
    )
    await lab_posts.tell_idea_thread(
        ctx,
        idea,
        job=retried_posts.EXPERIMENT_CANCELLED_REPLY,
        key=experiment.id,
        message=blocks.experiment_cancelled_reply(experiment, cancelled_by=cancelled_by),
    )
    await idea_status.experiment_cancelled(ctx, experiment=experiment, cancelled_by=cancelled_by)
    return experiment
