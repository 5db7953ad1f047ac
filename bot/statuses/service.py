"""Changing an idea's status and closing the loop: the post, its thread, and the people.

The change is stored with its reason first; then the post is refreshed (status badge, owner,
closed to new votes), a threaded reply says what happened and why, and the author and voters
are told by DM (`bot.statuses.notices`). Starting an experiment on an idea, and cancelling the
last one, are changes like any other, made by whoever clicked.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.foundation import retried_posts
from bot.foundation.context import Context
from bot.slack.text import truncate
from bot.statuses import blocks, rules
from storage import experiments, ideas, statuses
from storage.models import Experiment, Idea, StatusChange
from storage.vocabulary import ExperimentStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Changed:
    """The outcome of a status change: the change, or the problem that stopped it."""

    change: StatusChange | None = None
    idea: Idea | None = None
    problem: str | None = None


async def change_status(
    ctx: Context,
    *,
    idea_id: int,
    to: str,
    reason: str,
    changed_by: str,
    owner_id: str | None = None,
    experiment_id: int | None = None,
    thread_reply: bool = True,
) -> Changed:
    """Apply one status change, if the rules allow it, and close the loop. `thread_reply`
    is False where the caller says in the idea's thread what happened in its own words."""
    async with ctx.db.session() as session:
        idea = await ideas.get_idea(session=session, idea_id=idea_id)
        if idea is None:
            return Changed(problem=f"There is no idea #{idea_id}. `/idea top all` lists them.")
        problem = rules.change_problem(current=idea.status, to=to, reason=reason)
        if problem is not None:
            return Changed(idea=idea, problem=problem)
        change = await statuses.change_status(
            session=session,
            idea_id=idea_id,
            expected=idea.status,
            to=to,
            reason=reason.strip(),
            changed_by=changed_by,
            owner_id=owner_id,
            experiment_id=experiment_id,
        )
    if change is None:
        return Changed(idea=idea, problem="Someone changed this idea just now. Please try again.")
    idea.status = to
    if owner_id:
        idea.owner_id = owner_id
    if idea.channel_id and idea.message_ts:
        ctx.signals.idea_changed(idea)
        if thread_reply:
            await retried_posts.post_once(
                ctx,
                job=retried_posts.STATUS_REPLY,
                key=str(change.id),
                channel=idea.channel_id,
                thread_ts=idea.message_ts,
                message=blocks.thread_reply(change),
            )
    ctx.signals.status_changed(change.id or 0)
    return Changed(change=change, idea=idea)


async def experiment_started(
    ctx: Context, *, idea: Idea, experiment: Experiment, started_by: str
) -> Changed | None:
    """The idea is now "experimenting", unless it already is or is closed (an experiment on
    a shipped idea changes nothing about it). The idea's thread hears of the experiment from
    its card (`bot.experiments`), so the change adds no reply of its own."""
    if idea.status in rules.CLOSED or idea.status == rules.EXPERIMENTING:
        return None
    return await change_status(
        ctx,
        idea_id=idea.id or 0,
        to=rules.EXPERIMENTING,
        reason=f"Experiment #{experiment.id}: {truncate(experiment.hypothesis, 300)}",
        changed_by=started_by,
        experiment_id=experiment.id,
        thread_reply=False,
    )


async def experiment_cancelled(
    ctx: Context, *, experiment: Experiment, cancelled_by: str
) -> Changed | None:
    """When the idea's last running experiment is cancelled, the idea goes back to the status
    it had before it became "experimenting", provided a cancelled experiment made it so. An
    idea an admin moved to "experimenting", or whose experimenting began with an experiment
    that concluded, was already experimenting before this one started, and stays so."""
    if experiment.idea_id is None:
        return None
    async with ctx.db.session() as session:
        idea = await ideas.get_idea(session=session, idea_id=experiment.idea_id)
        if idea is None or idea.status != rules.EXPERIMENTING:
            return None
        if await experiments.running_on_idea(session=session, idea_id=experiment.idea_id):
            return None
        latest = await statuses.latest_change(session=session, idea_id=experiment.idea_id)
        if latest is None or latest.to_status != rules.EXPERIMENTING:
            # Experiments started before status changes were recorded moved the idea without
            # a trace: it stood where its last recorded change had left it.
            before = latest.to_status if latest is not None else rules.NEW
        else:
            began = (
                await experiments.get_experiment(
                    session=session, experiment_id=latest.experiment_id
                )
                if latest.experiment_id is not None
                else None
            )
            if began is None or began.status != ExperimentStatus.CANCELLED:
                return None
            before = latest.from_status
    return await change_status(
        ctx,
        idea_id=experiment.idea_id,
        to=before,
        reason=f"Experiment #{experiment.id} was cancelled.",
        changed_by=cancelled_by,
        experiment_id=experiment.id,
        thread_reply=False,
    )
