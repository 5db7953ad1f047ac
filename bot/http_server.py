"""HTTP mode: Bolt behind aiohttp's production server, plus a health check."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp

from bot import logs
from bot.runtime import Runtime
from bot.slack import inbound

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
# Slack's payloads are small; anything much larger is not from Slack.
MAX_BODY_BYTES = 1024 * 1024


def request_kind(content_type: str, body: str) -> str:
    """What a request to `EVENTS_PATH` carries, for metrics: cheap, and never trusted."""
    if content_type == "application/json":
        return "event"
    if body.startswith("payload=") or "&payload=" in body:
        return "interactive"
    if "command=" in body:
        return "command"
    return "other"


def build_web_app(bolt_app: AsyncApp, runtime: Runtime) -> web.Application:
    """Events, slash commands and interactivity all arrive at `EVENTS_PATH`."""
    db, metrics = runtime.db, runtime.metrics
    signing_secret = runtime.settings.slack_signing_secret

    async def slack_events(request: web.Request) -> web.Response:
        started = time.perf_counter()
        logs.request_id.set(logs.next_request_id())
        raw = await request.read()
        bolt_request = inbound.read(
            raw, request.headers, request.query_string, signing_secret=signing_secret
        )
        if isinstance(bolt_request, inbound.Refusal):
            kind = "refused"
            response = web.Response(status=bolt_request.status, text=bolt_request.reason)
        elif (minute := inbound.rate_limited_minute(bolt_request.body)) is not None:
            kind = "event"
            if inbound.is_signed(raw, request.headers, signing_secret):
                slack_dropped_events(runtime, minute)
                response = web.Response(status=200)
            else:
                response = web.Response(
                    status=inbound.UNSIGNED.status, text=inbound.UNSIGNED.reason
                )
        else:
            kind = request_kind(request.content_type, bolt_request.raw_body)
            response = await to_aiohttp_response(await bolt_app.async_dispatch(bolt_request))
        metrics.requests.labels(kind, str(response.status)).inc()
        metrics.ack_seconds.labels(kind).observe(time.perf_counter() - started)
        return response

    async def metrics_page(_request: web.Request) -> web.Response:
        return web.Response(
            body=metrics.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    async def healthz(_request: web.Request) -> web.Response:
        if await db.ping():
            return web.json_response({"status": "ok", "database": "ok"})
        return web.json_response({"status": "unavailable", "database": "unreachable"}, status=503)

    web_app = web.Application(client_max_size=MAX_BODY_BYTES)
    web_app.router.add_post(EVENTS_PATH, slack_events)
    web_app.router.add_get(HEALTH_PATH, healthz)
    web_app.router.add_get(METRICS_PATH, metrics_page)
    return web_app


def slack_dropped_events(runtime: Runtime, minute: int) -> None:
    """Slack's `app_rate_limited`: it dropped this app's events (votes among them) in `minute`."""
    runtime.metrics.app_rate_limited.inc()
    log.warning(
        "Slack dropped Lightbulb's events in the minute from %s UTC (app_rate_limited: over "
        "30,000 events an hour); votes from then may be missing: run `lightbulb reconcile`",
        datetime.fromtimestamp(minute, UTC).strftime("%Y-%m-%d %H:%M"),
    )


async def start_http(web_app: web.Application, *, host: str, port: int) -> web.AppRunner:
    """Start listening; `runner.cleanup()` stops accepting and lets in-flight requests end."""
    runner = web.AppRunner(web_app, handle_signals=False, access_log=None, shutdown_timeout=10)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


def bound_port(runner: web.AppRunner) -> int:
    """The port actually bound, for servers started on port 0."""
    return runner.addresses[0][1]
