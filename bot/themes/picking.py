"""Pointing an idea already shared at a theme: "Pick a theme" in its post's ⋯ menu.

Its author and the admins may pick, as the author chose what the idea is about and the admins
keep the themes in order. The post is redrawn with the theme once it is saved.
"""

from __future__ import annotations

from slack_sdk.models.views import View

from bot.foundation.context import Context
from bot.themes import forms
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


async def pick_form(ctx: Context, *, user_id: str, idea_id: int | None) -> View | str:
    """The form to pick the idea's theme, or the private reply saying why not."""
    if idea_id is None:
        return GONE
    async with ctx.db.session() as session:
        idea = await ideas.get_idea(session=session, idea_id=idea_id)
        if idea is None:
            return GONE
        if not may_pick(ctx, user_id=user_id, idea=idea):
            return NOT_YOURS
        active = await themes.themes(session=session)
    if not active and idea.theme_id is None:
        return NO_THEMES
    return forms.pick_theme_form(idea, active)


async def pick(
    ctx: Context, *, user_id: str, idea_id: int | None, theme_id: int | None
) -> str | None:
    """Point the idea at `theme_id` (None: no theme); the problem, if it could not be done."""
    if idea_id is None:
        return GONE
    async with ctx.db.session() as session:
        idea = await ideas.get_idea(session=session, idea_id=idea_id)
        if idea is None:
            return GONE
        if not may_pick(ctx, user_id=user_id, idea=idea):
            return NOT_YOURS
        if theme_id is not None:
            theme = await themes.get_theme(session=session, theme_id=theme_id)
            if theme is None or theme.archived_at is not None:
                return "This theme was archived a moment ago: pick another one, or none."
        changed = await themes.set_idea_theme(session=session, idea_id=idea_id, theme_id=theme_id)
    if changed is not None and changed.message_ts:
        ctx.signals.idea_changed(changed)
    return None
