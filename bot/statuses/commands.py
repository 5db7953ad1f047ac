"""The work behind `/idea status`, `history`, `mute` and `unmute`: each answers with the
mrkdwn reply for the person who typed it."""

from __future__ import annotations

from bot.core import typed
from bot.foundation.context import Context
from bot.slack.text import escape
from bot.statuses import blocks as status_blocks
from bot.statuses import rules
from bot.statuses import service as idea_status
from storage import ideas, statuses, themes
from storage.models import Idea

NOT_AN_ADMIN = (
    "Only Lightbulb admins, and the owner of the idea's theme, change an idea's status, so "
    "that every change comes with a considered reason. If you think this idea should move on, "
    "say so in its thread: they read it."
)


def is_admin(ctx: Context, user_id: str) -> bool:
    return user_id in ctx.settings.admin_user_ids


async def may_change_status(ctx: Context, user_id: str, idea_id: int | None) -> bool:
    """Admins may change any idea's status; a theme's owner, those of the ideas in it."""
    if is_admin(ctx, user_id):
        return True
    if not idea_id:
        return False
    async with ctx.db.session() as session:
        return await themes.owns_theme_of(session=session, user_id=user_id, idea_id=idea_id)


async def find_idea(ctx: Context, idea_id: int | None) -> Idea | None:
    if not idea_id:
        return None
    async with ctx.db.session() as session:
        return await ideas.get_idea(session=session, idea_id=idea_id)


async def status_command(ctx: Context, *, user_id: str, text: str) -> str:
    """`/idea status <id> <status> <reason>`: the reply for the person who typed it."""
    # The idea's number, read before the rest, says whether a theme's owner may go on.
    first_word = text.split(maxsplit=1)[0] if text.split() else ""
    if not await may_change_status(ctx, user_id, typed.parse_id(first_word)):
        return NOT_AN_ADMIN
    parsed = rules.parse_status_command(text)
    if isinstance(parsed, str):
        return f"{escape(parsed)}\nYou typed: `/idea status {escape(text)}`"
    changed = await idea_status.change_status(
        ctx,
        idea_id=parsed.idea_id,
        to=parsed.status,
        reason=parsed.reason,
        changed_by=user_id,
    )
    if changed.problem is not None:
        return f"{changed.problem}\nYou typed: `/idea status {escape(text)}`"
    return (
        f":white_check_mark: Idea #{parsed.idea_id} is now "
        f"{status_blocks.badge(parsed.status)}. Its author and voters will hear about it."
    )


async def history_command(ctx: Context, *, text: str) -> str:
    idea_id = typed.parse_id(text)
    if idea_id is None:
        return "Which idea? Use `/idea history 12`."
    async with ctx.db.session() as session:
        idea = await ideas.get_idea(session=session, idea_id=idea_id)
        if idea is None:
            return f"There is no idea #{idea_id}."
        changes = await statuses.history(session=session, idea_id=idea_id)
    text = status_blocks.history_message(idea, changes)
    if idea.challenge_won_at is not None:
        text += f"\n🏆 Won challenge #{idea.challenge_id} ({idea.challenge_won_at:%-d %b %Y})"
    return text


async def mute(ctx: Context, *, idea_id: int, user_id: str, muted: bool = True) -> str:
    async with ctx.db.session() as session:
        if await ideas.get_idea(session=session, idea_id=idea_id) is None:
            return f"There is no idea #{idea_id}."
        if muted:
            await statuses.mute(session=session, idea_id=idea_id, user_id=user_id)
        else:
            await statuses.unmute(session=session, idea_id=idea_id, user_id=user_id)
    if muted:
        return (
            f":no_bell: You won't hear about idea #{idea_id} any more. "
            f"`/idea unmute {idea_id}` to hear about it again."
        )
    return f":bell: You'll hear about idea #{idea_id} again when its status changes."
