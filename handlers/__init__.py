"""Slack listeners, one module per surface, all registered from `register`."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.home.publisher import HomePublisher
from bot.server.runtime import Runtime
from handlers import (
    actions,
    commands,
    events,
    home,
    installation,
    messages,
    shortcuts,
    statuses,
    views,
    welcome,
)


def register(app: AsyncApp, runtime: Runtime) -> None:
    """Each listener closes over the runtime: no per-request middleware is needed for it.

    Bolt tries listeners in the order they were registered, building its arguments for every
    matcher it asks; events come first because reactions outnumber everything else.
    """
    publisher = HomePublisher(runtime)
    events.register(app, runtime)
    home.register(app, runtime, publisher)
    welcome.register(app, runtime)
    installation.register(app, runtime)
    shortcuts.register(app)
    messages.register(app, runtime)
    commands.register(app, runtime)
    actions.register(app, runtime)
    statuses.register(app, runtime, publisher)
    views.register(app, runtime)
