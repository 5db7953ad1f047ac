"""Managing themes: the admins' `/idea theme add|edit|archive|unarchive`, and `/idea themes`.

A theme's name is unique in any letter case. Its owner must be a person still in the
workspace, as Slack says: a bot or a deactivated account would leave its ideas undecided.
Archiving takes a theme out of the pickers; its ideas keep it, and their posts say "(archived)".
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from slack_sdk.models.views import View
from sqlalchemy.exc import IntegrityError

from bot.foundation.context import Context
from bot.slack.modals import FORM_CHECK_SECONDS
from bot.slack.users import LookupFailed
from bot.themes import blocks, forms, rules
from storage import themes
from storage.models import Theme

log = logging.getLogger(__name__)

NOT_AN_ADMIN = (
    "Only Lightbulb admins add and change themes, so that there are few of them and each has "
    "an owner. `/idea themes` shows the ones there are; to suggest another, ask an admin."
)
TAKEN = "There is already a theme called that (letter case aside): pick another name."


def is_admin(ctx: Context, user_id: str) -> bool:
    return user_id in ctx.settings.admin_user_ids


async def form_for(ctx: Context, *, user_id: str, command: rules.ThemeCommand) -> View | str:
    """The theme form for `add` or `edit <name>`, or the private reply saying why not."""
    if not is_admin(ctx, user_id):
        return NOT_AN_ADMIN
    if command.verb is rules.Verb.ADD:
        return forms.theme_form(within=ctx.settings.review_within_days)
    if not command.name:
        return "Which theme? Use `/idea theme edit &lt;name&gt;`; `/idea themes` lists them."
    async with ctx.db.session() as session:
        theme = await themes.theme_named(session=session, name=command.name)
        if theme is None:
            return blocks.unknown_theme(command.name, await themes.themes(session=session))
    return forms.theme_form(theme, within=ctx.settings.review_within_days)


async def owner_problem(ctx: Context, owner_id: str) -> str | None:
    """Why this person cannot own a theme, or None."""
    try:
        async with asyncio.timeout(FORM_CHECK_SECONDS):
            person = await ctx.users.get(owner_id)
    except (LookupFailed, TimeoutError) as error:
        log.warning("could not check theme owner %s: %s", owner_id, error)
        return "Slack couldn't tell me who this is just now. Please submit again in a moment."
    if person is None:
        return "Slack doesn't know this person. Pick someone in this workspace."
    if person.is_bot:
        return "A bot can't review ideas. Pick a person."
    if person.deleted:
        return "This account is deactivated. Pick someone who is still here."
    return None


@dataclass
class Saved:
    """A theme as saved, or the problems, by form field, that kept it from being saved."""

    theme: Theme | None = None
    new: bool = False
    new_owner: bool = False  # the owner was not this theme's owner before
    problems: dict[str, str] = field(default_factory=dict)


async def save(
    ctx: Context, *, user_id: str, theme_id: int | None, draft: rules.ThemeDraft
) -> Saved:
    """Add (`theme_id` None) or change a theme, if the form holds one."""
    if not is_admin(ctx, user_id):
        return Saved(problems={rules.F_NAME: NOT_AN_ADMIN})
    problems = rules.theme_problems(draft)
    if rules.F_OWNER not in problems:
        owner = await owner_problem(ctx, draft.owner_id)
        if owner is not None:
            problems[rules.F_OWNER] = owner
    if problems:
        return Saved(problems=problems)
    draft = rules.clean(draft)
    try:
        async with ctx.db.session() as session:
            same_name = await themes.theme_named(session=session, name=draft.name)
            if same_name is not None and same_name.id != theme_id:
                return Saved(problems={rules.F_NAME: TAKEN})
            if theme_id is None:
                theme: Theme | None = await themes.create_theme(
                    session=session,
                    name=draft.name,
                    vision=draft.vision,
                    owner_id=draft.owner_id,
                    emoji=draft.emoji,
                    created_by=user_id,
                )
                previous_owner = None
            else:
                before = await themes.get_theme(session=session, theme_id=theme_id)
                previous_owner = before.owner_id if before is not None else None
                theme = await themes.update_theme(
                    session=session,
                    theme_id=theme_id,
                    name=draft.name,
                    vision=draft.vision,
                    owner_id=draft.owner_id,
                    emoji=draft.emoji,
                )
    except IntegrityError:
        # Another admin saved the same name a moment ago.
        return Saved(problems={rules.F_NAME: TAKEN})
    if theme is None:
        return Saved(problems={rules.F_NAME: "This theme no longer exists."})
    if theme_id is not None:
        await _redraw_ideas(ctx, theme_id)
    return Saved(theme=theme, new=theme_id is None, new_owner=previous_owner != theme.owner_id)


async def set_archived(ctx: Context, *, user_id: str, name: str, archived: bool) -> str:
    """`/idea theme archive <name>` or `unarchive <name>`: the private reply."""
    if not is_admin(ctx, user_id):
        return NOT_AN_ADMIN
    verb = "archive" if archived else "unarchive"
    if not name:
        return f"Which theme? Use `/idea theme {verb} &lt;name&gt;`; `/idea themes` lists them."
    async with ctx.db.session() as session:
        theme = await themes.theme_named(session=session, name=name)
        if theme is None:
            return blocks.unknown_theme(name, await themes.themes(session=session, archived=True))
        if (theme.archived_at is not None) == archived:
            state = "archived already" if archived else "not archived"
            return f"Theme {blocks.plain_label(theme)} is {state}: nothing to do."
        changed = await themes.set_archived(
            session=session,
            theme_id=theme.id or 0,
            archived_at=datetime.now(UTC) if archived else None,
        )
        count = await themes.idea_count(session=session, theme_id=theme.id or 0)
    assert changed is not None
    await _redraw_ideas(ctx, changed.id or 0)
    return (
        blocks.archived_reply(changed, count)
        if archived
        else blocks.unarchived_reply(changed, count)
    )


async def theme_list(ctx: Context) -> str:
    """`/idea themes`, for anyone."""
    async with ctx.db.session() as session:
        every = await themes.themes(session=session, archived=True)
        counts = await themes.idea_counts(session=session)
    return blocks.theme_list(every, counts)


async def _redraw_ideas(ctx: Context, theme_id: int) -> None:
    """The posts of the theme's ideas show its name, emoji and whether it is archived."""
    async with ctx.db.session() as session:
        posted = await themes.posted_ideas_in(session=session, theme_id=theme_id)
    for idea in posted:
        ctx.signals.idea_changed(idea)
