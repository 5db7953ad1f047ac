"""Starting a challenge: who may, the form they get, checking what they submitted (with Slack,
for the sponsor and the channel) and saving it. Opening it is `bot.challenges.launch`."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import date

from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

from bot.challenges import forms, rules
from bot.challenges.rules import ChallengeDraft, Field
from bot.foundation.context import Context
from bot.slack.modals import FORM_CHECK_SECONDS
from bot.slack.posting import SLACK_FAILURES, error_code
from bot.slack.users import LookupFailed
from bot.themes import forms as theme_forms
from bot.themes import rules as theme_rules
from storage import challenges, themes
from storage.models import Challenge, Theme
from storage.vocabulary import ChallengeStatus

log = logging.getLogger(__name__)

_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,31}")
TRY_AGAIN = "Slack couldn't check this just now: submit again in a moment."
GONE = "This challenge no longer exists."


async def _active_themes(ctx: Context) -> list[Theme]:
    async with ctx.db.session() as session:
        return await themes.themes(session=session)


def _may_start(ctx: Context, user_id: str, active: list[Theme]) -> bool:
    owners = {theme.owner_id for theme in active}
    return rules.may_start(user_id, admins=ctx.settings.admin_user_ids, theme_owners=owners)


async def may_start(ctx: Context, user_id: str) -> bool:
    """Admins, and owners of an active theme, start challenges."""
    return _may_start(ctx, user_id, await _active_themes(ctx))


async def form_for(ctx: Context, *, user_id: str, today: date) -> View | None:
    """The challenge form for `user_id`, or None when they may not start one."""
    active = await _active_themes(ctx)
    if not _may_start(ctx, user_id, active):
        return None
    return forms.challenge_form(
        themes=[(theme.id or 0, theme_forms.option_label(theme)) for theme in active],
        today=today,
        ideas_channel=ctx.settings.ideas_channel,
        sponsor_id=user_id,
    )


async def problems(ctx: Context, draft: ChallengeDraft, *, today: date) -> dict[str, str]:
    """Everything wrong with the submitted form, field by field; empty when it can be saved."""
    found = rules.draft_problems(draft, today=today)
    if draft.theme_id is not None:
        async with ctx.db.session() as session:
            theme = await themes.get_theme(session=session, theme_id=draft.theme_id)
        if theme is None or theme.archived_at is not None:
            found[Field.THEME] = theme_rules.ARCHIVED_MEANWHILE
    checks = {Field.CHANNEL: _channel_problem(ctx, draft.channel_id or ctx.settings.ideas_channel)}
    if draft.sponsor_id and Field.SPONSOR not in found:
        checks[Field.SPONSOR] = _sponsor_problem(ctx, draft.sponsor_id)
    tasks = {field: asyncio.ensure_future(check) for field, check in checks.items()}
    done, late = await asyncio.wait(tasks.values(), timeout=FORM_CHECK_SECONDS)
    for task in late:
        task.cancel()
    for field, task in tasks.items():
        problem = task.result() if task in done else TRY_AGAIN
        if problem:
            found[field] = problem
    return found


async def _sponsor_problem(ctx: Context, sponsor_id: str) -> str | None:
    try:
        user = await ctx.users.get(sponsor_id)
    except LookupFailed:
        return TRY_AGAIN
    if user is None:
        return rules.sponsor_problem(known=False, is_bot=False, deleted=False)
    return rules.sponsor_problem(known=True, is_bot=user.is_bot, deleted=user.deleted)


async def _channel_problem(ctx: Context, channel_id: str) -> str | None:
    """Whether the bot can post the card in the channel: `conversations.info` says whether it
    is a member (a private channel it is not in is "not found")."""
    if not _CHANNEL_ID.fullmatch(channel_id):
        return rules.channel_problem(found=False, is_member=False, name="")
    try:
        response = await ctx.client.conversations_info(channel=channel_id)
    except SlackApiError as error:
        if error_code(error) in ("channel_not_found", "not_in_channel"):
            return rules.channel_problem(found=False, is_member=False, name="")
        log.warning("could not check channel %s: %s", channel_id, error_code(error))
        return TRY_AGAIN
    except SLACK_FAILURES as error:
        log.warning("could not check channel %s: %s", channel_id, error_code(error))
        return TRY_AGAIN
    channel = response.get("channel") or {}
    return rules.channel_problem(
        found=True,
        is_member=bool(channel.get("is_member")),
        name=str(channel.get("name") or channel_id),
    )


async def create(ctx: Context, *, draft: ChallengeDraft, created_by: str) -> Challenge:
    """Save the challenge, scheduled: its card is posted when it opens."""
    assert draft.opens_on is not None and draft.closes_on is not None
    async with ctx.db.session() as session:
        return await challenges.create_challenge(
            session=session,
            question=" ".join(draft.question.split()),
            why=draft.why.strip(),
            judged_by=draft.judged_by.strip(),
            theme_id=draft.theme_id,
            sponsor_id=draft.sponsor_id,
            opens_on=draft.opens_on,
            closes_on=draft.closes_on,
            target_channel=draft.channel_id or ctx.settings.ideas_channel,
            created_by=created_by,
        )


async def open_for_ideas(ctx: Context, challenge_id: int | None) -> tuple[Challenge | None, str]:
    """The challenge if it takes ideas now; otherwise None and why not, in words for the
    person who clicked **Submit an idea**."""
    challenge = None
    if challenge_id is not None:
        async with ctx.db.session() as session:
            challenge = await challenges.get_challenge(session=session, challenge_id=challenge_id)
    if challenge is None:
        return None, GONE
    if challenge.status == ChallengeStatus.SCHEDULED:
        return None, (
            f"This challenge opens on {challenge.opens_on:%A %-d %B}: come back then. "
            "`/idea challenges` lists the open ones."
        )
    if challenge.status != ChallengeStatus.OPEN:
        return None, (
            "This challenge is closed, so it takes no more ideas; voting on its ideas goes on. "
            "Share yours anyway with `/idea`, or see the open ones with `/idea challenges`."
        )
    return challenge, ""
