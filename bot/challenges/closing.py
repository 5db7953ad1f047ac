"""The end of a challenge: the two-day reminder, the close (or one more week when nobody has
answered yet), and asking whoever picks the winners.

Every post is claimed per (job, `#challenge`[:person]) with the exactly-once delivery
(`bot.foundation.delivery`), and every change of state is a compare-and-set on the
challenge's status, so any replica may run these as often as it likes. The state changes
first and the posts follow, here and on every later run: a post Slack did not take, or that a
crash cut short, is made by the next run, once.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.challenges import card, winners
from bot.challenges import closing_blocks as blocks
from bot.challenges import timeline_rules as rules
from bot.challenges.challenge_posts import (
    CLOSE_JOB,
    EXTEND_JOB,
    PICK_JOB,
    PICK_REMINDER_JOB,
    REMINDER_JOB,
    post_in_thread,
)
from bot.foundation.context import Context
from bot.foundation.delivery import Delivery, deliver
from bot.slack.users import LookupFailed, SlackUser
from storage import challenges, themes
from storage.ideas import as_utc
from storage.models import Challenge
from storage.vocabulary import ChallengeStatus

log = logging.getLogger(__name__)


async def _open(ctx: Context) -> list[Challenge]:
    async with ctx.db.session() as session:
        return await challenges.in_status(session=session, statuses=[ChallengeStatus.OPEN])


async def remind(ctx: Context, *, now: datetime) -> list[Delivery]:
    """Two days before the close, once per closing day (an extended challenge gets one more)."""
    deliveries = []
    for challenge in await _open(ctx):
        if not rules.reminder_due(
            opens_on=challenge.opens_on, closes_on=challenge.closes_on, now=now, tz=ctx.settings.tz
        ):
            continue
        async with ctx.db.session() as session:
            turnout = await challenges.turnout(session=session, challenge_id=challenge.id or 0)
        message = blocks.reminder(challenge, ideas=turnout.ideas)
        step = ":extended" if challenge.extended else ""
        deliveries.append(
            await post_in_thread(
                ctx, challenge, job=REMINDER_JOB, message=message, now=now, step=step
            )
        )
    return deliveries


async def close_due(ctx: Context, *, now: datetime) -> list[Delivery]:
    """Close every open challenge whose closing moment has come: with ideas, it moves to
    closed (the posts follow in `follow_up`); without, it gets one more week, once, and after
    that it ends quietly."""
    deliveries = []
    changed: list[int] = []
    for challenge in await _open(ctx):
        cid = challenge.id or 0
        if not rules.close_due(closes_on=challenge.closes_on, now=now, tz=ctx.settings.tz):
            continue
        async with ctx.db.session() as session:
            turnout = await challenges.turnout(session=session, challenge_id=cid)
            if turnout.ideas:
                if await challenges.move(
                    session=session,
                    challenge_id=cid,
                    from_status=ChallengeStatus.OPEN,
                    to_status=ChallengeStatus.CLOSED,
                    closed_at=now,
                ):
                    changed.append(cid)
                continue
            if not challenge.extended:
                until = rules.extended_until(challenge.closes_on)
                if await challenges.extend(
                    session=session, challenge_id=cid, closes_on=challenge.closes_on, until=until
                ):
                    log.info("challenge %s had no ideas; it stays open until %s", cid, until)
                    changed.append(cid)
                continue
            ended = await challenges.move(
                session=session,
                challenge_id=cid,
                from_status=ChallengeStatus.OPEN,
                to_status=ChallengeStatus.DECIDED,
                closed_at=now,
                decided_at=now,
                decided_by=None,
            )
        if ended:
            log.info("challenge %s closed without ideas, even after one more week", cid)
            changed.append(cid)
    # The card shows the new deadline, or that it is closed and takes no more ideas.
    for cid in changed:
        await card.redraw(ctx, cid)
    # The extension's post: at once for those extended just now, and again on every run
    # until Slack takes it.
    for challenge in await _open(ctx):
        if challenge.extended and not rules.close_due(
            closes_on=challenge.closes_on, now=now, tz=ctx.settings.tz
        ):
            message = blocks.extension(challenge, until=challenge.closes_on)
            deliveries.append(
                await post_in_thread(ctx, challenge, job=EXTEND_JOB, message=message, now=now)
            )
    return deliveries


def _can_pick(user: SlackUser | None) -> bool:
    return user is not None and not user.is_bot and not user.deleted


async def who_picks(ctx: Context, challenge: Challenge) -> list[str]:
    """The sponsor; if they left or are a bot, the theme's owner; else the admins still here.
    Raises `LookupFailed` when Slack cannot say who is still here."""
    if _can_pick(await ctx.users.get(challenge.sponsor_id)):
        return [challenge.sponsor_id]
    owner_id = None
    if challenge.theme_id is not None:
        async with ctx.db.session() as session:
            theme = await themes.get_theme(session=session, theme_id=challenge.theme_id)
        owner_id = theme.owner_id if theme is not None else None
    owner_active = owner_id is not None and _can_pick(await ctx.users.get(owner_id))
    admins = [] if owner_active else sorted(ctx.settings.admin_user_ids)
    active_admins = [admin for admin in admins if _can_pick(await ctx.users.get(admin))]
    return rules.who_picks(
        sponsor_id=challenge.sponsor_id,
        sponsor_active=False,
        owner_id=owner_id,
        owner_active=owner_active,
        active_admins=active_admins,
    )


async def follow_up(ctx: Context, *, now: datetime) -> list[Delivery]:
    """For every closed challenge: the close post, the Pick winners DM, the reminder a week
    later and the people's choice a week after that, each once and each when due."""
    async with ctx.db.session() as session:
        closed = await challenges.in_status(session=session, statuses=[ChallengeStatus.CLOSED])
    deliveries: list[Delivery] = []
    for challenge in closed:
        try:
            deliveries += await _follow_up(ctx, challenge, now=now)
        except LookupFailed as error:
            log.warning(
                "challenge %s: who picks its winners is unknown for now: %s", challenge.id, error
            )
    return deliveries


