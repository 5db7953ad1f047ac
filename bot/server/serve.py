"""`serve`: start the bot in Socket Mode or HTTP mode and stop cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.core.debounce import lane_tasks
from bot.core.settings import Settings
from bot.people.service import refresh_if_empty
from bot.server.app import build_app
from bot.server.connections import AcceptFailureLog
from bot.server.http_server import Listener, build_metrics_app, build_web_app, start_http
from bot.server.runtime import Runtime
from bot.votes.reconcile import repair_recent
from scheduler.jobs import catch_up
from scheduler.timetable import build_scheduler, post_unposted
from storage import migrate

log = logging.getLogger(__name__)

# Work Slack has already been told about (acked) gets this long to finish on shutdown.
DRAIN_SECONDS = 10
YOUNG_GC_THRESHOLD = 50_000


class StartupError(Exception):
    """The bot cannot start; the message says what to do."""


async def serve(
    settings: Settings,
    *,
    mode: str,
    host: str,
    port: int,
    run_migrations: bool,
    scheduler_enabled: bool = True,
) -> None:
    if run_migrations:
        await migrate.upgrade(settings.database_url)
    else:
        try:
            await migrate.ensure_migrated(settings.database_url)
        except migrate.SchemaNotReady as error:
            raise StartupError(str(error)) from None

    runtime = Runtime.build(settings)
    await _check_token(runtime)
    await _check_channels(runtime)
    bolt_app = build_app(runtime)
    settle_heap()

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.set_exception_handler(AcceptFailureLog())

    scheduler = build_scheduler(runtime) if scheduler_enabled else None
    # Start-up chores that must never hold up answering Slack.
    chores: set[asyncio.Task[Any]] = {
        asyncio.create_task(post_unposted(runtime), name="post-unposted"),
        asyncio.create_task(_repair_after_loading_directory(runtime), name="repair-recent-votes"),
    }
    if scheduler is not None:
        # Periods missed while the bot was down are posted now, once.
        chores.add(asyncio.create_task(catch_up(runtime, now=datetime.now(UTC)), name="catch-up"))
        # A workspace never read has no departments until its first refresh: read it now.
        chores.add(
            asyncio.create_task(
                refresh_if_empty(runtime, now=datetime.now(UTC)), name="people-first-refresh"
            )
        )
    metrics_listener: Listener | None = None
    try:
        metrics_listener = await _listen_for_metrics(runtime)
        if mode == "socket":
            await _run_socket_mode(bolt_app, settings, stop, scheduler)
        else:
            listener = await _listen(
                "PORT", build_web_app(bolt_app, runtime), runtime, host=host, port=port
            )
            log.info("Lightbulb is listening on http://%s:%s/slack/events", host, port)
            if scheduler:
                scheduler.start()
            await stop.wait()
            log.info("shutting down: no new requests, finishing work in flight")
            await listener.close()
    finally:
        if metrics_listener is not None:
            await metrics_listener.close()
        if scheduler and scheduler.running:
            scheduler.shutdown(wait=False)
        for chore in chores:
            chore.cancel()
        await finish_pending_tasks(exclude=chores)
        await asyncio.gather(*chores, return_exceptions=True)
        await runtime.close()
    log.info("Lightbulb stopped")


async def _listen_for_metrics(runtime: Runtime) -> Listener | None:
    settings = runtime.settings
    if settings.metrics_port is None:
        return None
    listener = await _listen(
        "METRICS_PORT",
        build_metrics_app(runtime),
        runtime,
        host=settings.metrics_host,
        port=settings.metrics_port,
    )
    log.info(
        "metrics and health check on http://%s:%s/metrics",
        settings.metrics_host,
        listener.port,
    )
    return listener


async def _listen(
    setting: str, web_app: web.Application, runtime: Runtime, *, host: str, port: int
) -> Listener:
    try:
        return await start_http(web_app, host=host, port=port, metrics=runtime.metrics)
    except OSError as error:
        raise StartupError(
            f"Lightbulb cannot listen on {host}:{port} ({error.strerror or error}): another "
            f"program may be using it; set {setting} to a free port."
        ) from None


async def _run_socket_mode(
    bolt_app: AsyncApp,
    settings: Settings,
    stop: asyncio.Event,
    scheduler: AsyncIOScheduler | None,
) -> None:
    handler = AsyncSocketModeHandler(bolt_app, settings.slack_app_token)
    await handler.connect_async()
    log.info("Lightbulb is connected to Slack in Socket Mode")
    if scheduler:
        scheduler.start()
    await stop.wait()
    log.info("shutting down: closing the Socket Mode connection")
    await handler.close_async()


def settle_heap() -> None:
    """Move what lives as long as the process (libraries, caches loaded at start-up) out of
    the garbage collector's sight, and collect young objects less often.

    Under a burst, each request leaves short-lived objects behind; with the default
    thresholds the collector keeps walking Lightbulb's large long-lived heap, which showed
    as 50-90 ms pauses in `bench/votes.py`.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_GC_THRESHOLD, 20, 20)


