"""Exactly-once scheduled posts: claim (job, period) in the database, then post.

The rules, as docs/timetable.md states them:
- Whoever inserts the (job, period) row posts; everyone else leaves it alone.
- The message is composed once and stored with the claim; a retry posts that same message.
- Slack refusing or failing (after the client's own retries) releases the claim as failed;
  the next run, or the sweep a few minutes later, takes it over and posts again.
- A claim that stays unfinished for STUCK_AFTER (the process died mid-post) is taken over.
- Before posting again after a stuck claim, or after a failure that may have reached Slack
  (an HTTP error or no answer, as opposed to Slack saying no), the channel's recent history
  (or the thread's, for a reply) is searched for the post, which carries the job and period in
  its message metadata: if Slack has it, it is recorded, not repeated. If the history cannot
  be read, the claim is left as it was and checked again later. The client never resends such
  a post by itself.
- The claim records where the post goes, so `redeliver` can post a failed one again from any
  process without knowing what it was about.
- A message that cannot be composed yet (`NotReady`: its inputs did not all load) is neither
  stored nor posted; the claim is released and the next run composes it again.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.foundation.context import Context
from bot.slack.posting import (
    SLACK_FAILURES,
    error_code,
    may_have_posted,
    post_message,
    posts_with_metadata,
    refused_for_content,
)
from storage import job_runs

log = logging.getLogger(__name__)

STUCK_AFTER = timedelta(minutes=15)
METADATA_EVENT = "lightbulb_scheduled_post"

POSTED, RECOVERED, ALREADY_POSTED = "posted", "recovered", "already posted"
IN_PROGRESS, FAILED, UNVERIFIED, SKIPPED, REFUSED = (
    "in progress elsewhere",
    "failed",
    "unverified",
    "skipped",
    "refused",
)


@dataclass(frozen=True)
class Delivery:
    job: str
    period: str
    outcome: str
    error: str | None = None
    channel_id: str | None = None  # where the post is, once delivered
    message_ts: str | None = None

    @property
    def delivered(self) -> bool:
        return self.outcome in (POSTED, RECOVERED, ALREADY_POSTED)

    def summary(self) -> str:
        if self.outcome == FAILED:
            return f"{self.job} {self.period}: NOT posted ({self.error}); the next run retries it"
        detail = f" ({self.error})" if self.error else ""
        return f"{self.job} {self.period}: {self.outcome}{detail}"


class NotReady(Exception):
    """Raised by a composer whose inputs could not all be read: composing later is better
    than posting, and keeping for good, a message built on part of the facts."""


def claimant() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


async def deliver(
    ctx: Context,
    *,
    job: str,
    period: str,
    channel: str,
    compose: Callable[[], Awaitable[dict]],
    now: datetime,
    take_skipped: bool = False,
    thread_ts: str | None = None,
) -> Delivery:
    """Post (job, period) to `channel` (in the thread `thread_ts`, if given) unless it is
    posted already; see the module's rules."""
    delivery = await _deliver(
        ctx,
        job=job,
        period=period,
        channel=channel,
        compose=compose,
        now=now,
        take_skipped=take_skipped,
        thread_ts=thread_ts,
    )
    ctx.metrics.job_runs.labels(job, delivery.outcome).inc()
    return delivery


