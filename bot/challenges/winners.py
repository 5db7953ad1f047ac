"""Picking a challenge's winners, and announcing them.

The sponsor (or the theme's owner or an admin, standing in) ticks up to three ideas in the
Pick winners form. Submitting it moves the challenge from closed to decided and marks the
winners in one compare-and-set, so a double submit, or a submit racing the people's choice,
announces once. The announcement (`challenge-winners`, `#id`) and each winner's DM
(`challenge-won`, `#id:idea`) are claimed posts: made once, and again by the next run of the
challenges job if Slack did not take them.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from slack_sdk.models.views import View

from bot.challenges import card
from bot.challenges import closing_blocks as blocks
from bot.challenges import timeline_rules as rules
from bot.challenges.challenge_posts import CLOSE_JOB, WINNERS_JOB, WON_JOB, post, post_in_thread
from bot.foundation.context import Context
from bot.foundation.delivery import Delivery
from bot.ideas import anonymity
from bot.slack.users import LookupFailed
from storage import challenges, themes
from storage.models import Challenge
from storage.vocabulary import ChallengeStatus

log = logging.getLogger(__name__)

# A decided challenge's posts are checked by the job this long after the decision: long
# enough to outlast a Slack outage, short enough not to read old challenges forever.
FOLLOW_DECIDED_FOR = timedelta(days=2)

GONE = "This challenge no longer exists."
NOT_YOURS = (
    "Only the challenge's sponsor picks its winners (its theme's owner or a Lightbulb admin "
    "may stand in). Want to back an idea? Vote for it with a reaction on its post."
)


def _still_open(challenge: Challenge) -> str:
    return (
        f"This challenge takes ideas until {blocks.day(challenge.closes_on)} at "
        f"{rules.CLOSING_HOUR}:00; you can pick its winners once it closes."
    )


async def ranked(ctx: Context, challenge_id: int, *, limit: int) -> list[blocks.Entry]:
    """The challenge's `limit` ideas with the most votes, with how many departments their
    voters came from when they voted."""
    async with ctx.db.session() as session:
        entries = (await challenges.entries(session=session, challenge_id=challenge_id))[:limit]
        departments = await challenges.departments_by_entry(
            session=session, challenge_id=challenge_id
        )
    return [blocks.Entry(idea, votes, departments.get(idea.id or 0)) for idea, votes in entries]


async def _challenge(ctx: Context, challenge_id: int | None) -> Challenge | None:
    if not challenge_id:
        return None
    async with ctx.db.session() as session:
        return await challenges.get_challenge(session=session, challenge_id=challenge_id)


async def _may_pick(ctx: Context, challenge: Challenge, user_id: str) -> bool:
    owner_id = None
    if challenge.theme_id is not None:
        async with ctx.db.session() as session:
            theme = await themes.get_theme(session=session, theme_id=challenge.theme_id)
        owner_id = theme.owner_id if theme is not None else None
    return rules.may_pick(
        user_id,
        sponsor_id=challenge.sponsor_id,
        theme_owner_id=owner_id,
        admins=ctx.settings.admin_user_ids,
    )


async def _refusal(ctx: Context, challenge: Challenge | None, user_id: str) -> str | None:
    """Why this person cannot pick this challenge's winners now; None when they can."""
    if challenge is None:
        return GONE
    if not await _may_pick(ctx, challenge, user_id):
        return NOT_YOURS
    if challenge.status == ChallengeStatus.DECIDED:
        return rules.ALREADY_DECIDED
    if challenge.status != ChallengeStatus.CLOSED:
        return _still_open(challenge)
    return None


async def pick_form(ctx: Context, *, challenge_id: int | None, user_id: str) -> View | str:
    """The Pick winners form, or why this person gets none."""
    challenge = await _challenge(ctx, challenge_id)
    refusal = await _refusal(ctx, challenge, user_id)
    if refusal is not None or challenge is None:
        return refusal or GONE
    async with ctx.db.session() as session:
        entries = await challenges.entries(session=session, challenge_id=challenge.id or 0)
    return blocks.pick_form(challenge, [blocks.Entry(idea, votes) for idea, votes in entries])


