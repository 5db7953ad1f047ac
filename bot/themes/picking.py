"""Pointing an idea already shared at a theme: "Pick a theme" in its post's ⋯ menu.

Its author and the admins may pick, as the author chose what the idea is about and the admins
keep the themes in order. The post is redrawn with the theme once it is saved.
"""

from __future__ import annotations

from slack_sdk.models.views import View
from sqlalchemy.ext.asyncio import AsyncSession

from bot.foundation.context import Context
from bot.themes import forms, rules
from storage import ideas, themes
from storage.models import Idea

NOT_YOURS = (
    "Only the idea's author and Lightbulb admins pick its theme. If you think it belongs in "
    "one, say so in its thread: they read it."
)
GONE = "That idea no longer exists."
NO_THEMES = (
    "There are no themes to pick yet. Admins add them with `/idea theme add`; `/idea themes` "
    "lists them."
)


def may_pick(ctx: Context, *, user_id: str, idea: Idea) -> bool:
    return user_id == idea.author_id or user_id in ctx.settings.admin_user_ids


async def _idea_to_point(
    ctx: Context, session: AsyncSession, *, user_id: str, idea_id: int | None
) -> Idea | str:
    """The idea, if this person may point it at a theme; otherwise why not."""
    idea = await ideas.get_idea(session=session, idea_id=idea_id) if idea_id else None
    if idea is None:
        return GONE
    return idea if may_pick(ctx, user_id=user_id, idea=idea) else NOT_YOURS


async def pick_form(ctx: Context, *, user_id: str, idea_id: int | None) -> View | str:
    """The form to pick the idea's theme, or the private reply saying why not."""
    async with ctx.db.session() as session:
        idea = await _idea_to_point(ctx, session, user_id=user_id, idea_id=idea_id)
        if isinstance(idea, str):
            return idea
        active = await themes.themes(session=session)
    if not active and idea.theme_id is None:
        return NO_THEMES
    return forms.pick_theme_form(idea, active)


async def pick(
    ctx: Context, *, user_id: str, idea_id: int | None, theme_id: int | None
) -> str | None:
    """Point the idea at `theme_id` (None: no theme); the problem, if it could not be done."""
    async with ctx.db.session() as session:
        idea = await _idea_to_point(ctx, session, user_id=user_id, idea_id=idea_id)
        if isinstance(idea, str):
            return idea
        if theme_id is not None:
            theme = await themes.get_theme(session=session, theme_id=theme_id)
            if theme is None or theme.archived_at is not None:
                return rules.ARCHIVED_MEANWHILE
        changed = await themes.set_idea_theme(
            session=session, idea_id=idea.id or 0, theme_id=theme_id
        )
    if changed is not None and changed.message_ts:
        ctx.signals.idea_changed(changed)
    return None
