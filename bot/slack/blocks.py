"""The pieces every message and form builds on. All Block Kit is built with `slack_sdk.models`,
so that Slack's limits are checked before anything is sent."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from slack_sdk.models.blocks import (
    Block,
    ExternalDataSelectElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.slack.payload import INPUT_ACTION
from bot.slack.text import (
    escape,
    split_escaped,
    truncate,
)


def sections(mrkdwn: str) -> list[Block]:
    """Already-escaped mrkdwn as one or more sections, each within Slack's length limit."""
    return [SectionBlock(text=MarkdownTextObject(text=chunk)) for chunk in split_escaped(mrkdwn)]


def emoji_list(names: Iterable[str]) -> str:
    return " or ".join(f":{name}:" for name in names)


def linked_title(text: str, permalink: str | None, limit: int = 80) -> str:
    """User text on one line, escaped and shortened, linked to its post when there is one."""
    title = escape(truncate(" ".join(text.split()), limit))
    return f"<{permalink}|{title}>" if permalink else title


def to_dicts(blocks: Sequence[Block]) -> list[dict]:
    return [block.to_dict() for block in blocks]


def text_input(
    block_id: str,
    label: str,
    *,
    placeholder: str,
    max_length: int,
    multiline: bool = True,
    optional: bool = False,
    initial: str = "",
    hint: str | None = None,
) -> InputBlock:
    """A form's text field, read back with `payload.text_input`."""
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        hint=hint,
        element=PlainTextInputElement(
            action_id=INPUT_ACTION,
            placeholder=placeholder,
            multiline=multiline,
            max_length=max_length,
            initial_value=initial[:max_length] or None,
        ),
    )


# Slack's limits for a static select: 100 options, 75 characters of text each.
SELECT_OPTION_LIMIT = 100
OPTION_TEXT_LIMIT = 75


def select_input(
    block_id: str,
    label: str,
    *,
    options: Sequence[tuple[str, str]],
    placeholder: str,
    optional: bool = False,
    initial: str | None = None,
    hint: str | None = None,
) -> InputBlock:
    """A form's drop-down of `(value, text)` options, read back with `payload.selected_option`;
    `initial` preselects the option with that value. Text is plain, so it needs no escaping."""
    choices = [
        Option(value=value, text=truncate(text, OPTION_TEXT_LIMIT))
        for value, text in options[:SELECT_OPTION_LIMIT]
    ]
    chosen = next((option for option in choices if option.value == initial), None)
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        hint=hint,
        element=StaticSelectElement(
            action_id=INPUT_ACTION,
            placeholder=placeholder,
            options=choices,
            initial_option=chosen,
        ),
    )


def external_select_input(
    block_id: str,
    label: str,
    *,
    action_id: str,
    placeholder: str,
    optional: bool = False,
    initial: tuple[str, str] | None = None,
    hint: str | None = None,
) -> InputBlock:
    """A form's drop-down whose options Slack asks for as people type (`block_suggestion`,
    answered by `app.options(action_id)`), read back with `payload.picked_option`. Its
    `action_id` is its own, as Bolt finds the listener by it; `initial` is a `(value, text)`
    option shown picked. `min_query_length` 0 lists options before anything is typed."""
    chosen = None
    if initial is not None:
        chosen = Option(value=initial[0], text=truncate(initial[1], OPTION_TEXT_LIMIT))
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        hint=hint,
        element=ExternalDataSelectElement(
            action_id=action_id,
            placeholder=placeholder,
            initial_option=chosen,
            min_query_length=0,
        ),
    )


def form(
    callback_id: str,
    *,
    title: str,
    submit: str,
    blocks: Sequence[Block],
    metadata: dict | None = None,
) -> View:
    """A modal form with a Cancel button; `metadata` comes back with its submission
    (`payload.metadata`)."""
    return View(
        type="modal",
        callback_id=callback_id,
        title=PlainTextObject(text=title),
        submit=PlainTextObject(text=submit),
        close=PlainTextObject(text="Cancel"),
        private_metadata=json.dumps(metadata) if metadata is not None else None,
        blocks=list(blocks),
    )
