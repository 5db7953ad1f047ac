"""Job `introductions` (INTRODUCTIONS=on): a group DM between an idea's author and two people
from two other departments who offered to help on it, while the idea has no experiment yet.

The rules are in `introduction_rules`. Each introduction is claimed in the database before
the group DM opens: the introduction (unique per idea and people) and each person's seat for
the ISO week (unique per person and week), in one transaction. So the job may run hourly, on
any number of replicas: the same people are never introduced about the same idea twice, and
nobody more than once a week. The message goes out through `deliver`, exactly once; one Slack
did not take is sent by the next run of the same week, and dropped (logged) after it.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from bot.foundation.context import Context
from bot.foundation.delivery import IN_PROGRESS, NotReady, deliver
from bot.offers import introduction_blocks as blocks
from bot.offers import introduction_rules as rules
from bot.slack.posting import SLACK_FAILURES, error_code
from bot.slack.users import LookupFailed
from storage import introductions as store
from storage import offers as offers_store
from storage import people as people_store
from storage.models import Idea
from storage.team_models import Introduction

log = logging.getLogger(__name__)

JOB = "introductions"
DELIVERY_JOB = "introduction"
AUTHOR_AWAY = "author not available now"
TOO_FEW = "fewer than two helpers from other departments available now"
TAKEN = "people introduced elsewhere first"
SENT, FAILED, ELSEWHERE = "sent", "failed", "elsewhere"


@dataclass
class IntroductionReport:
    introduced: int = 0
    sent_again: int = 0
    failed: int = 0
    dropped: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        text = (
            f"{JOB}: introduced {self.introduced}, sent after an earlier failure "
            f"{self.sent_again}, failed {self.failed} (sent by the next run this week), "
            f"dropped after their week {self.dropped}"
        )
        if self.skipped:
            text += "; ideas skipped: " + ", ".join(
                f"{reason} {count}" for reason, count in sorted(self.skipped.items())
            )
        return text + "."


class _People:
    """Who may be in an introduction now, each person looked up once per run."""

    def __init__(self, ctx: Context, now: datetime, seated: set[str]) -> None:
        self._ctx, self._now, self.seated = ctx, now, seated
        self._at_work: dict[str, bool] = {}

    async def at_work(self, user_id: str) -> bool:
        """A person (not a bot, not deactivated) within their working hours and days now."""
        if user_id not in self._at_work:
            self._at_work[user_id] = await self._look_up(user_id)
        return self._at_work[user_id]

    async def free(self, user_id: str) -> bool:
        """At work and not introduced to anyone yet this week."""
        return user_id not in self.seated and await self.at_work(user_id)

    async def _look_up(self, user_id: str) -> bool:
        try:
            person = await self._ctx.users.get(user_id)
        except LookupFailed as error:
            log.warning(
                "%s: could not look up %s (%s); the next run tries again", JOB, user_id, error
            )
            return False
        if person is None or person.deleted or person.is_bot:
            return False
        settings = self._ctx.settings
        return rules.at_work(
            self._now.astimezone(person.timezone(settings.tz)),
            work_start=settings.work_start,
            work_end=settings.work_end,
            work_days=settings.work_days,
        )


async def run(ctx: Context, *, now: datetime) -> IntroductionReport:
    report = IntroductionReport()
    if not ctx.settings.introductions:
        log.info("%s: INTRODUCTIONS is off, so nobody is introduced", JOB)
        return report
    week = rules.week_of(now.astimezone(ctx.settings.tz))
    async with ctx.db.session() as session:
        seated = await store.seated(session=session, week=week)
    people = _People(ctx, now, seated)
    await _send_unsent(ctx, people, week=week, now=now, report=report)
    async with ctx.db.session() as session:
        ideas = await store.ideas_to_introduce(session=session, departments=rules.HELPERS)
    for idea in ideas:
        await _introduce(ctx, people, idea, week=week, now=now, report=report)
    log.info(report.summary())
    return report


async def _introduce(
    ctx: Context,
    people: _People,
    idea: Idea,
    *,
    week: str,
    now: datetime,
    report: IntroductionReport,
) -> None:
    assert idea.id is not None
    async with ctx.db.session() as session:
        offers = await offers_store.standing(session=session, idea_id=idea.id)
        muted = await store.muted(session=session, idea_id=idea.id)
        done = await store.introduced(session=session, idea_id=idea.id)
        inactive = await people_store.inactive(
            session=session, user_ids=[idea.author_id, *(offer.helper_id for offer in offers)]
        )
    unreachable = muted | inactive
    if idea.author_id in unreachable or not await people.free(idea.author_id):
        report.skipped[AUTHOR_AWAY] += 1
        return
    helpers = [
        helper
        for helper in rules.from_other_departments(
            ((offer.helper_id, offer.department) for offer in offers),
            author_id=idea.author_id,
            author_department=idea.author_department,
        )
        if helper.user_id not in unreachable and await people.free(helper.user_id)
    ]
    pair = rules.pick_pair(helpers, author_id=idea.author_id, introduced=done)
    if pair is None:
        report.skipped[TOO_FEW] += 1
        return
    members = [idea.author_id, *(helper.user_id for helper in pair)]
    async with ctx.db.session() as session:
        introduction = await store.claim(
            session=session, idea_id=idea.id, people=members, week=week, now=now
        )
    if introduction is None:
        report.skipped[TAKEN] += 1
        return
    people.seated.update(members)
    outcome = await _send(ctx, introduction, now=now)
    if outcome == SENT:
        report.introduced += 1
    elif outcome == FAILED:
        report.failed += 1


async def _send_unsent(
    ctx: Context, people: _People, *, week: str, now: datetime, report: IntroductionReport
) -> None:
    """Introductions claimed earlier whose message Slack did not take: sent again while
    their week lasts and everyone in them is at work, dropped after it."""
    async with ctx.db.session() as session:
        unsent = await store.unsent(session=session)
    for introduction in unsent:
        assert introduction.id is not None
        if introduction.week != week:
            async with ctx.db.session() as session:
                await store.drop(session=session, introduction_id=introduction.id)
            log.warning(
                "%s: the introduction of %s about idea #%s never reached Slack in %s; dropped",
                JOB,
                introduction.people,
                introduction.idea_id,
                introduction.week,
            )
            report.dropped += 1
            continue
        if not all([await people.at_work(user) for user in introduction.people.split(",")]):
            continue
        outcome = await _send(ctx, introduction, now=now)
        if outcome == SENT:
            report.sent_again += 1
        elif outcome == FAILED:
            report.failed += 1


async def _send(ctx: Context, introduction: Introduction, *, now: datetime) -> str:
    """Open the group DM and post the introduction in it, once; record where it is."""
    assert introduction.id is not None
    try:
        opened = await ctx.client.conversations_open(users=introduction.people)
    except SLACK_FAILURES as error:
        log.warning(
            "%s: could not open the group DM of %s (%s); the next run tries again",
            JOB,
            introduction.people,
            error_code(error),
        )
        return FAILED
    channel = str(opened["channel"]["id"])

    async def compose() -> dict:
        return await _message(ctx, introduction)

    # The week keeps the key unique even if a dropped introduction's id is used again.
    delivery = await deliver(
        ctx,
        job=DELIVERY_JOB,
        period=f"{introduction.id}:{introduction.week}",
        channel=channel,
        compose=compose,
        now=now,
    )
    if delivery.outcome == IN_PROGRESS:
        return ELSEWHERE
    if not delivery.delivered:
        return FAILED
    async with ctx.db.session() as session:
        await store.record_sent(
            session=session,
            introduction_id=introduction.id,
            channel_id=delivery.channel_id or channel,
            message_ts=delivery.message_ts or "",
        )
    return SENT


async def _message(ctx: Context, introduction: Introduction) -> dict:
    people = introduction.people.split(",")
    async with ctx.db.session() as session:
        idea = await store.idea(session=session, idea_id=introduction.idea_id)
        if idea is None:
            raise NotReady(f"idea #{introduction.idea_id} is gone")
        offers = [
            offer
            for user_id in people
            if user_id != idea.author_id
            and (
                offer := await offers_store.get_offer(
                    session=session, idea_id=introduction.idea_id, helper_id=user_id
                )
            )
            is not None
        ]
    offers.sort(key=lambda offer: (offer.created_at, offer.id or 0))
    assert idea.id is not None
    return blocks.message(
        idea_id=idea.id,
        idea_text=idea.text,
        permalink=idea.permalink,
        author_id=idea.author_id,
        author_department=idea.author_department,
        helpers=[
            blocks.Introduced(offer.helper_id, offer.department, offer.kinds, offer.what)
            for offer in offers
        ],
    )
