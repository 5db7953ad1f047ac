"""The Bolt app: one factory used by the server, Socket Mode and the tests alike."""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.response import BoltResponse

from bot.server.runtime import Runtime
from handlers import (
    actions,
    challenges,
    challenges_close,
    commands,
    conversations,
    duplicates,
    events,
    evidence,
    exploration,
    home,
    installation,
    messages,
    offers,
    options,
    search,
    shortcuts,
    similar,
    statuses,
    teams,
    themes,
    views,
    welcome,
)

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
    register(app, runtime)
    app.error(_report_error)
    return app


def register(app: AsyncApp, runtime: Runtime) -> None:
    """Each listener closes over what it needs: no per-request middleware is needed for it.

    Bolt tries listeners in the order they were registered, building its arguments for every
    matcher it asks; events come first because reactions outnumber everything else.
    """
    events.register(app, runtime.votes)
    home.register(app, runtime, runtime.home)
    welcome.register(app, runtime)
    installation.register(app, runtime)
    shortcuts.register(app, runtime)
    conversations.register(app, runtime)
    evidence.register(app, runtime)
    options.register(app, runtime)
    search.register(app, runtime)
    messages.register(app, runtime)
    commands.register(app, runtime)
    similar.register(app, runtime)
    actions.register(app, runtime)
    challenges.register(app, runtime)
    challenges_close.register(app, runtime)
    statuses.register(app, runtime, runtime.home)
    themes.register(app, runtime)
    exploration.register(app, runtime)
    offers.register(app, runtime)
    duplicates.register(app, runtime)
    teams.register(app, runtime)
    views.register(app, runtime)


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