async def pick(
    ctx: Context,
    *,
    challenge_id: int | None,
    user_id: str,
    idea_ids: list[int],
    now: datetime,
) -> str | None:
    """Record the winners picked in the form; what is wrong, for the form, or None once they
    are recorded (then `announce`)."""
    challenge = await _challenge(ctx, challenge_id)
    refusal = await _refusal(ctx, challenge, user_id)
    if refusal is not None or challenge is None:
        return refusal or GONE
    cid = challenge.id or 0
    async with ctx.db.session() as session:
        entries = await challenges.entries(session=session, challenge_id=cid)
    problem = rules.winners_problem(idea_ids, entries=[idea.id or 0 for idea, _ in entries])
    if problem is not None:
        return problem
    async with ctx.db.session() as session:
        decided = await challenges.decide(
            session=session, challenge_id=cid, idea_ids=idea_ids, decided_by=user_id, now=now
        )
    if not decided:
        return rules.ALREADY_DECIDED
    await card.redraw(ctx, cid)
    return None


async def peoples_choice(ctx: Context, challenge: Challenge, *, now: datetime) -> list[Delivery]:
    """Nobody picked: the idea with the most votes wins (the earlier one on a tie); no idea
    wins when none has a vote."""
    cid = challenge.id or 0
    async with ctx.db.session() as session:
        entries = await challenges.entries(session=session, challenge_id=cid)
        top = [idea.id or 0 for idea, votes in entries[:1] if votes > 0]
        decided = await challenges.decide(
            session=session, challenge_id=cid, idea_ids=top, decided_by=None, now=now
        )
    if not decided:
        return []
    await card.redraw(ctx, cid)
    return await announce(ctx, cid, now=now)


async def announce(
    ctx: Context, challenge_id: int, *, now: datetime, note: str = "", redraw: bool = True
) -> list[Delivery]:
    """The winners in the card's thread and the channel, and a DM to each winning author;
    with `redraw`, the winners' posts are redrawn to show their win."""
    challenge = await _challenge(ctx, challenge_id)
    if challenge is None or challenge.status != ChallengeStatus.DECIDED:
        return []
    async with ctx.db.session() as session:
        won = await challenges.winners(session=session, challenge_id=challenge_id)
        entries = await challenges.entries(session=session, challenge_id=challenge_id)
    votes = {idea.id: count for idea, count in entries}
    if redraw:
        for idea in won:
            ctx.signals.idea_changed(idea)
    message = blocks.announcement(
        challenge,
        sorted(
            (blocks.Entry(idea, votes.get(idea.id, 0)) for idea in won),
            key=lambda entry: (-entry.votes, entry.idea.id or 0),
        ),
        picked_by=challenge.decided_by,
        note=note,
    )
    deliveries = [await post_in_thread(ctx, challenge, job=WINNERS_JOB, message=message, now=now)]
    for idea in won:
        # The real author, also of an anonymous idea: the DM is theirs alone.
        author_id = await anonymity.author_to_tell(ctx, idea)
        if author_id is None:
            continue
        try:
            author = await ctx.users.get(author_id)
        except LookupFailed as error:
            log.warning("idea %s: its author's DM waits: %s", idea.id, error)
            continue
        if author is None or author.deleted:
            continue
        deliveries.append(
            await post(
                ctx,
                job=WON_JOB,
                period=f"#{challenge_id}:{idea.id}",
                channel=author_id,
                message=blocks.won(challenge, idea, peoples_choice=challenge.decided_by is None),
                now=now,
            )
        )
    return deliveries


async def follow_decided(ctx: Context, *, now: datetime) -> list[Delivery]:
    """The posts of challenges decided lately that Slack has not taken yet."""
    async with ctx.db.session() as session:
        decided = await challenges.decided_since(session=session, since=now - FOLLOW_DECIDED_FOR)
        counts = {
            c.id or 0: (await challenges.turnout(session=session, challenge_id=c.id or 0)).ideas
            for c in decided
        }
    deliveries: list[Delivery] = []
    for challenge in decided:
        if counts[challenge.id or 0]:
            deliveries += await announce(ctx, challenge.id or 0, now=now, redraw=False)
        else:
            message = blocks.closed_without_ideas(challenge)
            deliveries.append(
                await post_in_thread(ctx, challenge, job=CLOSE_JOB, message=message, now=now)
            )
    return deliveries
