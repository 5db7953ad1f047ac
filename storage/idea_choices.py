"""Ideas as the searchable idea menus list them: a number and a summary, in Slack only."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import Idea


@dataclass(frozen=True)
class IdeaChoice:
    id: int
    text: str
    status: str


async def posted_ideas(
    *, session: AsyncSession, ids: Sequence[int], statuses: Collection[str] | None = None
) -> list[IdeaChoice]:
    """The ideas among `ids` that are in Slack (and in `statuses`, if given), in the order of
    `ids`: the order a search ranked them in."""
    if not ids:
        return []
    query = select(Idea.id, Idea.text, Idea.status).where(
        col(Idea.id).in_(list(ids)), col(Idea.permalink).is_not(None)
    )
    if statuses is not None:
        query = query.where(col(Idea.status).in_(list(statuses)))
    found = {
        row.id: IdeaChoice(row.id, row.text, row.status) for row in await session.execute(query)
    }
    return [found[idea_id] for idea_id in dict.fromkeys(ids) if idea_id in found]


async def newest_posted_ideas(
    *, session: AsyncSession, limit: int, statuses: Collection[str] | None = None
) -> list[IdeaChoice]:
    """The most recently captured ideas that are in Slack (and in `statuses`, if given)."""
    query = select(Idea.id, Idea.text, Idea.status).where(col(Idea.permalink).is_not(None))
    if statuses is not None:
        query = query.where(col(Idea.status).in_(list(statuses)))
    rows = await session.execute(query.order_by(col(Idea.id).desc()).limit(limit))
    return [IdeaChoice(row.id, row.text, row.status) for row in rows]
