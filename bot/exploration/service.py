"""Job `exploration-checkins`: on Friday afternoon in each person's own timezone, a DM asks
the members of `EXPLORATION_GROUPS` how much time they spent exploring that week.

Each person is claimed for the week in the database (their check-in row) before the DM goes,
so however often the job runs, on however many replicas, they are asked once a week. A DM
Slack refused releases the claim and the next run asks again; a process that dies between
the claim and the DM loses that one question, as a missed question is better than a repeated
one. Nobody is reminded: ignoring the question is an answer too.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.exploration import blocks, rules
from bot.foundation.context import Context
from bot.slack.posting import SLACK_FAILURES, error_code
from bot.slack.usergroups import groups_by_handle
from bot.slack.users import LookupFailed
from storage import exploration as store

log = logging.getLogger(__name__)

JOB = "exploration-checkins"


@dataclass
class CheckinReport:
    asked: int = 0
    asked_before: int = 0
    outside_window: int = 0
    not_people: int = 0
    failed: int = 0
    unknown_groups: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"{JOB}: asked {self.asked}, asked earlier this week {self.asked_before}, "
            f"not Friday afternoon for them {self.outside_window}, bots or people who left "
            f"{self.not_people}, failed {self.failed} (asked again next run)."
        )
        if self.unknown_groups:
            text += " Unknown user groups in EXPLORATION_GROUPS: " + ", ".join(
                f"@{handle}" for handle in self.unknown_groups
            )
        return text


async def run(ctx: Context, *, now: datetime) -> CheckinReport:
    report = CheckinReport()
    handles = ctx.settings.exploration_groups
    if not handles:
        log.info("%s: EXPLORATION_GROUPS is empty, so nobody is asked", JOB)
        return report
    try:
        groups = await groups_by_handle(ctx.client, handles)
    except SLACK_FAILURES as error:
        log.warning(
            "%s: could not read the user groups (%s); the next run tries again",
            JOB,
            error_code(error),
        )
        report.failed += 1
        return report
    report.unknown_groups = [handle for handle in handles if handle not in groups]
    if report.unknown_groups:
        log.warning(
            "%s: Slack knows no user group %s; fix EXPLORATION_GROUPS (handles as typed after @)",
            JOB,
            ", ".join(f"@{handle}" for handle in report.unknown_groups),
        )
    members = sorted(set().union(*(group.members for group in groups.values())))
    # A Friday anywhere is Thursday to Saturday in UTC, the same ISO week: whoever was asked
    # in UTC's week needs no look-up.
    async with ctx.db.session() as session:
        asked = await store.asked_in(session=session, week=rules.week_of(now.astimezone(UTC)))
    for user_id in members:
        if user_id in asked:
            report.asked_before += 1
            continue
        await _ask_if_due(ctx, user_id, now, report)
    log.info(report.summary())
    return report


async def _ask_if_due(ctx: Context, user_id: str, now: datetime, report: CheckinReport) -> None:
    settings = ctx.settings
    try:
        person = await ctx.users.get(user_id)
    except LookupFailed as error:
        log.warning("%s: could not look up %s (%s); the next run tries again", JOB, user_id, error)
        report.failed += 1
        return
    if person is None or person.deleted or person.is_bot:
        report.not_people += 1
        return
    local = now.astimezone(person.timezone(ctx.settings.tz))
    if not rules.may_ask(
        local,
        work_start=settings.work_start,
        work_end=settings.work_end,
        work_days=settings.work_days,
    ):
        report.outside_window += 1
        return
    async with ctx.db.session() as session:
        claim = await store.claim(
            session=session, user_id=user_id, week=rules.week_of(local), now=now
        )
    if claim is None:
        report.asked_before += 1
        return
    async with ctx.db.session() as session:
        experiments = await store.running_experiments_of(session=session, user_id=user_id)
    message = blocks.question(blocks.Checkin(week=rules.week_of(local), experiments=experiments))
    try:
        response = await ctx.client.chat_postMessage(channel=user_id, **message)
    except SLACK_FAILURES as error:
        log.warning("%s: the question to %s failed: %s", JOB, user_id, error_code(error))
        async with ctx.db.session() as session:
            await store.release(session=session, checkin_id=claim)
        report.failed += 1
        return
    async with ctx.db.session() as session:
        await store.record_question(
            session=session,
            checkin_id=claim,
            channel_id=str(response["channel"]),
            message_ts=str(response["ts"]),
        )
    report.asked += 1
