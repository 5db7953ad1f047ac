"""Authors of anonymous ideas: kept apart from the ideas, read only to reach them privately.

An anonymous idea's `author_id` is `ANONYMOUS_AUTHOR`, so everything that lists or shows
ideas names nobody. `author_of` is the one way to learn whom to tell about an idea (status
DMs, learning prompts, offers, awards); it never feeds what is shown to others.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.anonymous_models import AnonymousAuthor
from storage.models import Idea
from storage.vocabulary import ANONYMOUS_AUTHOR


async def record(*, session: AsyncSession, idea_id: int, author_id: str) -> None:
    """Keep the real author of a just-stored anonymous idea."""
    session.add(AnonymousAuthor(idea_id=idea_id, author_id=author_id))
    await session.flush()


def written_by(author_id: str) -> sa.ColumnElement[bool]:
    """A condition on `ideas`: the idea is `author_id`'s, also one they shared anonymously
    (for lists that are theirs alone: their ideas, their retries, offers on their ideas)."""
    shared_anonymously = select(col(AnonymousAuthor.idea_id)).where(
        col(AnonymousAuthor.author_id) == author_id
    )
    return sa.or_(col(Idea.author_id) == author_id, col(Idea.id).in_(shared_anonymously))


def is_anonymous(idea: Idea) -> bool:
    return idea.author_id == ANONYMOUS_AUTHOR


async def author_of(*, session: AsyncSession, idea: Idea) -> str | None:
    """Who wrote the idea, to tell them about it privately; None only for an anonymous idea
    whose author row is gone."""
    if not is_anonymous(idea):
        return idea.author_id
    row = await session.get(AnonymousAuthor, idea.id)
    return row.author_id if row is not None else None


async def authors_of(*, session: AsyncSession, idea_ids: Iterable[int]) -> dict[int, str]:
    """Idea id → real author, for the anonymous ones among `idea_ids`."""
    ids = list(set(idea_ids))
    if not ids:
        return {}
    rows = await session.execute(
        select(col(AnonymousAuthor.idea_id), col(AnonymousAuthor.author_id)).where(
            col(AnonymousAuthor.idea_id).in_(ids)
        )
    )
    return {idea_id: author_id for idea_id, author_id in rows.tuples()}


async def ideas_of(*, session: AsyncSession, author_id: str) -> list[int]:
    """The ids of the anonymous ideas `author_id` shared, for their own eyes only."""
    rows = await session.execute(
        select(col(AnonymousAuthor.idea_id)).where(col(AnonymousAuthor.author_id) == author_id)
    )
    return list(rows.scalars())
