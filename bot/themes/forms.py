"""The theme form (add and edit share it) and the small "Pick a theme" form for an idea."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    InputBlock,
    MarkdownTextObject,
    SectionBlock,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.core import typed
from bot.slack import payload
from bot.slack.blocks import form, select_input, text_input
from bot.slack.payload import INPUT_ACTION
from bot.slack.text import escape, truncate
from bot.themes import rules
from storage.models import Idea, Theme

THEME_FORM = "theme_form"
PICK_THEME_FORM = "idea_theme_form"
F_PICKED = "picked_theme"
# The "No theme" option: a value no theme id can have.
NO_THEME = "none"


def theme_form(
    theme: Theme | None = None, *, within: int, draft: rules.ThemeDraft | None = None
) -> View:
    """A new theme, or `theme` to edit, prefilled with it (or with `draft`); `within` is
    REVIEW_WITHIN_DAYS, the days its owner has for a first decision."""
    if draft is None and theme is not None:
        draft = rules.ThemeDraft(theme.name, theme.vision, theme.owner_id, f":{theme.emoji}:")
    draft = draft or rules.ThemeDraft(name="", vision="", owner_id="")
    owner = UserSelectElement(action_id=INPUT_ACTION, placeholder="Who reviews its ideas")
    if draft.owner_id:
        owner = UserSelectElement(action_id=INPUT_ACTION, initial_user=draft.owner_id)
    blocks: list[Block] = [
        text_input(
            rules.F_NAME,
            "Name",
            placeholder="Customer love",
            max_length=rules.NAME_LIMIT,
            multiline=False,
            initial=draft.name,
        ),
        text_input(
            rules.F_VISION,
            "How it serves the company's vision",
            placeholder="One paragraph: where we are going, and why ideas here take us there.",
            max_length=rules.VISION_LIMIT,
            initial=draft.vision,
            hint="People read this before they point an idea at the theme.",
        ),
        InputBlock(
            block_id=rules.F_OWNER,
            label="Owner",
            hint=f"Makes the first decision on each new idea in the theme, within {within} "
            "days; gets a weekly DM of what is waiting.",
            element=owner,
        ),
        text_input(
            rules.F_EMOJI,
            "Emoji",
            placeholder=":dart:",
            max_length=rules.EMOJI_LIMIT + 2,
            multiline=False,
            optional=True,
            initial=draft.emoji,
            hint="Shown before the name, like :rocket:. Empty: :dart:.",
        ),
    ]
    return form(
        THEME_FORM,
        title="Edit theme" if theme is not None else "New theme",
        submit="Save" if theme is not None else "Add theme",
        metadata={"theme_id": theme.id if theme is not None else None},
        blocks=blocks,
    )


def theme_form_values(view: dict) -> rules.ThemeDraft:
    return rules.ThemeDraft(
        name=payload.text_input(view, rules.F_NAME),
        vision=payload.text_input(view, rules.F_VISION),
        owner_id=payload.selected_user(view, rules.F_OWNER),
        emoji=payload.text_input(view, rules.F_EMOJI),
    )


def form_theme_id(view: dict) -> int | None:
    """The theme being edited; None for a new one."""
    return typed.parse_id(payload.metadata(view).get("theme_id"))


def option_label(theme: Theme) -> str:
    """A theme as a picker shows it: plain text, where Slack still draws the emoji."""
    return f":{theme.emoji}: {theme.name}"


def pick_theme_form(idea: Idea, active: Sequence[Theme]) -> View:
    """Which theme the idea serves: one of the active themes, or none."""
    options = [(NO_THEME, "No theme")]
    options += [(str(theme.id), option_label(theme)) for theme in active]
    current = str(idea.theme_id) if idea.theme_id else NO_THEME
    return form(
        PICK_THEME_FORM,
        title="Pick a theme",
        submit="Save",
        metadata={"idea_id": idea.id},
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*Idea #{idea.id}*: {escape(truncate(idea.text, 200))}\n"
                    "Its theme's owner makes the first decision on it. `/idea themes` says "
                    "what each theme is about."
                )
            ),
            select_input(
                F_PICKED,
                "Theme",
                options=options,
                placeholder="Pick a theme",
                # An archived theme is no option: the idea keeps it unless another is picked.
                initial=current if any(value == current for value, _ in options) else None,
            ),
        ],
    )


def picked_theme(view: dict) -> tuple[int | None, int | None, bool]:
    """(idea id, theme id or None, whether anything valid was picked)."""
    idea_id = typed.parse_id(payload.metadata(view).get("idea_id"))
    value = payload.selected_option(view, F_PICKED)
    if value == NO_THEME:
        return idea_id, None, True
    theme_id = typed.parse_id(value)
    return idea_id, theme_id, theme_id is not None
