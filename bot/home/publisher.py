"""The App Home, published lazily: when someone opens the tab, never in the background.

Opening the tab a hundred times a minute must not cost a hundred `views.publish` calls:
each person's Home is built at most once every PUBLISH_EVERY seconds (opens in between are
served by one build at the end of the interval), and published only when it differs from
what was published last. Because the Home is rebuilt from the
database on open, a changed idea shows the next time anyone whose Home shows it opens it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from datetime import UTC, datetime

from slack_sdk.models.views import View

from bot.core.cache import LoadingCache
from bot.core.clock import today
from bot.core.debounce import Debouncer
from bot.foundation.context import Context
from bot.home import blocks
from bot.ideas.leaderboard import parse_period
from bot.numbers import service as numbers
from bot.offers import blocks as offer_blocks
from bot.slack.posting import SLACK_FAILURES, error_code
from bot.themes import rules as theme_rules
from storage import challenges, home, offers, themes, votes
from storage.models import Idea
from storage.vocabulary import ChallengeStatus

log = logging.getLogger(__name__)

PUBLISH_EVERY = 5.0
# The month's numbers aggregate every vote of the month: every Home built within this many
# seconds shares one computation, so a busy Home costs one aggregate a half-minute at most.
NUMBERS_EVERY = 30.0


class HomePublisher:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._published: dict[str, str] = {}  # user → digest of the view last published
        self._pages: dict[str, int] = {}
        self._last: dict[str, float] = {}  # user → when their Home was last built
        self.publishes = 0
        self._numbers: LoadingCache[str, numbers.HomeNumbers] = LoadingCache(
            NUMBERS_EVERY, max_entries=4
        )
        # An open while the person's Home is being built is served by that build.
        self._due: Debouncer[str] = Debouncer(
            self._publish_due,
            delay=self._until_due,
            name="home",
            per_key=True,
            join_in_flight=True,
        )

    def opened(self, user_id: str, *, page: int | None = None) -> None:
        if not self._ctx.slack_access.usable:
            return
        if page is not None:
            self._pages[user_id] = max(0, page)
        self._due.request(user_id)

    async def drain(self) -> None:
        """Publish the Home tabs still due now (on shutdown)."""
        await self._due.drain()

    def _until_due(self, user_id: str) -> float:
        """Publish now, or at the end of the person's current interval: every open in
        between is served by that one publish."""
        return self._last.get(user_id, -PUBLISH_EVERY) + PUBLISH_EVERY - time.monotonic()

    async def _publish_due(self, users: set[str]) -> None:
        (user_id,) = users
        self._last[user_id] = time.monotonic()
        try:
            await self.publish(user_id)
        except SLACK_FAILURES as error:
            log.warning("the Home of %s was not published: %s", user_id, error_code(error))
        except Exception:
            log.exception("building the Home of %s failed", user_id)

    async def publish(self, user_id: str) -> bool:
        """Build the person's Home and publish it if it changed; True if it was published."""
        view = (await self.build(user_id)).to_dict()
        digest = hashlib.sha256(json.dumps(view, sort_keys=True).encode()).hexdigest()
        if self._published.get(user_id) == digest:
            return False
        await self._ctx.client.views_publish(user_id=user_id, view=view)
        self._published[user_id] = digest
        self.publishes += 1
        return True

    async def show_page(self, user_id: str, page: int) -> None:
        """An admin paging through the review queue sees the page now, not in a moment."""
        self._pages[user_id] = max(0, page)
        await self.publish(user_id)

    async def build(self, user_id: str) -> View:
        ctx = self._ctx
        settings = ctx.settings
        now = datetime.now(UTC)
        month = parse_period("month", now=now, tz=settings.tz)
        assert month is not None and month.since is not None
        is_admin = user_id in settings.admin_user_ids
        page = self._pages.get(user_id, 0)
        async with ctx.db.session() as session:
            mine, total = await votes.ideas_of(
                session=session, author_id=user_id, limit=blocks.MY_IDEAS_SHOWN
            )
            experiments = await home.running_experiments_of(session=session, owner_id=user_id)
            top = await votes.leaderboard(
                session=session, since=month.since, limit=blocks.TOP_SHOWN
            )
            help_offered = await offers.on_ideas(
                session=session,
                author_id=None if is_admin else user_id,
                limit=offer_blocks.HOME_OFFERS_SHOWN,
            )
            open_challenges = await challenges.in_status(
                session=session, statuses=[ChallengeStatus.OPEN]
            )
            review: list[Idea] = []
            review_total = 0
            # A theme's owner who is not an admin reviews the ideas in their own themes.
            owned = [] if is_admin else await themes.owned_by(session=session, user_id=user_id)
            if is_admin or owned:

                async def queue(number: int) -> tuple[list[Idea], int]:
                    offset, limit = number * blocks.REVIEW_PAGE_SIZE, blocks.REVIEW_PAGE_SIZE
                    return await home.review_queue(
                        session=session,
                        offset=offset,
                        limit=limit,
                        theme_ids=None if is_admin else [theme.id or 0 for theme in owned],
                    )

                review, review_total = await queue(page)
                if not review and review_total and page:
                    page = (review_total - 1) // blocks.REVIEW_PAGE_SIZE
                    self._pages[user_id] = page
                    review, review_total = await queue(page)
        month_numbers = await self._numbers.get(
            f"{now.astimezone(settings.tz):%Y-%m}", lambda: numbers.for_home(ctx, now=now)
        )
        local_today = today(settings.tz, now=now)
        overdue = {
            idea.id or 0: late
            for idea in review
            if (
                late := theme_rules.days_overdue(
                    idea.status,
                    idea.created_at,
                    today=local_today,
                    tz=settings.tz,
                    within=settings.review_within_days,
                )
            )
        }
        return blocks.home_view(
            blocks.HomeData(
                user_id=user_id,
                is_admin=is_admin,
                today=today(settings.tz, now=now),
                month=f"{now.astimezone(settings.tz):%B}",
                my_ideas=mine,
                my_ideas_total=total,
                my_experiments=experiments,
                top=top,
                numbers=month_numbers,
                review=review,
                review_total=review_total,
                review_page=page,
                overdue=overdue,
                owned_themes=[theme.name for theme in owned],
                open_challenges=open_challenges,
                help_offered=help_offered,
            )
        )