async def _deliver(
    ctx: Context,
    *,
    job: str,
    period: str,
    channel: str,
    compose: Callable[[], Awaitable[dict]],
    now: datetime,
    take_skipped: bool,
    thread_ts: str | None,
) -> Delivery:
    async with ctx.db.session() as session:
        claim = await job_runs.claim(
            session=session,
            job=job,
            period=period,
            now=now,
            claimed_by=claimant(),
            stuck_before=now - STUCK_AFTER,
            take_skipped=take_skipped,
            target_channel=channel,
            thread_ts=thread_ts,
        )
    if not claim.won:
        outcome = {
            job_runs.POSTED: ALREADY_POSTED,
            job_runs.SKIPPED: SKIPPED,
            job_runs.REFUSED: REFUSED,
        }
        return Delivery(
            job,
            period,
            outcome.get(claim.status, IN_PROGRESS),
            channel_id=claim.channel_id,
            message_ts=claim.message_ts,
        )

    if _earlier_post_possible(claim) and claim.previous_claimed_at is not None:
        try:
            found = await _find_post(
                ctx,
                channel,
                job=job,
                period=period,
                since=claim.previous_claimed_at,
                thread_ts=thread_ts,
            )
        except SLACK_FAILURES as error:
            async with ctx.db.session() as session:
                if claim.taken_from == job_runs.CLAIMED:
                    await job_runs.restore_claim(
                        session=session,
                        run_id=claim.run_id,
                        claimed_at=claim.previous_claimed_at,
                    )
                else:
                    await job_runs.mark_failed(
                        session=session, run_id=claim.run_id, error=claim.previous_error or ""
                    )
            log.warning("%s %s: could not check for an earlier post: %s", job, period, error)
            return Delivery(job, period, UNVERIFIED, error=error_code(error))
        if found is not None:
            async with ctx.db.session() as session:
                await job_runs.mark_posted(
                    session=session,
                    run_id=claim.run_id,
                    channel_id=channel,
                    message_ts=found,
                    now=now,
                )
            log.info("%s %s: found the post of an interrupted run; not posting again", job, period)
            return Delivery(job, period, RECOVERED, channel_id=channel, message_ts=found)

    payload = claim.payload
    if payload is None:
        try:
            payload = json.dumps(await compose())
        except NotReady as not_ready:
            async with ctx.db.session() as session:
                await job_runs.mark_failed(
                    session=session, run_id=claim.run_id, error=f"not ready: {not_ready}"
                )
            log.warning("%s %s: not composed yet, tried again later: %s", job, period, not_ready)
            return Delivery(job, period, FAILED, error=f"not ready: {not_ready}")
        except Exception as error:
            async with ctx.db.session() as session:
                await job_runs.mark_failed(session=session, run_id=claim.run_id, error="compose")
            log.exception("%s %s: composing the post failed", job, period)
            return Delivery(job, period, FAILED, error=type(error).__name__)
        async with ctx.db.session() as session:
            await job_runs.save_payload(session=session, run_id=claim.run_id, payload=payload)

    try:
        response = await post_message(
            ctx.client,
            message=json.loads(payload),
            channel=channel,
            thread_ts=thread_ts,
            metadata={
                "event_type": METADATA_EVENT,
                "event_payload": {"job": job, "period": period},
            },
            unfurl_links=False,
        )
    except SLACK_FAILURES as error:
        code = error_code(error)
        if refused_for_content(code):
            async with ctx.db.session() as session:
                await job_runs.mark_refused(session=session, run_id=claim.run_id, error=code)
            log.error(
                "%s %s: Slack refused the post (%s), even in its plainest form; it will not be "
                "tried again. Please report this: the message Lightbulb built is at fault",
                job,
                period,
                code,
            )
            return Delivery(job, period, REFUSED, error=code)
        async with ctx.db.session() as session:
            await job_runs.mark_failed(session=session, run_id=claim.run_id, error=code)
        log.warning(
            "%s %s: Slack did not take the post (%s); it will be retried", job, period, code
        )
        return Delivery(job, period, FAILED, error=code)
    async with ctx.db.session() as session:
        await job_runs.mark_posted(
            session=session,
            run_id=claim.run_id,
            channel_id=response["channel"],
            message_ts=response["ts"],
            now=now,
        )
    return Delivery(job, period, POSTED, channel_id=response["channel"], message_ts=response["ts"])


def _earlier_post_possible(claim: job_runs.Claim) -> bool:
    """A stuck claim's post may have reached Slack; so may a failed one's, unless Slack said no."""
    if claim.taken_from == job_runs.CLAIMED:
        return True
    return claim.taken_from == job_runs.FAILED and may_have_posted(claim.previous_error or "")


async def _find_post(
    ctx: Context,
    channel: str,
    *,
    job: str,
    period: str,
    since: datetime,
    thread_ts: str | None,
) -> str | None:
    """The ts of Lightbulb's post for (job, period) in the channel since `since`, if any."""
    posts = await posts_with_metadata(
        ctx.client, channel, event_type=METADATA_EVENT, since=since, thread_ts=thread_ts
    )
    wanted = {"job": job, "period": period}
    return next((ts for payload, ts in posts if payload == wanted), None)


async def redeliver(ctx: Context, *, jobs: Sequence[str], now: datetime) -> list[Delivery]:
    """Post again every failed or stuck post of `jobs` whose message was stored, where its
    claim says it goes: for posts that need nothing done once they are in Slack."""
    async with ctx.db.session() as session:
        pending = await job_runs.unfinished(
            session=session, jobs=jobs, stuck_before=now - STUCK_AFTER
        )
    deliveries = []
    for run in pending:
        if run.payload is None or run.target_channel is None:
            continue
        deliveries.append(
            await deliver(
                ctx,
                job=run.job,
                period=run.period,
                channel=run.target_channel,
                thread_ts=run.thread_ts,
                compose=_never_composed,
                now=now,
            )
        )
    return deliveries


async def _never_composed() -> dict:
    raise NotReady("the stored message is gone")