async def _repair_after_loading_directory(runtime: Runtime) -> None:
    """The repair judges every reaction it finds; with the directory loaded first, that costs
    no `users.info` call per voter."""
    await _load_directory(runtime)
    await repair_recent(runtime)


async def _load_directory(runtime: Runtime) -> None:
    """Knowing who is a bot up front saves a `users.info` call per first-time voter."""
    try:
        loaded = await runtime.users.prefetch()
        log.info("loaded %d people from the Slack directory", loaded)
        settle_heap()
    except Exception as error:
        log.warning("could not load the Slack directory; looking people up one by one: %r", error)


async def _check_token(runtime: Runtime) -> None:
    """Fail fast on a wrong token; a Slack outage at start-up is only worth a warning."""
    try:
        identity = await runtime.client.auth_test()
        log.info("connected to Slack team %s as %s", identity.get("team"), identity.get("user"))
    except SlackApiError as error:
        code = error.response.get("error")
        if code in ("invalid_auth", "not_authed", "account_inactive", "token_revoked"):
            raise StartupError(
                f"Slack rejected SLACK_BOT_TOKEN ({code}): copy the Bot User OAuth Token "
                "from OAuth & Permissions into .env."
            ) from None
        log.warning("could not check the bot token with Slack: %s", code)
    except Exception as error:
        log.warning("could not reach Slack to check the bot token: %r", error)


async def _check_channels(runtime: Runtime) -> None:
    """Warn the operator at start-up, rather than the first author, about a channel
    Lightbulb cannot post in."""
    settings = runtime.settings
    channels = dict.fromkeys(
        (settings.ideas_channel, settings.experiments_channel, settings.awards_channel)
    )
    for channel in channels:
        try:
            info = (await runtime.client.conversations_info(channel=channel))["channel"]
        except SlackApiError as error:
            log.warning(
                "Lightbulb cannot see channel %s (%s): check the channel ID in .env and "
                "invite the bot with /invite @Lightbulb",
                channel,
                error.response.get("error"),
            )
            continue
        except Exception as error:
            log.warning("could not check channel %s: %r", channel, error)
            continue
        if not info.get("is_member"):
            log.warning(
                "Lightbulb is not a member of #%s (%s): type /invite @Lightbulb there",
                info.get("name", channel),
                channel,
            )


async def finish_pending_tasks(*, exclude: set[asyncio.Task] | None = None) -> None:
    """Let listeners that already acked finish, so nothing Slack was promised is dropped.
    Debouncers' lanes are not waited for here: `Runtime.close` drains them, at once."""
    current = asyncio.current_task()
    skip = (exclude or set()) | lane_tasks()
    pending = [t for t in asyncio.all_tasks() if t is not current and t not in skip]
    if pending:
        _done, still = await asyncio.wait(pending, timeout=DRAIN_SECONDS)
        if still:
            log.warning(
                "%d task(s) still running after %ss; stopping anyway: %s",
                len(still),
                DRAIN_SECONDS,
                ", ".join(sorted(task.get_name() for task in still)),
            )
