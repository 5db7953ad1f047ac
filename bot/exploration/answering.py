"""A person answers the exploration question, or links the time to an experiment.

The answer is stored on their check-in for the week the question was about, and the DM is
redrawn in place with the thanks and the buttons still there to change it. Until that week
ends, in their timezone; after, the answer stays and they are told so. Clicking twice, on
one replica or two, stores the same answer once.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.core import typed
from bot.exploration import blocks, rules
from bot.foundation.context import Context
from bot.slack.posting import SLACK_FAILURES, error_code
from bot.slack.users import LookupFailed
from storage import exploration as store
from storage.models import Experiment
from storage.people_models import ExplorationCheckin

log = logging.getLogger(__name__)

UNKNOWN_ANSWER = "I didn't understand that answer. Please pick one of the buttons in the question."


async def answer(
    ctx: Context, *, user_id: str, value: str, now: datetime | None = None
) -> str | None:
    """Store the answer a button sent (`2026-W49:2_4h`). A private note for the person when
    the redrawn question cannot say it all, else None."""
    week, said = blocks.parse_value(value)
    chosen = rules.parse_answer(said)
    if chosen is None or not week:
        return UNKNOWN_ANSWER
    return await _change(ctx, user_id, week, now or datetime.now(UTC), answer=chosen)


async def link_experiment(
    ctx: Context, *, user_id: str, value: str, now: datetime | None = None
) -> str | None:
    """Link the week's exploration to the experiment picked (`2026-W49:12`)."""
    week, picked = blocks.parse_value(value)
    experiment_id = typed.parse_id(picked)
    if experiment_id is None or not week:
        return "I didn't understand that choice. Please pick an experiment from the list."
    return await _change(ctx, user_id, week, now or datetime.now(UTC), experiment_id=experiment_id)


async def _change(
    ctx: Context,
    user_id: str,
    week: str,
    now: datetime,
    *,
    answer: str | None = None,
    experiment_id: int | None = None,
) -> str | None:
    async with ctx.db.session() as session:
        checkin = await store.checkin(session=session, user_id=user_id, week=week)
    if checkin is None or checkin.id is None:
        return (
            f"I have no exploration question for you about week {week}. "
            "Members of the exploration groups are asked on Friday afternoons."
        )
    if not rules.may_change(week, local_now=now.astimezone(await _timezone(ctx, user_id))):
        return blocks.week_closed(week, checkin.answer)
    async with ctx.db.session() as session:
        experiments = await store.running_experiments_of(session=session, user_id=user_id)
        if experiment_id is not None:
            if experiment_id not in {experiment.id for experiment in experiments}:
                return (
                    f"Experiment #{experiment_id} is not a running experiment of yours, so I "
                    "can't link your exploration time to it."
                )
            await store.record_experiment(
                session=session, checkin_id=checkin.id, experiment_id=experiment_id
            )
        if answer is not None:
            await store.record_answer(
                session=session, checkin_id=checkin.id, answer=answer, now=now
            )
    async with ctx.db.session() as session:
        stored = await store.checkin(session=session, user_id=user_id, week=week)
    # Read back rather than assumed: a click on another replica may have changed it since.
    return await _redraw(ctx, stored or checkin, experiments)


async def _redraw(
    ctx: Context, checkin: ExplorationCheckin, experiments: list[Experiment]
) -> str | None:
    """Show the stored answer in the question itself; where that fails, say it privately."""
    shown = blocks.Checkin(
        week=checkin.week,
        answer=checkin.answer,
        experiments=experiments,
        experiment_id=checkin.experiment_id,
    )
    saved = blocks.thanks(checkin.answer) if checkin.answer else "Saved."
    if not (checkin.channel_id and checkin.message_ts):
        return saved
    try:
        await ctx.client.chat_update(
            channel=checkin.channel_id, ts=checkin.message_ts, **blocks.question(shown)
        )
    except SLACK_FAILURES as error:
        log.warning(
            "could not redraw %s's exploration question: %s", checkin.user_id, error_code(error)
        )
        return saved
    return None


async def _timezone(ctx: Context, user_id: str) -> ZoneInfo:
    try:
        person = await ctx.users.get(user_id)
    except LookupFailed:
        person = None
    return person.timezone(ctx.settings.tz) if person is not None else ctx.settings.tz
