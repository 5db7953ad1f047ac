"""Themes, and which idea points at which."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import Idea, Theme
from storage.vocabulary import IdeaStatus


async def create_theme(
    *, session: AsyncSession, name: str, vision: str, owner_id: str, emoji: str, created_by: str
) -> Theme:
    theme = Theme(name=name, vision=vision, owner_id=owner_id, emoji=emoji, created_by=created_by)
    session.add(theme)
    await session.flush()
    return theme


async def get_theme(*, session: AsyncSession, theme_id: int) -> Theme | None:
    return await session.get(Theme, theme_id)


async def theme_named(*, session: AsyncSession, name: str) -> Theme | None:
    """The theme with this name, in any letter case, archived or not."""
    result = await session.execute(
        select(Theme).where(sa.func.lower(col(Theme.name)) == name.strip().lower())
    )
    return result.scalars().first()


async def themes(*, session: AsyncSession, archived: bool = False) -> list[Theme]:
    """Active themes by name; with `archived`, the archived ones too."""
    query = select(Theme).order_by(sa.func.lower(col(Theme.name)))
    if not archived:
        query = query.where(col(Theme.archived_at).is_(None))
    return list((await session.execute(query)).scalars())


async def themes_by_id(*, session: AsyncSession, theme_ids: Iterable[int]) -> dict[int, Theme]:
    ids = set(theme_ids)
    if not ids:
        return {}
    result = await session.execute(select(Theme).where(col(Theme.id).in_(ids)))
    return {theme.id or 0: theme for theme in result.scalars()}


async def update_theme(
    *, session: AsyncSession, theme_id: int, name: str, vision: str, owner_id: str, emoji: str
) -> Theme | None:
    theme = await session.get(Theme, theme_id)
    if theme is None:
        return None
    theme.name, theme.vision, theme.owner_id, theme.emoji = name, vision, owner_id, emoji
    await session.flush()
    return theme


async def set_archived(
    *, session: AsyncSession, theme_id: int, archived_at: datetime | None
) -> Theme | None:
    """Archive a theme (or bring it back, with None). Its ideas keep it."""
    theme = await session.get(Theme, theme_id)
    if theme is None:
        return None
    theme.archived_at = archived_at
    await session.flush()
    return theme


async def idea_count(*, session: AsyncSession, theme_id: int) -> int:
    result = await session.execute(
        select(sa.func.count()).select_from(Idea).where(col(Idea.theme_id) == theme_id)
    )
    return int(result.scalar_one())


async def set_idea_theme(
    *, session: AsyncSession, idea_id: int, theme_id: int | None
) -> Idea | None:
    idea = await session.get(Idea, idea_id)
    if idea is None:
        return None
    idea.theme_id = theme_id
    await session.flush()
    return idea


async def owned_by(*, session: AsyncSession, user_id: str) -> list[Theme]:
    """The themes, active or archived, this person owns."""
    result = await session.execute(select(Theme).where(col(Theme.owner_id) == user_id))
    return list(result.scalars())


async def awaiting_first_decision(*, session: AsyncSession, theme_ids: Iterable[int]) -> list[Idea]:
    """Posted ideas in these themes that nobody has decided on yet (still `new`), oldest first."""
    ids = set(theme_ids)
    if not ids:
        return []
    result = await session.execute(
        select(Idea)
        .where(
            col(Idea.theme_id).in_(ids),
            col(Idea.status) == IdeaStatus.NEW,
            col(Idea.message_ts).is_not(None),
        )
        .order_by(col(Idea.created_at), col(Idea.id))
    )
    return list(result.scalars())


async def owns_theme_of(*, session: AsyncSession, user_id: str, idea_id: int) -> bool:
    """Whether this person owns the theme the idea points at (archived or not)."""
    result = await session.execute(
        select(Theme.id)
        .join(Idea, col(Idea.theme_id) == col(Theme.id))
        .where(col(Idea.id) == idea_id, col(Theme.owner_id) == user_id)
    )
    return result.first() is not None


async def idea_counts(*, session: AsyncSession) -> dict[int, int]:
    """How many ideas point at each theme, by theme id (themes with none are left out)."""
    result = await session.execute(
        select(col(Idea.theme_id), sa.func.count())
        .where(col(Idea.theme_id).is_not(None))
        .group_by(col(Idea.theme_id))
    )
    return {int(theme_id or 0): int(count) for theme_id, count in result.all()}


async def posted_ideas_in(*, session: AsyncSession, theme_id: int) -> list[Idea]:
    """The theme's ideas that are in Slack, whose posts show the theme."""
    result = await session.execute(
        select(Idea)
        .where(col(Idea.theme_id) == theme_id, col(Idea.message_ts).is_not(None))
        .order_by(col(Idea.id))
    )
    return list(result.scalars())
