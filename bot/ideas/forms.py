"""Block Kit for the idea form, and reading what was submitted in it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.core.typed import parse_id
from bot.ideas import rules
from bot.slack import payload
from bot.slack.blocks import form, select_input, text_input

IDEA_FORM_CALLBACK = "idea_form"


@dataclass(frozen=True)
class FormChoices:
    """What an idea can point at: `(id, label)` of the active themes and open challenges."""

    themes: Sequence[tuple[int, str]] = ()
    challenges: Sequence[tuple[int, str]] = ()


def idea_form(
    draft: rules.IdeaDraft | None = None,
    *,
    notice: str | None = None,
    choices: FormChoices | None = None,
) -> View:
    """The `/idea` form. `draft` prefills it so that nothing a person typed is lost; the theme
    and challenge pickers appear when there is something to pick."""
    draft = draft or rules.IdeaDraft(text="")
    choices = choices or FormChoices()
    blocks: list[Block] = []
    if notice:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=notice)))
    blocks += [
        text_input(
            rules.FORM_SUMMARY,
            "Your idea, in one line",
            placeholder="e.g. A shared on-call calendar in Slack",
            max_length=rules.SUMMARY_LIMIT,
            multiline=False,
            initial=draft.text,
        ),
        text_input(
            rules.FORM_PROBLEM,
            "The problem it solves",
            placeholder="Who has this problem, and what does it cost them today?",
            max_length=rules.PROBLEM_LIMIT,
            multiline=True,
            initial=draft.problem,
        ),
        text_input(
            rules.FORM_DETAILS,
            "Details",
            placeholder="How it could work, links, first steps…",
            max_length=rules.DETAILS_LIMIT,
            multiline=True,
            optional=True,
            initial=draft.details,
            hint="Everyone in the ideas channel will see this idea and can vote for it.",
        ),
    ]
    if choices.challenges:
        blocks.append(
            select_input(
                rules.FORM_CHALLENGE,
                "Answer a challenge",
                options=[(str(i), label) for i, label in choices.challenges],
                placeholder="Pick a challenge",
                optional=True,
                initial=str(draft.challenge_id) if draft.challenge_id else None,
                hint="Your idea is also listed under the challenge's card.",
            )
        )
    if choices.themes:
        blocks.append(
            select_input(
                rules.FORM_THEME,
                "Theme",
                options=[(str(i), label) for i, label in choices.themes],
                placeholder="Pick a theme",
                optional=True,
                initial=str(draft.theme_id) if draft.theme_id else None,
                hint="Where the company is going that this idea serves; its owner reviews it.",
            )
        )
    return form(
        IDEA_FORM_CALLBACK,
        title="New idea",
        submit="Share idea",
        blocks=blocks,
    )


def form_values(view: dict) -> rules.IdeaDraft:
    """Read the form's fields out of a `view_submission` payload's `view`."""
    return rules.IdeaDraft(
        text=payload.text_input(view, rules.FORM_SUMMARY),
        problem=payload.text_input(view, rules.FORM_PROBLEM),
        details=payload.text_input(view, rules.FORM_DETAILS),
        theme_id=parse_id(payload.selected_option(view, rules.FORM_THEME)),
        challenge_id=parse_id(payload.selected_option(view, rules.FORM_CHALLENGE)),
    )
