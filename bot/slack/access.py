"""Whether Lightbulb may still talk to Slack: an app that was uninstalled, or whose bot token
was revoked, gets `invalid_auth` (or `token_revoked`) from every call. Scheduled posts, DMs and
Home tabs then stop rather than fail over and over; a new token and a restart bring them back
(start-up refuses a token Slack rejects)."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

# Slack's answers that mean the token will never work again.
REVOKED_ERRORS = frozenset({"invalid_auth", "token_revoked", "account_inactive", "not_authed"})

UNINSTALLED = "uninstalled"
CONNECTED = "ok"


class SlackAccess:
    def __init__(self) -> None:
        self.lost_because: str | None = None

    @property
    def usable(self) -> bool:
        return self.lost_because is None

    @property
    def state(self) -> str:
        """For `/healthz`."""
        return CONNECTED if self.usable else UNINSTALLED

    def lose(self, because: str) -> None:
        """Record that the token no longer works, and tell the operator once what to do."""
        if self.lost_because is not None:
            return
        self.lost_because = because
        log.error(
            "Slack no longer accepts Lightbulb's bot token (%s): the app was uninstalled or its "
            "token revoked. Scheduled posts, DMs and Home tabs are paused; nothing is lost. "
            "Reinstall the app (OAuth & Permissions → Install to Workspace), put the new Bot "
            "User OAuth Token in SLACK_BOT_TOKEN and restart Lightbulb.",
            because,
        )
