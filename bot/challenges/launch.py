"""Opening a challenge: its card is posted once, claimed as (`challenge-open`, `#id`) with the
exactly-once delivery (`bot.foundation.delivery`), then recorded and the challenge moved from
scheduled to open.

A challenge that opens today is opened as soon as it is saved; one that opens later is opened
by the challenges job (`open_due`) at OPENING_TIME on its day. A card Slack did not take is
posted by the next run, once; a card Slack took but whose recording was lost (a crash between
the two) is found by its claim and recorded, never posted twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.challenges import blocks, rules
from bot.core.clock import today
from bot.foundation.context import Context
from bot.foundation.delivery import Delivery, deliver
from bot.slack.answers import dm
from bot.slack.posting import permalink
from storage import challenges, themes
from storage.ideas import as_utc
from storage.models import Challenge
from storage.vocabulary import ChallengeStatus

log = logging.getLogger(__name__)

JOB = "challenge-open"


def period_of(challenge: Challenge) -> str:
    return f"#{challenge.id}"


async def compose_card(ctx: Context, challenge: Challenge, *, now: datetime) -> dict:
    """The card as it stands: its theme, its ideas and voters so far."""
    async with ctx.db.session() as session:
        theme = (
            await themes.get_theme(session=session, theme_id=challenge.theme_id)
            if challenge.theme_id
            else None
        )
        turnout = await challenges.turnout(session=session, challenge_id=challenge.id or 0)
        won = (
            await challenges.winners(session=session, challenge_id=challenge.id or 0)
            if challenge.status == ChallengeStatus.DECIDED
            else []
        )
    return blocks.card(
        challenge,
        theme=theme,
        turnout=turnout,
        today=today(ctx.settings.tz, now=now),
        winners=won,
    )


async def open_challenge(ctx: Context, challenge: Challenge, *, now: datetime) -> Delivery:
    """Post the card (once) and move the challenge to open. Whoever moves it tells the person
    who started it; a card Slack did not take is left for the next run."""

    async def compose() -> dict:
        return await compose_card(ctx, challenge, now=now)

    delivery = await deliver(
        ctx,
        job=JOB,
        period=period_of(challenge),
        channel=challenge.target_channel,
        compose=compose,
        now=now,
    )
    if not delivery.delivered or not delivery.channel_id or not delivery.message_ts:
        log.warning("challenge %s is not open yet: %s", challenge.id, delivery.summary())
        return delivery
    link = await permalink(ctx.client, delivery.channel_id, delivery.message_ts)
    async with ctx.db.session() as session:
        moved = await challenges.move(
            session=session,
            challenge_id=challenge.id or 0,
            from_status=ChallengeStatus.SCHEDULED,
            to_status=ChallengeStatus.OPEN,
            channel_id=delivery.channel_id,
            message_ts=delivery.message_ts,
            permalink=link,
        )
    if moved:
        challenge.status = ChallengeStatus.OPEN
        challenge.channel_id, challenge.message_ts = delivery.channel_id, delivery.message_ts
        challenge.permalink = link
        log.info("challenge %s is open: %s", challenge.id, link)
        await dm(ctx.client, challenge.created_by, blocks.opened(challenge))
    return delivery


async def open_due(ctx: Context, *, now: datetime) -> list[Delivery]:
    """Open every scheduled challenge whose opening moment has come (or passed, while the bot
    was down). Safe to run from every replica, as often as it likes."""
    async with ctx.db.session() as session:
        scheduled = await challenges.in_status(
            session=session, statuses=[ChallengeStatus.SCHEDULED]
        )
    tz = ctx.settings.tz
    due = [
        c
        for c in scheduled
        if rules.is_due(
            c.opens_on, created_on=as_utc(c.created_at).astimezone(tz).date(), now=now, tz=tz
        )
    ]
    return [await open_challenge(ctx, challenge, now=now) for challenge in due]


async def launch(ctx: Context, challenge: Challenge, *, now: datetime) -> None:
    """Just after the form is saved: a challenge opening today opens now; otherwise its
    starter hears when it will."""
    if not rules.opens_at_once(challenge.opens_on, today=today(ctx.settings.tz, now=now)):
        await dm(ctx.client, challenge.created_by, blocks.scheduled(challenge))
        return
    delivery = await open_challenge(ctx, challenge, now=now)
    if not delivery.delivered:
        error = delivery.error or delivery.outcome
        await dm(ctx.client, challenge.created_by, blocks.scheduled(challenge, posted_error=error))
