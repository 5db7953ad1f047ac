"""Turning reaction events into votes, exactly and fast.

Reactions are acknowledged to Slack first. Each one is then judged by `bot.votes.rules`, and the
ones that count are written by a group-commit writer: while one transaction is in flight,
the next events queue up and go into the following one. A burst of hundreds of votes costs
a handful of transactions, and because every write is an idempotent upsert keyed on
(idea, voter, emoji) and ordered by Slack's event timestamp, batching changes nothing about
the result.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.core.cache import LoadingCache
from bot.slack.payload import as_dict, as_text
from bot.slack.users import LookupFailed, SlackUser, UserDirectory
from bot.votes.rules import (
    IdeaPost,
    Verdict,
    base_emoji,
    judge_idea,
    judge_reaction,
    judge_voter,
)
from storage import votes
from storage.database import Database
from storage.votes import ReactionChange

log = logging.getLogger(__name__)

MAX_BATCH = 500
# How long the writer lets events gather before a transaction. Votes are acknowledged to
# Slack before this, so the wait costs nobody anything and saves transactions under load.
GATHER_SECONDS = 0.02
# Ideas change status rarely; a closed idea stops taking votes within this many seconds.
IDEA_CACHE_SECONDS = 5.0
# Only posts reacted to in the last IDEA_CACHE_SECONDS are worth keeping, and no workspace
# reacts to this many different posts in that time.
IDEA_CACHE_ENTRIES = 10_000
# A message this old that is not an idea post will never become one.
SETTLED_MESSAGE_SECONDS = 120.0
# How long a vote waits to learn whether its voter is a person. A slow `users.info` (a rate
# limit, a busy Slack) must not hold votes back: past this, the vote counts now and the voter
# is judged again when Slack answers, as `reconcile` does.
VOTER_LOOKUP_SECONDS = 0.5


@dataclass(frozen=True)
class Reaction:
    """The parts of a `reaction_added` / `reaction_removed` event the rules need."""

    added: bool
    voter_id: str
    reaction: str
    item_type: str
    channel_id: str
    message_ts: str
    event_ts: str

    @classmethod
    def from_event(cls, event: dict) -> Reaction:
        item = as_dict(event.get("item"))
        return cls(
            added=event.get("type") == "reaction_added",
            voter_id=as_text(event.get("user")),
            reaction=as_text(event.get("reaction")),
            item_type=as_text(item.get("type")),
            channel_id=as_text(item.get("channel")),
            message_ts=as_text(item.get("ts")),
            event_ts=as_text(event.get("event_ts")),
        )


class VoteRecorder:
    def __init__(
        self,
        db: Database,
        users: UserDirectory,
        *,
        vote_emojis: tuple[str, ...],
        on_change: Callable[[int], None],
        on_voters: Callable[[list[str]], None] | None = None,
    ) -> None:
        self._db = db
        self._users = users
        self._vote_emojis = frozenset(vote_emojis)
        self._on_change = on_change
        self._on_voters = on_voters
        self._posts: LoadingCache[tuple[str, str], IdeaPost | None] = LoadingCache(
            IDEA_CACHE_SECONDS, max_entries=IDEA_CACHE_ENTRIES
        )
        self._queue: list[tuple[ReactionChange, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None
        self._rejudging: set[asyncio.Task[None]] = set()
        self.verdicts: Counter[Verdict] = Counter()

    async def handle(self, reaction: Reaction) -> Verdict:
        """Judge one reaction and, when it counts, record it. Returns the verdict."""
        try:
            verdict = await self._handle(reaction)
        except BaseException:
            self.verdicts[Verdict.FAILED] += 1
            raise
        self.verdicts[verdict] += 1
        return verdict

    def forget_post(self, channel_id: str, message_ts: str) -> None:
        """Drop what is cached about a post, e.g. after its idea changed status."""
        self._posts.drop((channel_id, message_ts))

    async def _handle(self, reaction: Reaction) -> Verdict:
        verdict = judge_reaction(
            reaction=reaction.reaction, item_type=reaction.item_type, vote_emojis=self._vote_emojis
        )
        if verdict is not Verdict.COUNT:
            return verdict
        idea = await self._idea_post(reaction.channel_id, reaction.message_ts)
        verdict = judge_idea(voter_id=reaction.voter_id, idea=idea)
        if verdict is not Verdict.COUNT or idea is None:
            return verdict
        change = ReactionChange(
            idea_id=idea.idea_id,
            voter_id=reaction.voter_id,
            emoji=base_emoji(reaction.reaction),
            active=reaction.added,
            event_ts=reaction.event_ts,
        )
        if reaction.added:
            verdict = await self._judge_voter(change)
        if verdict is Verdict.COUNT:
            await self.write(change)
        return verdict

    async def _judge_voter(self, change: ReactionChange) -> Verdict:
        """Bots and people Slack does not know never vote. When Slack cannot tell us right
        now, the vote counts: losing a person's vote is worse than a rare bot's. When Slack is
        slow to tell, the vote counts now and the voter is judged when it answers."""
        known = self._users.cached(change.voter_id)
        if known is not None:
            return judge_voter(known)
        lookup = asyncio.ensure_future(self._users.get(change.voter_id))
        try:
            user = await asyncio.wait_for(asyncio.shield(lookup), VOTER_LOOKUP_SECONDS)
        except TimeoutError:
            self._judge_later(lookup, change)
            return Verdict.COUNT
        except LookupFailed as error:
            log.warning("could not look up voter %s, counting the vote: %s", change.voter_id, error)
            return Verdict.COUNT
        return judge_voter(user)

    def _judge_later(
        self, lookup: asyncio.Future[SlackUser | None], change: ReactionChange
    ) -> None:
        """Take the vote back if Slack says the voter is a bot or nobody it knows. The removal
        is stamped with the time of the answer, so it undoes that vote and nothing later."""

        async def rejudge() -> None:
            try:
                verdict = judge_voter(await lookup)
            except LookupFailed as error:
                log.warning(
                    "could not look up voter %s, keeping the vote: %s", change.voter_id, error
                )
                return
            if verdict is Verdict.COUNT:
                return
            log.info(
                "took back the vote of %s on idea %s: %s", change.voter_id, change.idea_id, verdict
            )
            await self.write(replace(change, active=False, event_ts=f"{time.time():.6f}"))

        task = asyncio.create_task(rejudge(), name="rejudge-voter")
        self._rejudging.add(task)
        task.add_done_callback(self._rejudging.discard)

    async def write(self, change: ReactionChange) -> None:
        """Queue a change for the next transaction and wait until it is committed."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.append((change, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_batches(), name="vote-writer")
        await done

    async def _write_batches(self) -> None:
        while self._queue:
            await asyncio.sleep(GATHER_SECONDS)
            batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
            try:
                async with self._db.session() as session:
                    await votes.apply_reactions(
                        session=session, changes=[change for change, _ in batch]
                    )
            except Exception as error:
                log.error("writing %d vote change(s) failed: %r", len(batch), error)
                for _, done in batch:
                    if not done.done():
                        done.set_exception(error)
                continue
            for _, done in batch:
                if not done.done():
                    done.set_result(None)
            # A redelivered event refreshes a post for nothing; the refresh is coalesced
            # and cheap, where learning which rows really changed costs every write.
            for idea_id in {change.idea_id for change, _ in batch}:
                self._on_change(idea_id)
            # Who just voted, for whoever records what is known about them (their department).
            if self._on_voters is not None:
                self._on_voters([change.voter_id for change, _ in batch if change.active])

    async def _idea_post(self, channel_id: str, message_ts: str) -> IdeaPost | None:
        async def load() -> IdeaPost | None:
            async with self._db.session() as session:
                idea = await votes.idea_by_post(
                    session=session, channel_id=channel_id, message_ts=message_ts
                )
            return IdeaPost(idea.id or 0, idea.author_id, idea.status) if idea else None

        return await self._posts.get(
            (channel_id, message_ts),
            load,
            keep=lambda post: post is not None or _is_settled(message_ts),
        )

    async def drain(self) -> None:
        """Wait for voters still being judged, then for queued votes to be committed (on
        shutdown)."""
        if self._rejudging:
            await asyncio.gather(*self._rejudging, return_exceptions=True)
        if self._writer is not None:
            await asyncio.gather(self._writer, return_exceptions=True)


def _is_settled(message_ts: str) -> bool:
    """A reaction can race the recording of a brand-new idea post; only older messages
    may be remembered as "not an idea"."""
    try:
        return time.time() - float(message_ts) > SETTLED_MESSAGE_SECONDS
    except ValueError:
        return True
