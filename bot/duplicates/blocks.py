"""Block Kit for duplicates: the admin's answer with its Undo button, the voters' DM with
"Move my vote", the author's note and the replies in the duplicate's thread."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ContextBlock, MarkdownTextObject

from bot.slack.blocks import linked_title, sections, to_dicts
from storage.models import Idea

# Both buttons carry the mark's id: a click acts on that mark, whatever happened since.
MOVE_VOTE_ACTION = "duplicate_move_vote"
UNDO_ACTION = "duplicate_undo"


def _named(idea: Idea) -> str:
    return f"#{idea.id} {linked_title(idea.text, idea.permalink)}"


def marked_answer(*, idea: Idea, original: Idea, mark_id: int, told: int) -> dict:
    """The admin's private confirmation, with Undo."""
    people = f"{told} {'person' if told == 1 else 'people'}"
    text = (
        f":white_check_mark: Idea {_named(idea)} is closed as a duplicate of {_named(original)}. "
        f"Told {people} (its author and voters); each voter may move their vote to "
        f"#{original.id}. `/idea duplicate undo {idea.id}` reopens it within 7 days."
    )
    blocks = [
        *sections(text),
        ActionsBlock(
            elements=[ButtonElement(text="Undo", action_id=UNDO_ACTION, value=str(mark_id))]
        ),
        ContextBlock(elements=[MarkdownTextObject(text="Only you can see this message.")]),
    ]
    return {"response_type": "ephemeral", "text": text, "blocks": to_dicts(blocks)}


def voter_dm(*, idea: Idea, original: Idea, mark_id: int) -> dict:
    text = (
        f":repeat: Idea {_named(idea)}, which you voted for, is a duplicate of "
        f"{_named(original)}. Want your vote to count there instead? Nothing moves unless "
        "you say so."
    )
    button = ButtonElement(
        text=f"Move my vote to #{original.id}",
        action_id=MOVE_VOTE_ACTION,
        value=str(mark_id),
        style="primary",
    )
    return {"text": text, "blocks": to_dicts([*sections(text), ActionsBlock(elements=[button])])}


def author_dm(*, idea: Idea, original: Idea) -> dict:
    text = (
        f":repeat: Your idea {_named(idea)} is closed as a duplicate of {_named(original)}: "
        "the conversation goes on there, and your idea's voters may move their votes to it."
    )
    return {"text": text, "blocks": to_dicts(sections(text))}


def marked_reply(*, original: Idea, marked_by: str) -> dict:
    text = (
        f":repeat: <@{marked_by}> closed this idea as a duplicate of {_named(original)}. "
        "Its voters were asked whether to move their votes there."
    )
    return {"text": text, "blocks": to_dicts(sections(text))}


def reopened_reply(*, original_id: int, undone_by: str) -> dict:
    text = (
        f":leftwards_arrow_with_hook: <@{undone_by}> reopened this idea: it is not a duplicate "
        f"of #{original_id} after all. Votes moved there are back here."
    )
    return {"text": text, "blocks": to_dicts(sections(text))}
