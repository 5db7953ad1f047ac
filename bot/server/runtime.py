"""The process's one context, with the workers that live as long as it does.

Domains only ever see the narrow `Context`; the runtime adds what needs a lifetime (queued
votes, pending post refreshes, batched status and offer DMs, App Home publishing) and wires
the signals between domains, so that no domain imports another's worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.challenges.card import CardRefresher
from bot.challenges.entries import EntryLister
from bot.conversations.thread_replies import SourceReplies
from bot.core.metrics import Metrics
from bot.core.settings import Settings
from bot.foundation.context import Context
from bot.home.publisher import HomePublisher
from bot.ideas import anonymity
from bot.offers.notes import OfferNotes
from bot.people.newcomers import Newcomers
from bot.slack.access import SlackAccess
from bot.slack.client import build_web_client
from bot.slack.rate import CHAT_UPDATE_PER_MINUTE, RateLimiter
from bot.statuses.notices import StatusNotifier
from bot.votes.live_count import PostRefresher
from bot.votes.recorder import VoteRecorder
from storage.database import Database
from storage.models import Idea


@dataclass
class Runtime(Context):
    posts: PostRefresher = field(init=False)
    votes: VoteRecorder = field(init=False)
    notices: StatusNotifier = field(init=False)
    home: HomePublisher = field(init=False)
    challenge_cards: CardRefresher = field(init=False)
    challenge_entries: EntryLister = field(init=False)
    source_replies: SourceReplies = field(init=False)
    newcomers: Newcomers = field(init=False)
    offer_notes: OfferNotes = field(init=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.posts = PostRefresher(
            db=self.db,
            client=self.client,
            settings=self.settings,
            users=self.users,
            limiter=RateLimiter(CHAT_UPDATE_PER_MINUTE),
        )
        self.notices = StatusNotifier(self)
        self.offer_notes = OfferNotes(self)
        self.home = HomePublisher(self)
        # Voters and authors not in `people` yet get their department looked up and filled in.
        self.newcomers = Newcomers(self)
        self.votes = VoteRecorder(
            self.db,
            self.users,
            vote_emojis=self.settings.vote_emojis,
            on_change=self._votes_changed,
            on_voters=self.newcomers.note,
        )
        self.challenge_cards = CardRefresher(self)
        self.challenge_entries = EntryLister(self, on_listed=self.challenge_cards.request)
        self.source_replies = SourceReplies(self)
        self.signals.idea_posted = self._idea_posted
        self.signals.idea_changed = self._idea_changed
        self.signals.status_changed = self.notices.queue
        self.signals.help_offered = self.offer_notes.queue
        self.metrics.watch_votes(self.votes.verdicts)
        self.metrics.watch_slack_access(lambda: not self.slack_access.usable)

    def _idea_changed(self, idea: Idea) -> None:
        if idea.channel_id and idea.message_ts:
            self.votes.forget_post(idea.channel_id, idea.message_ts)
        self.posts.request(idea.id or 0)
        if idea.challenge_id:
            self.challenge_cards.request(idea.challenge_id)

    def _idea_posted(self, idea: Idea) -> None:
        self.challenge_entries.idea_posted(idea)
        self.source_replies.idea_posted(idea)
        # An anonymous idea's author_id is nobody to look up (and its department stays unset).
        if not anonymity.is_anonymous(idea):
            self.newcomers.note([idea.author_id])

    def _votes_changed(self, idea_id: int) -> None:
        self.posts.request(idea_id)
        # A vote on an idea in a challenge changes its card's count of voters.
        self.challenge_cards.votes_changed(idea_id)

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
        await self.newcomers.drain()
        await self.notices.drain()
        await self.offer_notes.drain()
        await self.posts.drain()
        await self.challenge_entries.drain()
        await self.source_replies.drain()
        await self.challenge_cards.drain()
        await self.home.drain()
        await self.db.dispose()
