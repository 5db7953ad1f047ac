"""What the idea form offers to point an idea at, and whether what was picked still holds.

Every path that opens the idea form goes through `idea_form_for`, so a new idea can answer an
open challenge or serve an active theme wherever it is written.
"""

from __future__ import annotations

from dataclasses import replace

from slack_sdk.models.views import View

from bot.foundation.context import Context
from bot.ideas import forms, rules
from bot.slack.text import truncate
from bot.themes import forms as theme_forms
from bot.themes import rules as theme_rules
from storage import challenges, themes
from storage.vocabulary import ChallengeStatus

LABEL_LIMIT = 75


async def idea_form_choices(ctx: Context) -> forms.FormChoices:
    """The active themes and the open challenges, as the form's options."""
    async with ctx.db.session() as session:
        active = await themes.themes(session=session)
        open_now = await challenges.in_status(session=session, statuses=[ChallengeStatus.OPEN])
    return forms.FormChoices(
        themes=[(theme.id or 0, theme_forms.option_label(theme)) for theme in active],
        challenges=[
            (challenge.id or 0, truncate(f"#{challenge.id} {challenge.question}", LABEL_LIMIT))
            for challenge in open_now
        ],
    )


async def idea_form_for(
    ctx: Context,
    *,
    challenge_id: int | None = None,
    draft: rules.IdeaDraft | None = None,
    notice: str | None = None,
) -> View:
    """The idea form, prefilled with `draft`, with `challenge_id` preselected when given."""
    draft = draft or rules.IdeaDraft(text="")
    if challenge_id is not None:
        draft = replace(draft, challenge_id=challenge_id)
    return forms.idea_form(
        draft,
        notice=notice,
        choices=await idea_form_choices(ctx),
        allow_anonymous=ctx.settings.anonymous_ideas,
    )


async def checked_choice(ctx: Context, draft: rules.IdeaDraft) -> tuple[rules.IdeaDraft, dict]:
    """The draft as it will be stored (an idea answering a challenge takes the challenge's
    theme when none was picked), and any problem with what was picked, by form field: a
    challenge that closed or a theme archived while the form was open."""
    problems: dict[str, str] = {}
    theme_id = draft.theme_id
    async with ctx.db.session() as session:
        if draft.challenge_id is not None:
            challenge = await challenges.get_challenge(
                session=session, challenge_id=draft.challenge_id
            )
            if challenge is None or challenge.status != ChallengeStatus.OPEN:
                problems[rules.FORM_CHALLENGE] = (
                    "This challenge is not taking ideas any more: pick another one, or none "
                    "to share your idea on its own."
                )
            elif theme_id is None:
                theme_id = challenge.theme_id
        if draft.theme_id is not None:
            theme = await themes.get_theme(session=session, theme_id=draft.theme_id)
            if theme is None or theme.archived_at is not None:
                problems[rules.FORM_THEME] = theme_rules.ARCHIVED_MEANWHILE
    # replace keeps what else the draft carries (its source, the similar ideas shown, anonymity).
    return replace(draft, theme_id=theme_id), problems
