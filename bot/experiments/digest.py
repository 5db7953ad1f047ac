"""Job `experiment-digest`: the week in experiments, posted once per week to the experiments
channel."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core import periods
from bot.core.clock import today
from bot.experiments import digest_blocks
from bot.foundation.context import Context
from bot.foundation.delivery import Delivery, deliver
from storage import challenges, experiments

log = logging.getLogger(__name__)

JOB = "experiment-digest"
WEEK = timedelta(days=7)


@dataclass
class DigestReport:
    delivery: Delivery
    started: int = 0
    running: int = 0
    concluded: int = 0

    @property
    def posted(self) -> bool:
        return self.delivery.delivered

    @property
    def error(self) -> str | None:
        return self.delivery.error

    def summary(self) -> str:
        counts = (
            f"started {self.started}, running {self.running}, concluded {self.concluded}"
            if self.delivery.outcome == "posted"
            else ""
        )
        return f"{self.delivery.summary()}{'; ' + counts if counts else ''}."


async def run(
    ctx: Context,
    *,
    now: datetime,
    period: str | None = None,
    take_skipped: bool = True,
    moment: datetime | None = None,
) -> DigestReport:
    """Post the digest of the seven days up to `moment` (the time it is scheduled for; `now`
    when not given), once for its ISO week. `now` is the clock, for the claims. Days left are
    counted from the day it is composed, as the Home tab counts them: a digest posted late
    must not promise days that have already gone."""
    end = moment or now
    period = period or periods.iso_week(end.astimezone(ctx.settings.tz))
    periods.parse_week(period)
    counts: dict[str, int] = {}

    async def compose() -> dict:
        start = end - WEEK
        async with ctx.db.session() as session:
            started = await experiments.started_between(session=session, start=start, end=end)
            running = await experiments.running(session=session)
            concluded = await experiments.concluded_between(session=session, start=start, end=end)
            # The coming week, from the day it is composed: a last call for ideas.
            local_today = today(ctx.settings.tz)
            closing = await challenges.closing_between(
                session=session, start=local_today, end=local_today + WEEK - timedelta(days=1)
            )
        counts.update(started=len(started), running=len(running), concluded=len(concluded))
        return digest_blocks.digest(
            started=started,
            running=running,
            concluded=concluded,
            today=today(ctx.settings.tz),
            closing=closing,
        )

    delivery = await deliver(
        ctx,
        job=JOB,
        period=period,
        channel=ctx.settings.experiments_channel,
        compose=compose,
        now=now,
        take_skipped=take_skipped,
    )
    report = DigestReport(delivery, **counts)
    log.info(report.summary())
    return report
