"""Job `learning-prompts`: DM owners of experiments past their end date for the learning.

Each prompt is claimed in the database before its DM is sent, so two replicas, or two runs
of the job, never send the same one twice. A DM that Slack refused releases its claim and is
tried again on the next run. A process that dies between claiming and sending loses that one
prompt: a missed nudge is better than a repeated one, and the reminder still comes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.experiments import blocks, prompt_rules
from bot.foundation.context import Context
from bot.slack.posting import SLACK_FAILURES, error_code
from bot.slack.users import LookupFailed
from storage import experiments
from storage.ideas import as_utc
from storage.models import Experiment

log = logging.getLogger(__name__)


@dataclass
class PromptReport:
    sent: int = 0
    outside_hours: int = 0
    not_due: int = 0
    already_claimed: int = 0
    failed: int = 0

    def summary(self) -> str:
        return (
            f"learning-prompts: sent {self.sent}, waiting for working hours {self.outside_hours}, "
            f"not due {self.not_due}, sent by another run {self.already_claimed}, "
            f"failed {self.failed}."
        )


async def run(ctx: Context, *, now: datetime) -> PromptReport:
    report = PromptReport()
    settings = ctx.settings
    # No owner's local date is more than a day ahead of UTC's; their own dates decide below.
    async with ctx.db.session() as session:
        candidates = await experiments.awaiting_learning(
            session=session, ended_before=(now.astimezone(UTC) + timedelta(days=1)).date()
        )
    for experiment in candidates:
        local = now.astimezone(await _owner_timezone(ctx, experiment.owner_id))
        async with ctx.db.session() as session:
            sent = await experiments.sent_prompts(session=session, experiment_id=experiment.id or 0)
        slot = prompt_rules.next_slot(
            ends_on=experiment.ends_on,
            local_today=local.date(),
            now=now,
            sent=sent,
            snoozed_until=as_utc(experiment.snoozed_until) if experiment.snoozed_until else None,
        )
        if slot is None:
            report.not_due += 1
            continue
        if not prompt_rules.in_working_hours(
            local, start=settings.work_start, end=settings.work_end, days=settings.work_days
        ):
            report.outside_hours += 1
            continue
        await _send(ctx, experiment, slot, now, report)
    log.info(report.summary())
    return report


async def _owner_timezone(ctx: Context, owner_id: str) -> ZoneInfo:
    """The owner's own timezone from their Slack profile, else the programme's."""
    try:
        person = await ctx.users.get(owner_id)
    except LookupFailed as error:
        log.warning("no timezone for %s, using the programme's: %s", owner_id, error)
        person = None
    return person.timezone(ctx.settings.tz) if person is not None else ctx.settings.tz


async def _send(
    ctx: Context, experiment: Experiment, slot: str, now: datetime, report: PromptReport
) -> None:
    async with ctx.db.session() as session:
        claim = await experiments.claim_prompt(
            session=session, experiment_id=experiment.id or 0, slot=slot, now=now
        )
    if claim is None:
        report.already_claimed += 1
        return
    try:
        response = await ctx.client.chat_postMessage(
            channel=experiment.owner_id,
            **blocks.learning_prompt(experiment, reminder=slot != prompt_rules.FIRST),
        )
    except SLACK_FAILURES as error:
        log.warning("prompt for experiment %s failed: %s", experiment.id, error_code(error))
        async with ctx.db.session() as session:
            await experiments.release_prompt(session=session, prompt_id=claim)
        report.failed += 1
        return
    async with ctx.db.session() as session:
        await experiments.mark_prompt_sent(
            session=session, prompt_id=claim, message_ts=response["ts"], now=now
        )
    report.sent += 1


async def snooze(ctx: Context, *, experiment_id: int, days: int) -> datetime:
    """Ask about the experiment again after `days`; when that will be."""
    until = datetime.now(UTC) + timedelta(days=days)
    async with ctx.db.session() as session:
        await experiments.snooze(session=session, experiment_id=experiment_id, until=until)
    return until
