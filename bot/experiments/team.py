"""Experiment teams: people from any department working an experiment with its owner.

The team is picked when the experiment starts (prefilled with the people who offered help on
the idea) and changed later by the owner or an admin; members post updates and conclude like
the owner. Every change is a row (`storage.teams`), told once in the card's thread, and the
card is redrawn with the team as it is now. The rules live in `bot.experiments.rules`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from slack_sdk.models.views import View

from bot.core.clock import today
from bot.experiments import forms, lab_posts, rules, team_blocks, team_members
from bot.foundation import retried_posts
from bot.foundation.context import Context
from bot.ideas import anonymity
from storage import experiments, ideas, offers, teams
from storage import people as people_store
from storage.models import Experiment
from storage.team_models import TeamChange
from storage.vocabulary import ExperimentStatus

log = logging.getLogger(__name__)


async def helpers_for(ctx: Context, idea_id: int | None) -> list[str]:
    """Who offered help on the idea and is still here, first offer first: the team the
    experiment form suggests."""
    if idea_id is None:
        return []
    async with ctx.db.session() as session:
        helpers = await offers.helper_ids(session=session, idea_id=idea_id)
        gone = await people_store.inactive(session=session, user_ids=helpers)
    return [helper for helper in helpers if helper not in gone]


async def form_for_idea(
    ctx: Context, *, owner_id: str, idea_id: int | None, team: Sequence[str] | None = None
) -> View:
    """The experiment form started from an idea (or from none): the idea shown picked in its
    menu with its summary, and the team suggested from its helpers unless `team` is given."""
    idea = None
    if idea_id is not None:
        async with ctx.db.session() as session:
            idea = await ideas.get_idea(session=session, idea_id=idea_id)
    owns_anonymously = (
        idea is not None
        and anonymity.is_anonymous(idea)
        and await anonymity.author_to_tell(ctx, idea) == owner_id
    )
    return forms.new_experiment_form(
        owner_id=owner_id,
        today=today(ctx.settings.tz),
        idea_id=idea_id,
        idea_text=idea.text if idea is not None else "",
        team=await helpers_for(ctx, idea_id) if team is None else team,
        owner_hint=forms.ANONYMOUS_OWNER_HINT if owns_anonymously else forms.OWNER_HINT,
    )


async def running_experiment_for_idea(ctx: Context, idea_id: int) -> Experiment | None:
    """The experiment testing the idea now (the latest started, if several are)."""
    async with ctx.db.session() as session:
        return await teams.running_for_idea(session=session, idea_id=idea_id)


async def checked_team(
    ctx: Context, *, owner_id: str, team: Sequence[str]
) -> tuple[list[str], dict[str, str]]:
    """The team as picked, without the owner, and the problems with it for the form's team
    field: too many people, bots or deactivated accounts (named). Slack is asked who they are
    within the form's few seconds."""
    picked = rules.team_without_owner(team, owner_id)
    problem = rules.team_size_problem(picked)
    if problem is None:
        unfit = await team_members.unfit(ctx, picked)
        problem = " ".join(unfit[user_id] for user_id in picked if user_id in unfit) or None
    return picked, {rules.Field.TEAM: problem} if problem else {}


async def checked_draft(
    ctx: Context, draft: rules.ExperimentDraft
) -> tuple[rules.ExperimentDraft, dict[str, str]]:
    """The experiment form's draft with its team checked (see `checked_team`)."""
    picked, problems = await checked_team(ctx, owner_id=draft.owner_id, team=draft.team)
    return replace(draft, team=tuple(picked)), problems


async def team_changer(
    ctx: Context, *, experiment_id: int | None, user_id: str
) -> tuple[Experiment | None, str | None]:
    """The running experiment whose team `user_id` may change (its owner or an admin), or
    None and why not, in words for them."""
    experiment = None
    if experiment_id is not None:
        async with ctx.db.session() as session:
            experiment = await experiments.get_experiment(
                session=session, experiment_id=experiment_id
            )
    if experiment is None:
        return None, "This experiment no longer exists."
    if not rules.can_change_team(user_id, experiment.owner_id, ctx.settings.admin_user_ids):
        return None, rules.team_refusal(experiment.id or 0, experiment.owner_id)
    if experiment.status != ExperimentStatus.RUNNING:
        return None, f"Experiment #{experiment.id} is already {experiment.status}."
    return experiment, None


async def team_form(ctx: Context, *, experiment_id: int | None, user_id: str) -> View | str:
    """The team form for the experiment, prefilled with its team; or why `user_id` may not
    change it."""
    experiment, refusal = await team_changer(ctx, experiment_id=experiment_id, user_id=user_id)
    if experiment is None:
        return refusal or "Please try again."
    async with ctx.db.session() as session:
        team = await teams.member_ids(session=session, experiment_id=experiment.id or 0)
    return team_blocks.team_form(experiment.id or 0, team)


async def set_team(
    ctx: Context, *, experiment: Experiment, team: Sequence[str], changed_by: str
) -> list[TeamChange]:
    """Make the team `team` (checked already): who joins and who leaves is recorded, told
    in the card's thread, and the card redrawn. The changes made."""
    async with ctx.db.session() as session:
        changes = await teams.change(
            session=session, experiment_id=experiment.id or 0, team=team, changed_by=changed_by
        )
    await _show(ctx, experiment, changes)
    return changes


async def add_members(
    ctx: Context, *, experiment: Experiment, user_ids: Sequence[str], changed_by: str
) -> list[str]:
    """Add these people to a running experiment's team (an invitation from the idea's author,
    say): who actually joined. Members already, the owner, bots and deactivated accounts are
    skipped, and so is everyone once the experiment has ended."""
    if experiment.status != ExperimentStatus.RUNNING:
        return []
    wanted = rules.team_without_owner(user_ids, experiment.owner_id)
    unfit = await team_members.unfit(ctx, wanted)
    wanted = [user_id for user_id in wanted if user_id not in unfit]
    if not wanted:
        return []
    async with ctx.db.session() as session:
        changes = await teams.change(
            session=session,
            experiment_id=experiment.id or 0,
            team=wanted,
            changed_by=changed_by,
            keep_others=True,
        )
    await _show(ctx, experiment, changes)
    return [change.user_id for change in changes]


async def _show(ctx: Context, experiment: Experiment, changes: Sequence[TeamChange]) -> None:
    """Tell each change once in the card's thread and redraw the card. A card not posted yet
    shows the team when it is."""
    if not changes or not experiment.channel_id or not experiment.message_ts:
        return
    for change in changes:
        await retried_posts.post_once(
            ctx,
            job=retried_posts.TEAM_CHANGE_REPLY,
            key=str(change.id),
            channel=experiment.channel_id,
            thread_ts=experiment.message_ts,
            message=team_blocks.team_note(
                user_id=change.user_id, joined=change.joined, changed_by=change.changed_by
            ),
        )
    async with ctx.db.session() as session:
        idea = (
            await ideas.get_idea(session=session, idea_id=experiment.idea_id)
            if experiment.idea_id
            else None
        )
    await lab_posts.redraw_card(
        ctx, experiment, await lab_posts.experiment_card(ctx, experiment, idea)
    )
