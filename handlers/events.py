"""Reaction events. Every subscribed event has a listener (this module, `handlers.home`,
`handlers.welcome` and `handlers.installation`), because Bolt answers 404 to an unhandled
event and Slack disables apps whose events fail too often."""

from __future__ import annotations

import logging
import re

from slack_bolt.async_app import AsyncApp

from bot.votes.recorder import Reaction, VoteRecorder

log = logging.getLogger(__name__)

REACTION_EVENTS = re.compile(r"^reaction_(added|removed)$")


def register(app: AsyncApp, votes: VoteRecorder) -> None:
    async def on_reaction(event: dict) -> None:
        await reaction_changed(votes, event)

    app.event(REACTION_EVENTS)(on_reaction)


async def reaction_changed(votes: VoteRecorder, event: dict) -> None:
    """Bolt has already acknowledged the event; judging and recording the vote follows."""
    reaction = Reaction.from_event(event)
    verdict = await votes.handle(reaction)
    log.debug("%s %s by %s: %s", event.get("type"), reaction.reaction, reaction.voter_id, verdict)
