"""Block Kit for **Add to an idea**: the form, the quote in the idea's thread, and the
adder's private confirmation; and the message the form is about, carried in its metadata."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.core.typed import text_length
from bot.slack import payload
from bot.slack.blocks import external_select_input, form, sections, text_input, to_dicts
from bot.slack.text import NOTIFICATION_TEXT_LIMIT, escape, truncate

ADD_TO_IDEA_FORM = "add_to_idea_form"
# The idea menu's own action_id: Slack asks `handlers.options` for its options by it.
EVIDENCE_IDEA_PICKER = "evidence_idea"
F_IDEA = "idea"
F_NOTE = "note"
NOTE_LIMIT = 500
# The most of a message quoted in the idea's thread: enough to make the point; the link has
# the rest. The form carries the quote in `private_metadata`, 3,000 characters of JSON.
QUOTE_LIMIT = 1000
METADATA_LIMIT = 2900
PREVIEW_LIMIT = 300


@dataclass(frozen=True)
class SourceMessage:
    """The message a shortcut was used on, as the form carries it to its submission. `quote`
    is at most QUOTE_LIMIT of its text; `cut` says some was left out."""

    channel_id: str
    message_ts: str
    thread_ts: str = ""
    channel_name: str = ""
    author_id: str | None = None  # None for an app's message
    app_name: str = ""
    quote: str = ""
    cut: bool = False
    has_files: bool = False
    public: bool = False
    team_domain: str = ""


def fitted(message: SourceMessage) -> SourceMessage:
    """`message` with its quote cut to QUOTE_LIMIT, and shorter still until the form's metadata
    fits Slack's limit (emoji and accents take several characters of JSON each)."""
    quote, cut = message.quote, message.cut
    if text_length(quote) > QUOTE_LIMIT:
        quote, cut = truncate(quote, QUOTE_LIMIT).removesuffix("…"), True
    while len(json.dumps(asdict(message) | {"quote": quote})) > METADATA_LIMIT:
        quote, cut = quote[: len(quote) * 4 // 5].rstrip(), True
    return SourceMessage(**(asdict(message) | {"quote": quote, "cut": cut}))


def carried(view: dict) -> SourceMessage | None:
    """The message the submitted form is about; None when the metadata is not the bot's."""
    data = payload.metadata(view).get("message")
    if not isinstance(data, dict):
        return None
    texts = {name: payload.as_text(data.get(name)) for name in ("channel_id", "message_ts")}
    if not texts["channel_id"] or not texts["message_ts"]:
        return None
    return SourceMessage(
        **texts,
        channel_name=payload.as_text(data.get("channel_name")),
        author_id=payload.as_text(data.get("author_id")) or None,
        app_name=payload.as_text(data.get("app_name")),
        quote=payload.as_text(data.get("quote")),
        cut=data.get("cut") is True,
        has_files=data.get("has_files") is True,
        public=data.get("public") is True,
        team_domain=payload.as_text(data.get("team_domain")),
    )


def _said_by(message: SourceMessage) -> str:
    if message.author_id:
        return f"<@{message.author_id}>"
    return f"{escape(message.app_name)} (an app)" if message.app_name else "an app"


def quoted(message: SourceMessage, limit: int) -> str:
    """The message's words as an escaped mrkdwn quote, with an explicit "…" where they stop
    short; or what stands in for words it does not have."""
    if not message.quote.strip():
        return (
            "> _a message with only files_" if message.has_files else "> _a message with no text_"
        )
    text = message.quote.strip()
    cut = message.cut or text_length(text) > limit
    text = truncate(text, limit).removesuffix("…") if text_length(text) > limit else text
    lines = escape(text + ("…" if cut else "")).split("\n")
    return "\n".join(f"> {line}" for line in lines)


def add_form(message: SourceMessage) -> View:
    """Pick the idea the message supports, and say why if you like."""
    where = f"<#{message.channel_id}>" if message.public else "a private conversation"
    intro = f"A message by {_said_by(message)} in {where}:\n{quoted(message, PREVIEW_LIMIT)}"
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=intro))]
    if not message.public:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=":lock: This message is from a private conversation. Its words "
                        "will be quoted in the idea's thread, where everyone in the ideas "
                        "channel reads them (without where they came from). Attach it only if "
                        "that is fine with whoever wrote it."
                    )
                ]
            )
        )
    blocks += [
        external_select_input(
            F_IDEA,
            "Idea",
            action_id=EVIDENCE_IDEA_PICKER,
            placeholder="Type words or a number",
            hint="The idea this message is evidence for.",
        ),
        text_input(
            F_NOTE,
            "Why it matters (optional)",
            placeholder="e.g. a third customer asking for this in a month",
            max_length=NOTE_LIMIT,
            optional=True,
        ),
    ]
    return form(
        ADD_TO_IDEA_FORM,
        title="Add to an idea",
        submit="Add",
        blocks=blocks,
        metadata={"message": asdict(fitted(message))},
    )


def thread_reply(
    message: SourceMessage, *, added_by: str, note: str, permalink: str | None
) -> dict:
    """The quote in the idea's thread. A private conversation's channel, author and link stay
    out of it: the thread is public."""
    if message.public:
        head = f":paperclip: <@{added_by}> added evidence from <#{message.channel_id}>"
        said = f"— {_said_by(message)}"
        link = f" · <{permalink}|See the message>" if permalink else ""
    else:
        head = f":paperclip: <@{added_by}> added evidence from a private conversation"
        said, link = "", ""
    if message.cut and link:
        link = f" · <{permalink}|Read all of it>"
    parts = [head, quoted(message, QUOTE_LIMIT)]
    if said or link:
        parts.append(f"{said}{link}".strip(" ·"))
    if note.strip():
        parts.append(f"*Why it matters:* {escape(note.strip())}")
    return {
        "text": truncate(head, NOTIFICATION_TEXT_LIMIT),
        "blocks": to_dicts(sections("\n".join(parts))),
    }


def confirmation(
    *, idea_id: int, idea_link: str | None, message_link: str | None, in_thread: bool
) -> str:
    """The adder's private word: where the evidence is, and the message's link for them."""
    idea = f"<{idea_link}|idea #{idea_id}>" if idea_link else f"idea #{idea_id}"
    where = (
        f"It is quoted in {idea}'s thread."
        if in_thread
        else f"Slack didn't take the quote in {idea}'s thread just now: it is posted there "
        "by itself within a few minutes."
    )
    source = f" <{message_link}|The message>." if message_link else ""
    return f":paperclip: Added to {idea}. {where}{source}"
