"""Job `theme-reviews`: each theme owner's weekly DM of the ideas waiting for their first
decision, overdue ones first.

One DM per owner per ISO week (in `TIMEZONE`), claimed as (`theme-review`, `<week>:<owner>`)
with the scheduled-post machinery (`bot.foundation.delivery`): however often the job runs, on
however many replicas, each owner hears once a week; a DM Slack did not take is sent by the
next run that week, as it was first composed. Owners with nothing waiting get nothing; owners
Slack says are deactivated (or bots) are skipped, and an admin should give their themes a new
owner (`/idea theme edit <name>`).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from bot.core import periods
from bot.foundation import retried_posts
from bot.foundation.context import Context
from bot.foundation.delivery import Delivery, deliver
from bot.slack.users import LookupFailed
from bot.themes import blocks, rules
from storage import themes
from storage.models import Theme

log = logging.getLogger(__name__)

JOB = "theme-reviews"
DELIVERY_JOB = retried_posts.THEME_REVIEW_DM


@dataclass
class ReviewReport:
    deliveries: list[Delivery] = field(default_factory=list)
    nothing_waiting: int = 0
    owners_gone: list[str] = field(default_factory=list)

    def summary(self) -> str:
        sent = sum(d.outcome == "posted" for d in self.deliveries)
        done = sum(d.delivered for d in self.deliveries) - sent
        failed = [d for d in self.deliveries if not d.delivered]
        text = (
            f"{JOB}: sent {sent}, sent earlier {done}, nothing waiting {self.nothing_waiting}, "
            f"owners who left {len(self.owners_gone)}, not sent {len(failed)}."
        )
        if self.owners_gone:
            text += " Themes need a new owner: " + ", ".join(self.owners_gone)
        return text


async def run(ctx: Context, *, now: datetime) -> ReviewReport:
    settings = ctx.settings
    local = now.astimezone(settings.tz)
    week = periods.iso_week(local)
    report = ReviewReport()
    async with ctx.db.session() as session:
        # Archived themes too: their ideas still deserve a decision.
        every = await themes.themes(session=session, archived=True)
    by_owner: dict[str, list[Theme]] = defaultdict(list)
    for theme in every:
        by_owner[theme.owner_id].append(theme)
    for owner_id, owned in sorted(by_owner.items()):
        named = {theme.id or 0: theme for theme in owned}
        async with ctx.db.session() as session:
            waiting = await themes.awaiting_first_decision(session=session, theme_ids=named)
        if not waiting:
            report.nothing_waiting += 1
            continue
        if not await _still_here(ctx, owner_id):
            log.warning(
                "%s: %s, who owns %s, has left; give the theme a new owner with /idea theme edit",
                JOB,
                owner_id,
                ", ".join(theme.name for theme in owned),
            )
            report.owners_gone.append(owner_id)
            continue
        items = []
        for idea in waiting:
            waited = rules.days_waiting(idea.created_at, today=local.date(), tz=settings.tz)
            late = waited - settings.review_within_days
            items.append(
                blocks.Waiting(idea, named[idea.theme_id or 0], waited, late if late > 0 else None)
            )
        message = blocks.review_dm(items, within=settings.review_within_days)

        async def compose(message: dict = message) -> dict:
            return message

        report.deliveries.append(
            await deliver(
                ctx,
                job=DELIVERY_JOB,
                period=f"{week}:{owner_id}",
                channel=owner_id,
                compose=compose,
                now=now,
            )
        )
    log.info(report.summary())
    return report


async def _still_here(ctx: Context, person: str) -> bool:
    try:
        user = await ctx.users.get(person)
    except LookupFailed:
        return True  # a reminder is better than silence when Slack cannot say
    return user is not None and not user.deleted and not user.is_bot
