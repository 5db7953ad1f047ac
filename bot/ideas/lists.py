"""`/idea mine` and `/idea top`: the lists a person asks for, as private replies."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.foundation.context import Context
from bot.ideas import anonymity, answer_blocks
from bot.ideas.leaderboard import parse_period
from storage import votes


async def my_ideas(ctx: Context, *, author_id: str) -> dict:
    async with ctx.db.session() as session:
        rows, total = await votes.ideas_of(session=session, author_id=author_id)
    # Their anonymous ideas are listed too, marked: this reply is theirs alone.
    entries = [
        (idea.id or 0, idea.text, idea.permalink, n, f"{idea.status}{anonymity.own_mark(idea)}")
        for idea, n in rows
    ]
    return answer_blocks.my_ideas_message(entries, total=total)


async def top_ideas(ctx: Context, *, text: str, now: datetime | None = None) -> dict:
    period = parse_period(text, now=now or datetime.now(UTC), tz=ctx.settings.tz)
    async with ctx.db.session() as session:
        rows = await votes.leaderboard(session=session, since=period.since)
    entries = [(idea.id or 0, idea.text, idea.permalink, count) for idea, count in rows]
    other = "all" if period.name == "month" else "month"
    return answer_blocks.leaderboard_message(entries, label=period.label, other_period=other)
