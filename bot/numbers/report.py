"""Job `monthly-report`: last month's numbers, posted once to LEADERS_CHANNEL, with the
chart in the post's thread.

Two claims keep it exactly once across replicas and outages: the post is delivered as every
scheduled post is (`deliver`, claim `monthly-report`), and the chart's upload is claimed
apart (`monthly-report-chart`, same period) once the post is in Slack. A run that finds the
post done but the chart missing (Slack failed it, or the process died mid-upload) shares the
chart then, after looking for an earlier attempt's chart in the thread, by its title. The
image cannot go in the post itself: an image block needs a file already shared where the
post goes.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core import periods
from bot.foundation.context import Context
from bot.foundation.delivery import STUCK_AFTER, Delivery, claimant, deliver
from bot.numbers import chart, report_blocks, rules, service
from bot.numbers.facts import Period, ProgrammeNumbers
from bot.slack.posting import SLACK_FAILURES, error_code
from storage import job_runs

log = logging.getLogger(__name__)

JOB = "monthly-report"
CHART_JOB = "monthly-report-chart"
NO_CHANNEL = "no LEADERS_CHANNEL; nothing posted"
THREAD_PAGES = 5

SHARED, RECOVERED, ALREADY_SHARED = "shared", "recovered", "already shared"
IN_PROGRESS, FAILED, UNVERIFIED = "in progress elsewhere", "failed", "unverified"


@dataclass
class ReportRun:
    period: str
    delivery: Delivery | None = None
    chart: str | None = None
    chart_error: str | None = None

    def summary(self) -> str:
        if self.delivery is None:
            return f"{JOB} {self.period}: {NO_CHANNEL}."
        text = self.delivery.summary()
        if self.chart is not None:
            text += f"; chart {self.chart}"
            if self.chart_error:
                text += f" ({self.chart_error})"
            if self.chart == FAILED:
                text += ", the next run shares it"
        return text + "."


def month_in(period: str, *, tz: ZoneInfo, now: datetime) -> Period:
    """`period` (YYYY-MM) as the numbers' Period in `tz`; `PeriodError` if it is not a month
    or has not begun."""
    year, number = periods.parse_month(period)
    try:
        return rules.month(year, number, tz=tz, now=now)
    except rules.StatsPeriodError:
        raise periods.PeriodError(f"{period} has not begun yet: pick a month that has.") from None


async def run(
    ctx: Context,
    *,
    now: datetime,
    period: str | None = None,
    take_skipped: bool = True,
    moment: datetime | None = None,
) -> ReportRun:
    """Post the report of `period` (default: the month before `moment`, when it is scheduled,
    in TIMEZONE) once, then share its chart once. `now` is the clock, for the claims."""
    period = period or periods.previous_month((moment or now).astimezone(ctx.settings.tz))
    span = month_in(period, tz=ctx.settings.tz, now=now)
    result = ReportRun(period)
    channel = ctx.settings.leaders_channel
    if not channel:
        log.info(result.summary())
        return result
    computed: list[ProgrammeNumbers] = []

    async def numbers() -> ProgrammeNumbers:
        if not computed:
            computed.append(await service.compute(ctx, span, now=now))
        return computed[0]

    async def compose() -> dict:
        return report_blocks.report_message(await numbers())

    result.delivery = await deliver(
        ctx,
        job=JOB,
        period=period,
        channel=channel,
        compose=compose,
        now=now,
        take_skipped=take_skipped,
    )
    where, ts = result.delivery.channel_id, result.delivery.message_ts
    if result.delivery.delivered and where and ts:
        result.chart, result.chart_error = await _share_chart(
            ctx, period, where, ts, numbers=numbers, now=now
        )
    log.info(result.summary())
    return result


async def _share_chart(
    ctx: Context,
    period: str,
    channel: str,
    thread_ts: str,
    *,
    numbers: Callable[[], Awaitable[ProgrammeNumbers]],
    now: datetime,
) -> tuple[str, str | None]:
    """Upload the chart into the report's thread unless it is there; (outcome, error)."""
    async with ctx.db.session() as session:
        claim = await job_runs.claim(
            session=session,
            job=CHART_JOB,
            period=period,
            now=now,
            claimed_by=claimant(),
            stuck_before=now - STUCK_AFTER,
            target_channel=channel,
            thread_ts=thread_ts,
        )
    if not claim.won:
        return (ALREADY_SHARED if claim.status == job_runs.POSTED else IN_PROGRESS), None
    ready = await numbers()
    title = report_blocks.chart_title(ready)
    # Whatever an earlier attempt heard back (a lost answer, or Slack saying no to a retry of
    # an upload that went through), its chart may be in the thread: look before uploading.
    if claim.taken_from is not None:
        try:
            found = await _chart_in_thread(ctx, channel, thread_ts, title)
        except SLACK_FAILURES as error:
            async with ctx.db.session() as session:
                await job_runs.mark_failed(
                    session=session, run_id=claim.run_id, error=claim.previous_error or ""
                )
            return UNVERIFIED, error_code(error)
        if found is not None:
            async with ctx.db.session() as session:
                await job_runs.mark_posted(
                    session=session, run_id=claim.run_id, channel_id=channel, message_ts=found,
                    now=now,
                )  # fmt: skip
            return RECOVERED, None
    try:
        response = await ctx.client.files_upload_v2(
            content=chart.render(ready),
            filename=report_blocks.chart_filename(ready),
            title=title,
            alt_txt=report_blocks.alt_text(ready),
            channel=channel,
            thread_ts=thread_ts,
        )
    except SLACK_FAILURES as error:
        code = error_code(error)
        async with ctx.db.session() as session:
            await job_runs.mark_failed(session=session, run_id=claim.run_id, error=code)
        log.warning("%s %s: the chart was not shared (%s); tried again", CHART_JOB, period, code)
        return FAILED, code
    shared = response.get("file") or {}
    async with ctx.db.session() as session:
        await job_runs.mark_posted(
            session=session,
            run_id=claim.run_id,
            channel_id=channel,
            message_ts=str(shared.get("id") or thread_ts),
            now=now,
        )
    return SHARED, None


async def _chart_in_thread(ctx: Context, channel: str, thread_ts: str, title: str) -> str | None:
    """The id of a file titled `title` shared in the thread, if any."""
    cursor = None
    for _ in range(THREAD_PAGES):
        page = await ctx.client.conversations_replies(
            channel=channel, ts=thread_ts, limit=200, cursor=cursor
        )
        for message in page.get("messages") or []:
            for shared in message.get("files") or []:
                if shared.get("title") == title:
                    return str(shared.get("id"))
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return None
    return None
