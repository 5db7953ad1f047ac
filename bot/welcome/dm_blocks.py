"""Block Kit for Lightbulb's answer to a message typed in its Messages tab."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
)

from bot.core.typed import text_length
from bot.experiments.blocks import share_learning_button
from bot.ideas import rules as capture
from bot.ideas.blocks import NEW_IDEA_ACTION, POST_AS_IDEA_ACTION
from bot.slack.blocks import sections, to_dicts
from bot.slack.text import escape, truncate
from storage.models import Experiment

# Fewer words than this read as "thanks" or "hi", not as an idea to offer posting.
IDEA_MIN_WORDS = 3


def answer(*, typed: str, awaiting: Sequence[Experiment], ideas_channel: str) -> dict:
    """What Lightbulb says back: the learnings it is waiting for from this person, how to
    share an idea (with what they typed, if it reads like one), and where to find more."""
    blocks: list[Block] = []
    lines = ["Hi! I'm Lightbulb. I can't hold a conversation, but here is what you can do:"]
    blocks += sections(lines[0])
    for experiment in awaiting:
        hypothesis = escape(truncate(" ".join(experiment.hypothesis.split()), 150))
        line = (
            f"🧪 Your experiment #{experiment.id} ended on {experiment.ends_on:%-d %B}: "
            f"_{hypothesis}_. What did you learn?"
        )
        lines.append(line)
        blocks += sections(line)
        blocks.append(ActionsBlock(elements=[share_learning_button(experiment)]))
    text = typed.strip()
    idea_line = (
        f"💡 To share an idea, type `/idea &lt;your idea&gt;` anywhere: it is posted in "
        f"<#{ideas_channel}> for everyone to vote on. Or open the form."
    )
    lines.append(idea_line)
    blocks += sections(idea_line)
    buttons = [ButtonElement(text="💡 New idea", action_id=NEW_IDEA_ACTION)]
    if len(text.split()) >= IDEA_MIN_WORDS and text_length(text) <= capture.QUICK_IDEA_LIMIT:
        buttons.insert(
            0,
            ButtonElement(
                text="Post what I wrote as an idea", action_id=POST_AS_IDEA_ACTION, value=text
            ),
        )
    blocks.append(ActionsBlock(elements=buttons))
    more = "`/idea help` shows everything; the *Home* tab above shows your ideas and experiments."
    lines.append(more)
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    return {"text": "\n".join(lines), "blocks": to_dicts(blocks)}
