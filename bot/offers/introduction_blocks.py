"""Block Kit for an introduction: the one message in the group DM between an idea's author
and two people who offered to help on it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.ideas.blocks import START_EXPERIMENT_ACTION
from bot.offers import rules as offer_rules
from bot.slack.blocks import linked_title, to_dicts
from bot.slack.text import escape, truncate

START_TOGETHER = "🧪 Start an experiment together"
# What an offer says is a reminder here: the whole of it is in the author's DM and Home.
OFFER_PREVIEW = 200


@dataclass(frozen=True)
class Introduced:
    """One helper in the message: who, their department when they offered, what they offered."""

    user_id: str
    department: str | None
    kinds: str
    what: str


def _who(user_id: str, department: str | None) -> str:
    return f"<@{user_id}> ({escape(department)})" if department else f"<@{user_id}>"


def _offer(helper: Introduced) -> str:
    parts = []
    kinds = offer_rules.kinds_text(helper.kinds)
    if kinds:
        parts.append(kinds)
    what = " ".join(helper.what.split())
    if what:
        parts.append(escape(truncate(what, OFFER_PREVIEW)))
    return f"• <@{helper.user_id}>: " + (" · ".join(parts) or "offered to help")


def message(
    *,
    idea_id: int,
    idea_text: str,
    permalink: str | None,
    author_id: str,
    author_department: str | None,
    helpers: Sequence[Introduced],
) -> dict:
    """The introduction: who is who, which idea and why they meet, what each offered, and
    the button that opens the experiment form for the idea."""
    names = " and ".join(_who(helper.user_id, helper.department) for helper in helpers)
    idea = linked_title(idea_text, permalink)
    intro = (
        f":wave: {names} offered to help with {_who(author_id, author_department)}'s idea "
        f"{idea}. You work in different departments, so together you see it from more than "
        "one side; and it has no experiment yet."
    )
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=intro)),
        SectionBlock(
            text=MarkdownTextObject(
                text="*What each offered*\n" + "\n".join(_offer(helper) for helper in helpers)
            )
        ),
        ActionsBlock(
            block_id=START_EXPERIMENT_ACTION,
            elements=[
                ButtonElement(
                    text=START_TOGETHER,
                    action_id=START_EXPERIMENT_ACTION,
                    value=str(idea_id),
                    style="primary",
                )
            ],
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Lightbulb introduces an idea's author to people from other "
                    "departments who offered to help on it: each person at most once a week, "
                    "never the same people about the same idea twice."
                )
            ]
        ),
    ]
    mentions = " and ".join(f"<@{helper.user_id}>" for helper in helpers)
    text = f"Meet {mentions}: they offered to help with <@{author_id}>'s idea"
    return {"text": text, "blocks": to_dicts(blocks)}