async def _follow_up(ctx: Context, challenge: Challenge, *, now: datetime) -> list[Delivery]:
    cid = challenge.id or 0
    pickers = await who_picks(ctx, challenge)
    async with ctx.db.session() as session:
        turnout = await challenges.turnout(session=session, challenge_id=cid)
        authors = {
            idea.author_id
            for idea, _ in await challenges.entries(session=session, challenge_id=cid)
        }
    message = blocks.closed(challenge, ideas=turnout.ideas, people=len(authors), pickers=pickers)
    deliveries = [await post_in_thread(ctx, challenge, job=CLOSE_JOB, message=message, now=now)]
    closed_at = as_utc(challenge.closed_at or now)
    if not pickers or rules.peoples_choice_due(closed_at=closed_at, now=now):
        log.info("challenge %s: no winners picked; the people's choice is announced", cid)
        return deliveries + await winners.peoples_choice(ctx, challenge, now=now)
    again = rules.pick_reminder_due(closed_at=closed_at, now=now)
    for picker in pickers:
        deliveries.append(await _ask_to_pick(ctx, challenge, picker, job=PICK_JOB, now=now))
        if again:
            deliveries.append(
                await _ask_to_pick(ctx, challenge, picker, job=PICK_REMINDER_JOB, now=now)
            )
    return deliveries


async def _ask_to_pick(
    ctx: Context, challenge: Challenge, picker: str, *, job: str, now: datetime
) -> Delivery:
    async def compose() -> dict:
        top = await winners.ranked(ctx, challenge.id or 0, limit=rules.TOP_FOR_SPONSOR)
        return blocks.pick_request(challenge, top, picker=picker, again=job == PICK_REMINDER_JOB)

    return await deliver(
        ctx, job=job, period=f"#{challenge.id}:{picker}", channel=picker, compose=compose, now=now
    )
