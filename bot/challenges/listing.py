"""`/idea challenges` and the Home tab's section: the open challenges, with their deadlines
and turnout, and those opening soon."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.challenges import blocks
from bot.core.clock import today
from bot.foundation.context import Context
from storage import challenges
from storage.challenges import Turnout
from storage.models import Challenge
from storage.vocabulary import ChallengeStatus


@dataclass(frozen=True)
class Board:
    open_now: list[Challenge]
    soon: list[Challenge]
    turnouts: dict[int, Turnout]


async def board(ctx: Context) -> Board:
    """Open challenges, the soonest to close first, with their turnout; and the scheduled."""
    async with ctx.db.session() as session:
        open_now = await challenges.in_status(session=session, statuses=[ChallengeStatus.OPEN])
        soon = await challenges.in_status(session=session, statuses=[ChallengeStatus.SCHEDULED])
        turnouts = {
            c.id or 0: await challenges.turnout(session=session, challenge_id=c.id or 0)
            for c in open_now
        }
    soon.sort(key=lambda c: (c.opens_on, c.id or 0))
    return Board(open_now, soon, turnouts)


async def challenges_command(ctx: Context) -> dict:
    """The private answer to `/idea challenges`."""
    found = await board(ctx)
    return blocks.listing(
        open_now=found.open_now,
        soon=found.soon,
        turnouts=found.turnouts,
        today=today(ctx.settings.tz, now=datetime.now(UTC)),
    )
