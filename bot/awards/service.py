"""Job `monthly-awards`: choose, keep and announce the month's awards, then congratulate.

Results are computed once per period and kept (table `awards`); the announcement is built
from what was kept, so a retry or a late vote never changes who won. They are computed from
complete inputs only: a profile or a card's reactions that Slack cannot give, even when asked
again, stop the run (`NotReady`) with nothing kept or posted, and the next sweep tries again.
One Slack error at 10:00 on the 1st must not decide the winners for good.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from typing import TypeVar

from slack_sdk.errors import SlackApiError

from bot.awards import blocks, rules, weighing
from bot.core import periods
from bot.foundation.context import Context
from bot.foundation.delivery import Delivery, NotReady, deliver
from bot.ideas import anonymity
from bot.slack.posting import SLACK_FAILURES, error_code
from bot.slack.users import LookupFailed
from bot.votes.rules import base_emoji
from storage import awards as store
from storage import ideas
from storage.ideas import as_utc
from storage.models import Award

log = logging.getLogger(__name__)

JOB = "monthly-awards"
# A read the results depend on is asked again once after this pause (the client has already
# retried rate limits and server errors by then) before the run gives up until the next sweep.
READ_RETRY_PAUSE = 1.0

CARD_GONE = frozenset({"message_not_found", "channel_not_found"})

T = TypeVar("T")


@dataclass
class AwardsReport:
    delivery: Delivery
    congratulated: int = 0
    failed_dms: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = self.delivery.summary()
        if self.congratulated:
            text += f"; congratulated {self.congratulated} winner(s)"
        if self.failed_dms:
            text += f"; could not DM {', '.join(self.failed_dms)} (tried again next run)"
        return text + "."


async def run(
    ctx: Context,
    *,
    now: datetime,
    period: str | None = None,
    take_skipped: bool = True,
    moment: datetime | None = None,
) -> AwardsReport:
    """Announce `period` (default: the month before `moment`, the time it is scheduled for, in
    TIMEZONE) once, and congratulate winners. `now` is the clock, for the claims."""
    period = period or periods.previous_month((moment or now).astimezone(ctx.settings.tz))
    periods.parse_month(period)
    delivery = await deliver(
        ctx,
        job=JOB,
        period=period,
        channel=ctx.settings.awards_channel,
        compose=lambda: announcement(ctx, period),
        now=now,
        take_skipped=take_skipped,
    )
    report = AwardsReport(delivery)
    if delivery.delivered:
        await _congratulate(ctx, period, now, report)
    log.info(report.summary())
    return report


async def announcement(ctx: Context, period: str) -> dict:
    awards, numbers = await results(ctx, period)
    return blocks.announcement(
        period=period,
        awards=store.by_category(awards),
        numbers=numbers,
        ideas_channel=ctx.settings.ideas_channel,
    )


async def results(ctx: Context, period: str) -> tuple[list[Award], blocks.Numbers]:
    """The kept results of `period`, computing and keeping them on first use."""
    start, end = periods.month_bounds(period, ctx.settings.tz)
    previous = _month_before(period)
    # Counted on a connection of its own meanwhile: PostgreSQL gives it another core.
    counting = asyncio.create_task(_turnout(ctx, start, end))
    try:
        async with ctx.db.session() as session:
            kept = await store.for_period(session=session, period=period)
            last = {
                category: await store.winner(session=session, period=previous, category=category)
                for category in rules.CATEGORIES
            }
            idea_candidates = [] if kept else await weighing.candidates(session, start, end, last)
            learnings = (
                []
                if kept
                else await store.learnings_shared_between(session=session, start=start, end=end)
            )
    except BaseException:
        counting.cancel()
        raise
    turnout = await counting
    numbers = blocks.Numbers(
        ideas=turnout.ideas, voters=turnout.voters, departments=turnout.departments or None
    )
    if kept:
        return kept, numbers

    learning_candidates = [
        rules.Candidate(
            key=learning.id or 0,
            author_id=learning.author_id,
            title=learning.learned,
            permalink=learning.permalink,
            votes=await _learning_votes(
                ctx, learning.channel_id, learning.message_ts, learning.author_id
            ),
            departments=None,
            reached_at=as_utc(learning.created_at),
        )
        for learning, _ in learnings
    ]
    ideas = rules.podium(
        rules.rank_ideas(idea_candidates), last_winner=last[rules.IDEA_OF_THE_MONTH]
    )
    sparks = rules.podium(
        rules.rank_sparks(idea_candidates, excluding=ideas[0].key if ideas else None),
        last_winner=last[rules.CROSS_FUNCTIONAL_SPARK],
    )
    async with ctx.db.session() as session:
        cards = await store.idea_cards(session=session, idea_ids=[c.key for c in ideas + sparks])
    ideas, sparks = (
        [replace(c, title=cards[c.key][0], permalink=cards[c.key][1]) for c in podium]
        for podium in (ideas, sparks)
    )
    lessons = rules.podium(
        rules.rank_learnings(learning_candidates), last_winner=last[rules.LEARNING_OF_THE_MONTH]
    )
    chosen = [
        _award(period, rules.IDEA_OF_THE_MONTH, rank, c, idea=True)
        for rank, c in enumerate(ideas, start=1)
    ]
    chosen += [
        _award(
            period, rules.CROSS_FUNCTIONAL_SPARK, rank, replace(c, departments=c.spark), idea=True
        )
        for rank, c in enumerate(sparks, start=1)
    ]
    chosen += [
        _award(period, rules.LEARNING_OF_THE_MONTH, rank, c, idea=False)
        for rank, c in enumerate(lessons, start=1)
    ]
    async with ctx.db.session() as session:
        await store.keep(session=session, awards=chosen)
        kept = await store.for_period(session=session, period=period)
    return kept, numbers


async def _turnout(ctx: Context, start: datetime, end: datetime) -> store.Turnout:
    async with ctx.db.session() as session:
        return await store.turnout(session=session, start=start, end=end)


def _award(
    period: str, category: str, rank: int, candidate: rules.Candidate, *, idea: bool
) -> Award:
    return Award(
        period=period,
        category=category,
        rank=rank,
        idea_id=candidate.key if idea else None,
        learning_id=None if idea else candidate.key,
        winner_id=candidate.author_id,
        title=candidate.title,
        permalink=candidate.permalink,
        votes=candidate.votes,
        departments=candidate.departments,
    )


def _month_before(period: str) -> str:
    year, month = periods.parse_month(period)
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


async def _read(what: str, read: Callable[[], Awaitable[T]]) -> T:
    """One input of the results: asked again once after a pause, then `NotReady`."""
    for attempt in range(2):
        try:
            return await read()
        except LookupFailed as error:
            problem = str(error)
        except SLACK_FAILURES as error:
            problem = error_code(error)
        if attempt == 0:
            log.info("could not read %s (%s); asking again", what, problem)
            await asyncio.sleep(READ_RETRY_PAUSE)
    raise NotReady(f"could not read {what}: {problem}")


async def _learning_votes(ctx: Context, channel: str | None, ts: str | None, author_id: str) -> int:
    """Distinct people (not the author, not bots) who reacted to the learning card with a
    vote emoji. `NotReady` when Slack cannot show the reactions or say who reacted."""
    if not channel or not ts:
        return 0

    async def reactions() -> dict:
        try:
            response = await ctx.client.reactions_get(channel=channel, timestamp=ts, full=True)
        except SlackApiError as error:
            if error.response.get("error") in CARD_GONE:
                return {}  # a deleted card has no votes: that is a fact, not a failure
            raise
        return response.data if isinstance(response.data, dict) else {}

    response = await _read(f"the reactions on the learning card {channel}/{ts}", reactions)
    emojis = set(ctx.settings.vote_emojis)
    people = {
        user
        for reaction in (response.get("message") or {}).get("reactions") or []
        if base_emoji(reaction.get("name", "")) in emojis
        for user in reaction.get("users") or []
        if user != author_id
    }
    counted = 0
    for person in sorted(people):
        user = await _read(f"the profile of {person}", partial(ctx.users.get, person))
        counted += user is not None and not user.is_bot and not user.deleted
    return counted


async def _winner_to_tell(ctx: Context, award: Award) -> str | None:
    """Who hears of the award: its winner, or the real author of an anonymous idea."""
    if not anonymity.is_anonymous_id(award.winner_id):
        return award.winner_id
    async with ctx.db.session() as session:
        idea = await ideas.get_idea(session=session, idea_id=award.idea_id or 0)
    return await anonymity.author_to_tell(ctx, idea) if idea is not None else None


async def _congratulate(ctx: Context, period: str, now: datetime, report: AwardsReport) -> None:
    """One DM per winning award, claimed before sending; a refused DM is tried next run."""
    async with ctx.db.session() as session:
        winners = [a for a in await store.for_period(session=session, period=period) if a.rank == 1]
    for award in winners:
        if award.congratulated_at is not None:
            continue
        async with ctx.db.session() as session:
            if not await store.claim_congratulation(
                session=session, award_id=award.id or 0, now=now
            ):
                continue
        to = await _winner_to_tell(ctx, award)
        if to is None:
            continue  # an anonymous idea whose author row is gone: nobody to tell
        try:
            await ctx.client.chat_postMessage(channel=to, **blocks.congratulations(award))
        except SLACK_FAILURES as error:
            async with ctx.db.session() as session:
                await store.release_congratulation(session=session, award_id=award.id or 0)
            report.failed_dms.append(f"{award.winner_id} ({error_code(error)})")
            continue
        report.congratulated += 1
