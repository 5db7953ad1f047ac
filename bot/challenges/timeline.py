"""Job `challenges`: every few minutes (CHALLENGES_SCHEDULE), each challenge takes the steps
that are due, in order: open (its card), list new entries in the card's thread, the two-day
reminder, the close, the Pick winners DMs and their reminder, the people's choice, and the
winners' posts.

Each step is claimed in the database (a post per (job, challenge, step), a change of state by
compare-and-set), so every replica may run the job, as often as it likes, after any restart
or outage: a step that is done is not done again, and one Slack did not take is retried by
the next run while it still makes sense (a reminder only until the close, a Pick winners DM
only until the winners are picked). One step failing does not stop the others.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.challenges import closing, entries, launch, winners
from bot.foundation.context import Context
from bot.foundation.delivery import FAILED, Delivery

log = logging.getLogger(__name__)

JOB = "challenges"


@dataclass
class TimelineReport:
    deliveries: list[Delivery] = field(default_factory=list)
    failed_steps: list[str] = field(default_factory=list)

    def summary(self) -> str:
        counts = Counter(delivery.outcome for delivery in self.deliveries)
        done = ", ".join(f"{count} {outcome}" for outcome, count in sorted(counts.items()))
        text = f"{JOB}: {done or 'nothing due'}"
        failed = [d.summary() for d in self.deliveries if d.outcome == FAILED]
        if failed:
            text += "; " + "; ".join(failed)
        if self.failed_steps:
            text += f"; steps that failed (tried again next run): {', '.join(self.failed_steps)}"
        return text + "."


async def run(ctx: Context, *, now: datetime) -> TimelineReport:
    report = TimelineReport()

    steps: list[tuple[str, Callable[..., Awaitable[list[Delivery]]]]] = [
        ("open", launch.open_due),
        ("list entries", entries.list_unlisted),
        ("remind", closing.remind),
        ("close", closing.close_due),
        ("follow up", closing.follow_up),
        ("announce", winners.follow_decided),
    ]
    for name, step in steps:
        try:
            report.deliveries += await step(ctx, now=now)
        except Exception:
            log.exception("challenges: the step %r failed; the next run tries it again", name)
            report.failed_steps.append(name)
    log.info(report.summary())
    return report
