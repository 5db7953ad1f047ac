"""Job `experiment-digest`: the week in experiments, posted to the experiments channel."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.runtime import Runtime
from bot.slack import experiment_blocks
from bot.slack.posting import SLACK_FAILURES, error_code
from bot.time import today
from storage import experiments

log = logging.getLogger(__name__)

WEEK = timedelta(days=7)


@dataclass
class DigestReport:
    started: int = 0
    running: int = 0
    concluded: int = 0
    posted: bool = False
    error: str | None = None

    def summary(self) -> str:
        state = "posted" if self.posted else f"NOT posted ({self.error})"
        return (
            f"experiment-digest: {state}; started {self.started}, running {self.running}, "
            f"concluded {self.concluded}."
        )


async def run(runtime: Runtime, *, now: datetime) -> DigestReport:
    """Post the digest for the seven days up to `now`; a refusal is reported, not raised."""
    start = now - WEEK
    async with runtime.db.session() as session:
        started = await experiments.started_between(session=session, start=start, end=now)
        running = await experiments.running(session=session)
        concluded = await experiments.concluded_between(session=session, start=start, end=now)
    report = DigestReport(len(started), len(running), len(concluded))
    message = experiment_blocks.digest(
        started=started,
        running=running,
        concluded=concluded,
        today=today(runtime.settings.tz, now=now),
    )
    try:
        await runtime.client.chat_postMessage(
            channel=runtime.settings.experiments_channel, **message, unfurl_links=False
        )
        report.posted = True
    except SLACK_FAILURES as error:
        report.error = error_code(error)
        log.warning("the experiment digest was not posted: %s", report.error)
    log.info(report.summary())
    return report
