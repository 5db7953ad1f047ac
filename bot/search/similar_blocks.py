"""What a person sees of the similar ideas: a notice on the idea form, or the private answer
to a quick idea with **Post mine anyway**."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
)

from bot.slack.blocks import linked_title, sections, to_dicts
from bot.slack.text import escape

POST_ANYWAY_ACTION = "similar_post_anyway"
CANCEL_ACTION = "similar_cancel"
# The answer's buttons sit in a block whose id names the offer, so that it posts once.
_BLOCK_PREFIX = "similar:"
_BLOCK_ID_LIMIT = 255
INVITATION = "Vote for one of these instead, or post yours anyway."
ONLY_YOU = "Only you can see this message."


@dataclass(frozen=True)
class SimilarIdea:
    id: int
    text: str
    permalink: str | None
    status: str
    votes: int


def _lines(found: Sequence[SimilarIdea]) -> str:
    return "\n".join(
        f"• {linked_title(idea.text, idea.permalink)} · {escape(idea.status)} · "
        f"*{idea.votes} vote{'' if idea.votes == 1 else 's'}* · #{idea.id}"
        for idea in found
    )


def form_notice(found: Sequence[SimilarIdea]) -> str:
    """The notice above the form's fields, which keep everything typed."""
    return (
        f":mag: *Colleagues have shared ideas like this one.* {INVITATION}\n"
        f"{_lines(found)}\n"
        "To post yours, press *Share idea* again: everything you wrote is still below."
    )


def quick_offer(found: Sequence[SimilarIdea], *, text: str, key: str) -> dict:
    """The private answer to `/idea <text>` when similar ideas exist. Both buttons carry the
    text (at most 2,000 characters, a button value's limit) so that nothing is lost."""
    intro = f":mag: *Colleagues have shared ideas like yours.* {INVITATION}\n{_lines(found)}"
    yours = "Your idea, not posted yet:\n" + _quoted(text)
    buttons = ActionsBlock(
        block_id=(_BLOCK_PREFIX + key)[:_BLOCK_ID_LIMIT],
        elements=[
            ButtonElement(
                text="Post mine anyway", action_id=POST_ANYWAY_ACTION, value=text, style="primary"
            ),
            ButtonElement(text="Cancel", action_id=CANCEL_ACTION, value=text),
        ],
    )
    blocks: list[Block] = [
        *sections(intro),
        *sections(yours),
        buttons,
        ContextBlock(elements=[MarkdownTextObject(text=ONLY_YOU)]),
    ]
    return {"text": f"{intro}\n\n{yours}", "blocks": to_dicts(blocks)}


def offer_key(block_id: str) -> str:
    """The offer a clicked button belongs to, from its block's id."""
    return block_id.removeprefix(_BLOCK_PREFIX) if block_id.startswith(_BLOCK_PREFIX) else ""


def cancelled(text: str) -> dict:
    """**Cancel**: the answer becomes this, with the text to keep."""
    body = "Not posted. Here is what you wrote, in case you want it later:\n" + _quoted(text)
    return {"text": body, "blocks": to_dicts(sections(body))}


def _quoted(text: str) -> str:
    return ">" + escape(text).replace("\n", "\n>")
