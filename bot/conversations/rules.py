"""The rules for saving a Slack message as an idea: what the form is prefilled with, who the
message is credited to, and what is said about it.

Plain functions with no Slack or database in them: the service hands them the message as
Slack sent it and Slack's answers about its conversation.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.typed import text_length
from bot.ideas.rules import DETAILS_LIMIT, SUMMARY_LIMIT
from storage.vocabulary import SourceKind

# Channel IDs of direct messages start with D: Lightbulb never replies in one.
DIRECT_MESSAGE_PREFIX = "D"

NO_TEXT = (
    ":pencil2: This message has no text to start from (only files, perhaps): write the idea "
    "in your own words. It stays linked to the message."
)
SUMMARY_TOO_LONG = (
    f":scissors: The message's first line is longer than a summary can be ({SUMMARY_LIMIT} "
    "characters), so it is in the details: write a one-line summary."
)
DETAILS_TOO_LONG = (
    f":scissors: The message is longer than the details can hold ({DETAILS_LIMIT:,} "
    "characters): they hold its beginning, and the idea links to the whole message."
)


@dataclass(frozen=True)
class Prefill:
    """What the idea form starts with, and what the person should know about it."""

    summary: str
    details: str
    notices: tuple[str, ...] = ()


def prefill(text: str) -> Prefill:
    """Summary from the message's first line, details from the rest, Slack markup left as
    typed. What does not fit is never cut silently: a first line too long for a summary goes
    to the details, and details too long keep their beginning; each time a notice says so."""
    text = text.strip()
    if not text:
        return Prefill("", "", (NO_TEXT,))
    first, _, rest = text.partition("\n")
    notices: list[str] = []
    summary, details = first.strip(), rest.strip()
    if text_length(summary) > SUMMARY_LIMIT:
        summary, details = "", text
        notices.append(SUMMARY_TOO_LONG)
    if text_length(details) > DETAILS_LIMIT:
        details = fitting(details, DETAILS_LIMIT)
        notices.append(DETAILS_TOO_LONG)
    return Prefill(summary, details, tuple(notices))


def fitting(text: str, limit: int) -> str:
    """The longest beginning of `text` within `limit` (as Slack counts), ended at a space
    when there is one in its last fifth, so that no word is cut in half."""
    used, end = 0, 0
    for index, character in enumerate(text):
        used += text_length(character)
        if used > limit:
            break
        end = index + 1
    kept = text[:end]
    space = max(kept.rfind(" "), kept.rfind("\n"))
    if end < len(text) and space > end * 4 // 5:
        kept = kept[:space]
    return kept.rstrip()


def author_of(message: dict) -> str | None:
    """Who wrote the message: None for one an app posted (a bot, an integration), which no
    person is credited for."""
    if message.get("bot_id") or message.get("subtype") == "bot_message":
        return None
    user = message.get("user")
    return user if isinstance(user, str) and user else None


def default_kind(*, author_id: str | None, submitter_id: str) -> str:
    """Preselected answer to "Where did it come from?": the person's own when they wrote it,
    a colleague's when someone else did; none for an app's message, which often relays a
    customer, so the person says which."""
    if author_id is None:
        return ""
    return SourceKind.OWN if author_id == submitter_id else SourceKind.COLLEAGUE


def is_public(info: dict) -> bool:
    """Whether `conversations.info` describes a public channel: only then may anyone follow
    the link or learn the channel's name. Anything else, or an unclear answer, is private."""
    return (
        info.get("is_channel") is True
        and info.get("is_private") is False
        and not info.get("is_im")
        and not info.get("is_mpim")
    )


def may_reply_in(channel_id: str, info: dict) -> bool:
    """Whether the "saved as idea" reply goes in the message's thread: only where Lightbulb is
    a member, and never in a direct or group message, which belong to the people in them."""
    if channel_id.startswith(DIRECT_MESSAGE_PREFIX) or info.get("is_im") or info.get("is_mpim"):
        return False
    return info.get("is_member") is True


def built_permalink(*, domain: str, channel_id: str, ts: str, thread_ts: str | None) -> str:
    """The link Slack gives a message, built by hand when `chat.getPermalink` cannot."""
    link = f"https://{domain}.slack.com/archives/{channel_id}/p{ts.replace('.', '')}"
    if thread_ts and thread_ts != ts:
        link += f"?thread_ts={thread_ts}&cid={channel_id}"
    return link


def already_an_idea(idea_id: int, permalink: str | None) -> str:
    """The answer to **Save as idea** on an idea's own post."""
    where = f"<{permalink}|idea #{idea_id}>" if permalink else f"idea #{idea_id}"
    return f":bulb: That's {where} already: vote for it with a reaction on its post."


def already_saved(ideas: list[tuple[int, str | None]]) -> str:
    """The notice on the form for a message already saved as one idea or more."""
    named = ", ".join(f"<{link}|#{i}>" if link else f"#{i}" for i, link in ideas)
    return (
        f":information_source: This message is already saved as idea {named}: vote for it "
        "there, or share a different idea from the same message here."
    )


def saved_reply(idea_id: int, permalink: str | None) -> str:
    """The short reply in the source message's thread."""
    where = f"<{permalink}|idea #{idea_id}>" if permalink else f"idea #{idea_id}"
    return f":bulb: Saved as {where}"


def source_note(permalink: str | None) -> str:
    """Added to the submitter's confirmation: the link to the message, in every case (only
    they see it)."""
    return f"It links to <{permalink}|the message it came from>." if permalink else ""
