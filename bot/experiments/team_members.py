"""Who may be on an experiment's team, and the learning card sent to the team by DM.

Used by the posts in the lab (`lab_posts`) and the team service (`team`), which posts in the
lab itself: here, below both, so neither imports the other back."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.experiments import rules
from bot.foundation import retried_posts
from bot.foundation.context import Context
from bot.slack.modals import FORM_CHECK_SECONDS
from storage import people as people_store
from storage import teams
from storage.models import Experiment, Learning

log = logging.getLogger(__name__)


async def unfit(
    ctx: Context, user_ids: Sequence[str], *, wait: float = FORM_CHECK_SECONDS
) -> dict[str, str]:
    """Those of `user_ids` who are bots or deactivated accounts, each with why in words: as
    Slack says (its answers are cached, so it is asked within `wait`) or as the people table
    says (refreshed daily), whichever knows. Someone neither knows is taken to be a person."""
    wanted = list(dict.fromkeys(user_ids))
    if not wanted:
        return {}
    known = await ctx.users.some(wanted, look_up=len(wanted), wait=wait)
    async with ctx.db.session() as session:
        gone = await people_store.inactive(session=session, user_ids=wanted)
    problems: dict[str, str] = {}
    for user_id in wanted:
        user = known.get(user_id)
        name = user.name if user is not None else user_id
        if user is not None and user.is_bot:
            problems[user_id] = rules.unfit_problem(name, bot=True)
        elif (user is not None and user.deleted) or user_id in gone:
            problems[user_id] = rules.unfit_problem(name, bot=False)
    return problems


async def share_learning(
    ctx: Context, experiment: Experiment, learning: Learning, card: dict
) -> int:
    """The learning card by DM to the owner and each member of the team, except whoever
    concluded, bots and deactivated accounts; once each, however often this runs (a refused
    DM is sent by the one-minute retry). How many went out now."""
    async with ctx.db.session() as session:
        team = await teams.member_ids(session=session, experiment_id=experiment.id or 0)
    people = [
        user_id
        for user_id in dict.fromkeys([experiment.owner_id, *team])
        if user_id != learning.author_id
    ]
    left_out = await unfit(ctx, people)
    sent = 0
    for user_id in people:
        if user_id in left_out:
            continue
        sent += await retried_posts.post_once(
            ctx,
            job=retried_posts.LEARNING_DM,
            key=f"{learning.id}:{user_id}",
            channel=user_id,
            message=card,
        )
    if left_out:
        log.info("learning %s not sent to %d bots or departed people", learning.id, len(left_out))
    return sent
