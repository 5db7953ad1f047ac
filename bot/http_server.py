"""HTTP mode: Bolt behind aiohttp's production server, plus a health check."""

from __future__ import annotations

import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from storage.database import Database

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
# Slack's payloads are small; anything much larger is not from Slack.
MAX_BODY_BYTES = 1024 * 1024


def build_web_app(bolt_app: AsyncApp, db: Database) -> web.Application:
    """Events, slash commands and interactivity all arrive at `EVENTS_PATH`."""

    async def slack_events(request: web.Request) -> web.Response:
        bolt_response = await bolt_app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def healthz(_request: web.Request) -> web.Response:
        if await db.ping():
            return web.json_response({"status": "ok", "database": "ok"})
        return web.json_response({"status": "unavailable", "database": "unreachable"}, status=503)

    web_app = web.Application(client_max_size=MAX_BODY_BYTES)
    web_app.router.add_post(EVENTS_PATH, slack_events)
    web_app.router.add_get(HEALTH_PATH, healthz)
    return web_app


async def start_http(web_app: web.Application, *, host: str, port: int) -> web.AppRunner:
    """Start listening; `runner.cleanup()` stops accepting and lets in-flight requests end."""
    runner = web.AppRunner(web_app, handle_signals=False, access_log=None, shutdown_timeout=10)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


def bound_port(runner: web.AppRunner) -> int:
    """The port actually bound, for servers started on port 0."""
    return runner.addresses[0][1]
