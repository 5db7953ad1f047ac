"""Block Kit for the challenge form, and reading what was submitted in it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ConversationFilter,
    ConversationSelectElement,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.challenges import rules
from bot.challenges.rules import Field
from bot.core.typed import parse_id
from bot.slack import payload
from bot.slack.blocks import form, select_input, text_input
from bot.slack.payload import INPUT_ACTION

CHALLENGE_FORM = "challenge_form"
KEEP_WORDING = "keep"


def challenge_form(
    *, themes: Sequence[tuple[int, str]], today: date, ideas_channel: str, sponsor_id: str
) -> View:
    """The `/idea challenge` form: opens today and closes four weeks later unless the person
    picks other days; the card goes to the ideas channel unless they pick another."""
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text="Ask everyone a question worth answering. A good challenge names a "
                "problem, not a solution: *How might we* help new starters feel at home in "
                "their first week?"
            )
        ),
        text_input(
            Field.QUESTION,
            "The question",
            placeholder="How might we …?",
            max_length=rules.QUESTION_LIMIT,
            multiline=False,
        ),
        text_input(
            Field.WHY,
            "Why it matters",
            placeholder="What the company gains when this is solved, and who feels it today",
            max_length=rules.WHY_LIMIT,
        ),
        text_input(
            Field.JUDGED_BY,
            "How success will be judged",
            placeholder="e.g. fewer tickets in the first month, cheap to try in a quarter",
            max_length=rules.JUDGED_BY_LIMIT,
        ),
    ]
    if themes:
        blocks.append(
            select_input(
                Field.THEME,
                "Theme",
                options=[(str(theme_id), name) for theme_id, name in themes],
                placeholder="Pick a theme",
                optional=True,
                hint="Ideas submitted to the challenge get this theme.",
            )
        )
    blocks += [
        InputBlock(
            block_id=Field.SPONSOR,
            label="Sponsor",
            element=UserSelectElement(action_id=INPUT_ACTION, initial_user=sponsor_id),
            hint="The sponsor picks the winners when the challenge closes.",
        ),
        InputBlock(
            block_id=Field.OPENS_ON,
            label="Opens on",
            element=DatePickerElement(action_id=INPUT_ACTION, initial_date=today.isoformat()),
            hint="Today: the card is posted at once. A later day: at 9:00 that morning.",
        ),
        InputBlock(
            block_id=Field.CLOSES_ON,
            label="Closes on",
            element=DatePickerElement(
                action_id=INPUT_ACTION, initial_date=rules.default_close(today).isoformat()
            ),
        ),
        InputBlock(
            block_id=Field.CHANNEL,
            label="Channel for its card",
            optional=True,
            element=ConversationSelectElement(
                action_id=INPUT_ACTION,
                initial_conversation=ideas_channel,
                default_to_current_conversation=False,
                filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
            ),
            hint="Lightbulb must be in the channel: /invite @Lightbulb there first.",
        ),
        InputBlock(
            block_id=Field.KEEP_WORDING,
            label="Wording",
            optional=True,
            element=CheckboxesElement(
                action_id=INPUT_ACTION,
                options=[
                    Option(
                        value=KEEP_WORDING,
                        text="Keep my wording",
                        description="Use the question as written, even if it is not a "
                        "“How might we …?”",
                    )
                ],
            ),
        ),
    ]
    return form(CHALLENGE_FORM, title="Start a challenge", submit="Start", blocks=blocks)


def _date(view: dict, block_id: str) -> date | None:
    try:
        return date.fromisoformat(payload.selected_date(view, block_id))
    except ValueError:
        return None


def challenge_values(view: dict) -> rules.ChallengeDraft:
    """Read the form's fields out of a `view_submission` payload's `view`."""
    chosen = payload.element(view, Field.KEEP_WORDING).get("selected_options")
    ticked = {
        payload.as_text(payload.as_dict(option).get("value"))
        for option in (chosen if isinstance(chosen, list) else [])
    }
    return rules.ChallengeDraft(
        question=payload.text_input(view, Field.QUESTION),
        why=payload.text_input(view, Field.WHY),
        judged_by=payload.text_input(view, Field.JUDGED_BY),
        theme_id=parse_id(payload.selected_option(view, Field.THEME)),
        sponsor_id=payload.selected_user(view, Field.SPONSOR),
        opens_on=_date(view, Field.OPENS_ON),
        closes_on=_date(view, Field.CLOSES_ON),
        channel_id=payload.as_text(
            payload.element(view, Field.CHANNEL).get("selected_conversation")
        ),
        keep_wording=KEEP_WORDING in ticked,
    )
