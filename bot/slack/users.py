"""Who people are, as Slack says: bot or human, still here or gone, timezone, title.

Looked up with `users.info` (and `users.list` in bulk), cached with a time-to-live so that a
burst of events from the same people costs Slack nothing, and concurrent look-ups of one
person share a single request.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.cache import LoadingCache
from bot.slack.posting import error_code

log = logging.getLogger(__name__)

USER_TTL_SECONDS = 12 * 3600
# The largest companies have about 100,000 people; the rest is room for guests and people in
# shared channels, so that loading the whole directory at start-up evicts nobody. Full, it
# holds about 110 MB (bench/cache_memory.py).
USER_CACHE_ENTRIES = 150_000
SLACKBOT = "USLACKBOT"


@dataclass(frozen=True)
class SlackUser:
    id: str
    name: str
    is_bot: bool
    deleted: bool
    tz: str | None
    title: str

    @classmethod
    def from_api(cls, user: dict) -> SlackUser:
        profile = user.get("profile") or {}
        name = (
            profile.get("display_name")
            or profile.get("real_name")
            or user.get("real_name")
            or user.get("name")
            or user.get("id", "")
        )
        return cls(
            id=user["id"],
            name=name,
            is_bot=bool(user.get("is_bot")) or user["id"] == SLACKBOT,
            deleted=bool(user.get("deleted")),
            tz=user.get("tz"),
            title=profile.get("title") or "",
        )

    def timezone(self, default: ZoneInfo) -> ZoneInfo:
        """Their own timezone from their Slack profile; `default` (the programme's) when the
        profile has none or one this machine does not know."""
        if self.tz:
            try:
                return ZoneInfo(self.tz)
            except (ZoneInfoNotFoundError, ValueError):
                log.warning("unknown timezone %r for %s", self.tz, self.id)
        return default


class LookupFailed(Exception):
    """Slack could not say who this is right now (rate limit, outage)."""


class UserDirectory:
    def __init__(self, client: AsyncWebClient, *, ttl: float = USER_TTL_SECONDS) -> None:
        self._client = client
        self._people: LoadingCache[str, SlackUser | None] = LoadingCache(
            ttl, max_entries=USER_CACHE_ENTRIES
        )
        self._lookups: set[asyncio.Future[list[SlackUser | BaseException | None]]] = set()

    def cached(self, user_id: str) -> SlackUser | None:
        return self._people.peek(user_id)

    def remember(self, user: SlackUser) -> None:
        self._people.put(user.id, user)

    async def get(self, user_id: str) -> SlackUser | None:
        """The person, or None when Slack does not know them. Raises `LookupFailed`."""
        return await self._people.get(user_id, lambda: self._fetch(user_id))

    async def reachable(self, user_id: str) -> bool:
        """Whether a DM to them would reach a person: not a bot, not a deactivated account,
        not someone Slack does not know. When Slack cannot say right now, yes: telling someone
        is better than silence."""
        try:
            user = await self.get(user_id)
        except LookupFailed:
            return True
        return user is not None and not user.deleted and not user.is_bot

    async def some(
        self, user_ids: Iterable[str], *, look_up: int, wait: float
    ) -> dict[str, SlackUser]:
        """Who these people are, by id: those already known, and the first `look_up` of the
        others, asked of Slack together (a look-up already under way is shared). Slack gets
        `wait` seconds to answer; past that, the people known by then, and the look-ups go on
        and are kept for next time. People Slack does not know, or cannot say anything about
        right now, are left out."""
        wanted = list(dict.fromkeys(user_ids))
        unseen = [person for person in wanted if person not in self._people][:look_up]
        if unseen:
            lookups = asyncio.gather(*map(self.get, unseen), return_exceptions=True)
            self._lookups.add(lookups)
            lookups.add_done_callback(self._looked_up)
            await asyncio.wait([lookups], timeout=wait)
        return {person: user for person in wanted if (user := self.cached(person)) is not None}

    def _looked_up(self, lookups: asyncio.Future[list[SlackUser | BaseException | None]]) -> None:
        self._lookups.discard(lookups)
        if lookups.cancelled():
            return
        failed: list[LookupFailed] = []
        for outcome in lookups.result():
            if isinstance(outcome, LookupFailed):
                failed.append(outcome)
            elif isinstance(outcome, Exception):
                log.error("looking someone up failed", exc_info=outcome)
        if failed:
            log.warning("could not look up %d people, left out for now: %s", len(failed), failed[0])

    async def _fetch(self, user_id: str) -> SlackUser | None:
        try:
            response = await self._client.users_info(user=user_id)
        except SlackApiError as error:
            if error.response.get("error") == "user_not_found":
                return None
            raise LookupFailed(error_code(error)) from None
        except (SlackClientError, OSError, TimeoutError) as error:
            raise LookupFailed(repr(error)) from None
        return SlackUser.from_api(response["user"])

    async def prefetch(self, *, page_size: int = 200) -> int:
        """Load the whole directory with `users.list` (few calls for many people)."""
        cursor, loaded = None, 0
        while True:
            response = await self._client.users_list(limit=page_size, cursor=cursor)
            for member in response.get("members") or []:
                self.remember(SlackUser.from_api(member))
                loaded += 1
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return loaded
