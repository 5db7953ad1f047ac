"""What a domain's service needs from the process, and nothing more.

`Context` is built once at start-up (`bot.server.runtime`) and passed to every service: the
settings, the database, the Slack client with its user directory, the metrics and whether Slack
still accepts the token. Domains that must tell each other about a change do it through
`Signals`, wired at start-up, so a domain calls what listens without importing it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from slack_sdk.web.async_client import AsyncWebClient

from bot.core.metrics import Metrics
from bot.core.settings import Settings
from bot.slack.access import SlackAccess
from bot.slack.users import UserDirectory
from storage.database import Database
from storage.models import Idea


def _nobody_listens(_: object) -> None:
    """A command-line run has no live posts or notifier to tell."""


@dataclass
class Signals:
    """Changes one domain announces and another acts on."""

    # The idea's status or votes changed: its post is redrawn, cached facts about it dropped.
    idea_changed: Callable[[Idea], None] = _nobody_listens
    # A status change was stored: its author and voters are told, batched (`bot.statuses`).
    status_changed: Callable[[int], None] = _nobody_listens
    # The idea's post is in Slack now (first try or a later retry): a challenge lists it.
    idea_posted: Callable[[Idea], None] = _nobody_listens
    # Someone offered help on the idea (by id), or edited their offer: its author is told,
    # batched (`bot.offers.notes`).
    help_offered: Callable[[int], None] = _nobody_listens


@dataclass
class Context:
    settings: Settings
    db: Database
    client: AsyncWebClient
    metrics: Metrics = field(default_factory=Metrics)
    slack_access: SlackAccess = field(default_factory=SlackAccess)
    signals: Signals = field(default_factory=Signals)
    users: UserDirectory = field(init=False)

    def __post_init__(self) -> None:
        self.users = UserDirectory(self.client)
