"""The Bolt app: one factory used by the server, Socket Mode and the tests alike."""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.response import BoltResponse

import handlers
from bot.server.runtime import Runtime

log = logging.getLogger(__name__)

SORRY = (
    ":warning: Something went wrong on Lightbulb's side and it has been logged. "
    "Please try again in a minute."
)


def build_app(runtime: Runtime) -> AsyncApp:
    app = AsyncApp(
        client=runtime.client,
        signing_secret=runtime.settings.slack_signing_secret,
        # The HTTP server checks every signature before Bolt sees the request
        # (`bot.slack.inbound`); Bolt's own check would log an unsigned body in full.
        request_verification_enabled=False,
        process_before_response=False,
        logger=logging.getLogger("lightbulb.bolt"),
    )
    handlers.register(app, runtime)
    app.error(_report_error)
    return app


async def _report_error(
    error: Exception, body: dict, context: AsyncBoltContext, response: BoltResponse | None
) -> BoltResponse | None:
    """Log with the trace for operators; people only ever see a plain sentence."""
    log.error(
        "listener failed for %s: %r", body.get("type") or body.get("command"), error, exc_info=error
    )
    respond = context.respond
    if respond is not None:
        try:
            await respond(text=SORRY)
        except Exception as notify_error:
            log.warning("could not tell the user about the failure: %r", notify_error)
    return response
