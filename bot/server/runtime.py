"""What every listener needs at run time, built once per process."""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk.web.async_client import AsyncWebClient

from bot.core.metrics import Metrics
from bot.core.settings import Settings
from bot.slack.access import SlackAccess
from bot.slack.client import build_web_client
from bot.slack.rate import CHAT_UPDATE_PER_MINUTE, RateLimiter
from bot.slack.users import UserDirectory
from bot.statuses.notices import StatusNotifier
from bot.votes.live_count import PostRefresher
from bot.votes.recorder import VoteRecorder
from storage.database import Database


@dataclass
class Runtime:
    settings: Settings
    db: Database
    client: AsyncWebClient
    metrics: Metrics = field(default_factory=Metrics)
    slack_access: SlackAccess = field(default_factory=SlackAccess)
    users: UserDirectory = field(init=False)
    posts: PostRefresher = field(init=False)
    votes: VoteRecorder = field(init=False)
    notices: StatusNotifier = field(init=False)

    def __post_init__(self) -> None:
        self.users = UserDirectory(self.client)
        self.posts = PostRefresher(
            db=self.db,
            client=self.client,
            settings=self.settings,
            users=self.users,
            limiter=RateLimiter(CHAT_UPDATE_PER_MINUTE),
        )
        self.notices = StatusNotifier(self)
        self.votes = VoteRecorder(
            self.db,
            self.users,
            vote_emojis=self.settings.vote_emojis,
            on_change=self.posts.request,
        )
        self.metrics.watch_votes(self.votes.verdicts)
        self.metrics.watch_slack_access(lambda: not self.slack_access.usable)

    @classmethod
    def build(cls, settings: Settings) -> Runtime:
        metrics, access = Metrics(), SlackAccess()
        return cls(
            settings=settings,
            db=Database(settings.database_url),
            client=build_web_client(
                token=settings.slack_bot_token,
                api_url=settings.slack_api_url,
                metrics=metrics,
                access=access,
            ),
            metrics=metrics,
            slack_access=access,
        )

    async def close(self) -> None:
        """Commit queued votes, send pending post updates, then let go of the database."""
        await self.votes.drain()
        await self.notices.drain()
        await self.posts.drain()
        await self.db.dispose()
