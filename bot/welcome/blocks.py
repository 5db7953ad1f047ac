"""Block Kit for the greetings: short, kind, and in the words of `/idea help`."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
)

from bot.ideas.blocks import NEW_IDEA_ACTION
from bot.slack.blocks import emoji_list, sections, to_dicts

NEW_IDEA_BUTTON = "💡 New idea"


def _basics(*, ideas_channel: str, vote_emojis: Sequence[str]) -> list[str]:
    return [
        f"• `/idea &lt;your idea&gt;` posts it to <#{ideas_channel}>; `/idea` alone opens a "
        "form with room for details.",
        f"• Vote by reacting with {emoji_list(vote_emojis)} to an idea's post: one vote per "
        "person per idea.",
        "• `/idea experiment` turns an idea into an experiment, and what it teaches is shared "
        "with everyone.",
    ]


def _message(intro: str, lines: list[str], footer: str) -> dict:
    body = "\n".join([intro, *lines])
    blocks: list[Block] = [
        *sections(body),
        ActionsBlock(elements=[ButtonElement(text=NEW_IDEA_BUTTON, action_id=NEW_IDEA_ACTION)]),
        ContextBlock(elements=[MarkdownTextObject(text=footer)]),
    ]
    return {"text": f"{body}\n{footer}", "blocks": to_dicts(blocks)}


def mention_reply(*, user_id: str, ideas_channel: str, vote_emojis: Sequence[str]) -> dict:
    """The threaded answer to `@Lightbulb` in a channel."""
    return _message(
        f"Hi <@{user_id}>! I'm Lightbulb: I help everyone share ideas and turn the best ones "
        "into experiments.",
        _basics(ideas_channel=ideas_channel, vote_emojis=vote_emojis),
        "`/idea help` shows everything I can do.",
    )


def welcome_dm(*, ideas_channel: str, vote_emojis: Sequence[str]) -> dict:
    """The first message in Lightbulb's Messages tab."""
    return _message(
        "👋 *Welcome to Lightbulb!* Every idea is welcome here, big or small. Here is how it "
        "works:",
        _basics(ideas_channel=ideas_channel, vote_emojis=vote_emojis),
        "`/idea help` shows everything; the *Home* tab above shows your ideas and experiments.",
    )


def channel_welcome(*, ideas_channel: str, vote_emojis: Sequence[str]) -> dict:
    """What a person who joins the ideas channel sees, and only they."""
    return _message(
        f"👋 Welcome to <#{ideas_channel}>, where everyone's ideas are shared and voted on.",
        _basics(ideas_channel=ideas_channel, vote_emojis=vote_emojis),
        "Only you can see this message. `/idea help` shows everything.",
    )
