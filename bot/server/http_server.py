"""HTTP mode: Bolt behind aiohttp's production server, plus a health check."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp

from bot.core import logs
from bot.core.metrics import Metrics
from bot.server import connections
from bot.server.runtime import Runtime
from bot.slack import inbound
from bot.votes.reconcile import DroppedEventsRepair

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
# Slack's payloads are small; anything much larger is not from Slack.
MAX_BODY_BYTES = 1024 * 1024
REFUSAL_LOG_EVERY = 60.0
TOO_LARGE = "This request is larger than any Slack sends."
TOO_SLOW = "The request body did not arrive in time."


def request_kind(content_type: str, body: str) -> str:
    """What a request to `EVENTS_PATH` carries, for metrics: cheap, and never trusted."""
    if content_type == "application/json":
        return "event"
    if body.startswith("payload=") or "&payload=" in body:
        return "interactive"
    if "command=" in body:
        return "command"
    return "other"


def build_web_app(
    bolt_app: AsyncApp, runtime: Runtime, *, body_seconds: float = connections.BODY_SECONDS
) -> web.Application:
    """Events, slash commands and interactivity all arrive at `EVENTS_PATH`."""
    metrics = runtime.metrics
    signing_secret = runtime.settings.slack_signing_secret

    refusals = logs.Throttle(REFUSAL_LOG_EVERY)
    repair = DroppedEventsRepair(runtime)

    def refused(status: int, reason: str, kind: str, request: web.Request) -> web.Response:
        """Refusals are logged once per kind a minute, with the reason and never the body."""
        held = refusals.allow(kind)
        if held is not None:
            log.warning(
                "refused a request to %s from %s with %d: %s (%d more like it since the last "
                "report)",
                EVENTS_PATH,
                request.remote,
                status,
                kind,
                held,
            )
        return web.Response(status=status, text=reason)

    async def slack_events(request: web.Request) -> web.Response:
        started = time.perf_counter()
        logs.request_id.set(logs.next_request_id())
        try:
            raw = await connections.read_body(request, body_seconds)
        except web.HTTPRequestEntityTooLarge:
            metrics.requests.labels("refused", "413").inc()
            return refused(413, TOO_LARGE, "a body larger than Slack sends", request)
        if raw is None:
            metrics.connections_closed.labels("slow_request").inc()
            return refused(408, TOO_SLOW, "the body did not arrive in time", request)
        if inbound.is_ssl_check(raw, request.content_type):
            kind, response = "ssl_check", web.Response(status=200)
        elif isinstance(
            bolt_request := inbound.read(
                raw, request.headers, request.query_string, signing_secret=signing_secret
            ),
            inbound.Refusal,
        ):
            kind = "refused"
            response = refused(bolt_request.status, bolt_request.reason, bolt_request.kind, request)
        elif (minute := inbound.rate_limited_minute(bolt_request.body)) is not None:
            kind = "event"
            slack_dropped_events(runtime, minute)
            repair.schedule(minute)
            response = web.Response(status=200)
        else:
            kind = request_kind(request.content_type, bolt_request.raw_body)
            response = await to_aiohttp_response(await bolt_app.async_dispatch(bolt_request))
        metrics.requests.labels(kind, str(response.status)).inc()
        metrics.ack_seconds.labels(kind).observe(time.perf_counter() - started)
        return response

    async def stop_repair(_app: web.Application) -> None:
        await repair.close()

    web_app = web.Application(client_max_size=MAX_BODY_BYTES)
    web_app.router.add_post(EVENTS_PATH, slack_events)
    web_app.router.add_get(HEALTH_PATH, _health_check(runtime))
    web_app.on_cleanup.append(stop_repair)
    return web_app


def build_metrics_app(runtime: Runtime) -> web.Application:
    """`/metrics` and a second `/healthz`, for a listener only the operator's network reaches:
    what the bot counts is nobody else's business, and its health check keeps answering while
    the public port is flooded."""
    metrics = runtime.metrics

    async def metrics_page(_request: web.Request) -> web.Response:
        return web.Response(
            body=metrics.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    web_app = web.Application(client_max_size=0)
    web_app.router.add_get(METRICS_PATH, metrics_page)
    web_app.router.add_get(HEALTH_PATH, _health_check(runtime))
    return web_app


def _health_check(runtime: Runtime) -> Callable[[web.Request], Awaitable[web.Response]]:
    db = runtime.db

    async def healthz(_request: web.Request) -> web.Response:
        # An uninstalled app stays "ok": restarting it would not help, a new token does.
        slack = runtime.slack_access.state
        if await db.ping():
            return web.json_response({"status": "ok", "database": "ok", "slack": slack})
        return web.json_response(
            {"status": "unavailable", "database": "unreachable", "slack": slack}, status=503
        )

    return healthz


def slack_dropped_events(runtime: Runtime, minute: int) -> None:
    """Slack's `app_rate_limited`: it dropped this app's events (votes among them) in `minute`."""
    runtime.metrics.app_rate_limited.inc()
    log.error(
        "Slack dropped Lightbulb's events in the minute from %s UTC (app_rate_limited: over "
        "30,000 events an hour); votes from then may be missing. Lightbulb re-reads the ideas "
        "active in the hour before once that minute is over; for older ideas, run "
        "`lightbulb reconcile`",
        datetime.fromtimestamp(minute, UTC).strftime("%Y-%m-%d %H:%M"),
    )


@dataclass
class Listener:
    """One listening socket serving one aiohttp application."""

    runner: web.AppRunner
    server: asyncio.Server
    guard: connections.ConnectionGuard

    @property
    def port(self) -> int:
        """The port actually bound, for listeners started on port 0."""
        return int(self.server.sockets[0].getsockname()[1])

    async def close(self) -> None:
        """Stop accepting, let requests in flight end, then close what is left."""
        self.server.close()
        await self.runner.cleanup()
        await self.server.wait_closed()


async def start_http(
    web_app: web.Application,
    *,
    host: str,
    port: int,
    metrics: Metrics,
    max_open: int | None = None,
    header_seconds: float = connections.HEADER_SECONDS,
    keepalive_seconds: float = connections.KEEPALIVE_SECONDS,
) -> Listener:
    """Start listening, with every connection bounded (`bot.server.connections`)."""
    guard = connections.ConnectionGuard(
        max_open=connections.descriptor_bound() if max_open is None else max_open,
        header_seconds=header_seconds,
        on_close=lambda reason: metrics.connections_closed.labels(reason).inc(),
    )
    web_app.middlewares.insert(0, guard.middleware)
    runner = web.AppRunner(
        web_app,
        handle_signals=False,
        access_log=None,
        shutdown_timeout=10,
        keepalive_timeout=keepalive_seconds,
    )
    await runner.setup()
    assert runner.server is not None
    server = await asyncio.get_running_loop().create_server(
        guard.protocol_factory(runner.server), host, port, reuse_address=True
    )
    return Listener(runner, server, guard)
