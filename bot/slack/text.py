"""Slack's text rules in one place: escaping user text for mrkdwn, and Block Kit limits."""

from __future__ import annotations

from bot.core.typed import text_length

# Block Kit limits (https://api.slack.com/reference/block-kit).
SECTION_TEXT_LIMIT = 3000
HEADER_TEXT_LIMIT = 150
MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100
NOTIFICATION_TEXT_LIMIT = 300

_ENTITY_MAX = len("&amp;")


def escape(text: str) -> str:
    """Make user text inert in mrkdwn: `<!channel>`, `<@U…>` and links stop being controls.

    Slack asks for exactly these three replacements and no others.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def split_escaped(text: str, limit: int = SECTION_TEXT_LIMIT) -> list[str]:
    """Split already-escaped text into chunks that each fit one section.

    Cuts prefer a line break, then a space, and never split an `&amp;`-style entity.
    """
    chunks: list[str] = []
    rest = text
    while text_length(rest) > limit:
        cut = _fit(rest, limit)
        boundary = max(rest.rfind("\n", 0, cut), rest.rfind(" ", 0, cut))
        if boundary > cut // 2:
            cut = boundary
        entity = rest.rfind("&", max(0, cut - _ENTITY_MAX + 1), cut)
        if entity != -1 and ";" not in rest[entity:cut]:
            cut = entity
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip(" \n")
    if rest or not chunks:
        chunks.append(rest)
    return chunks


def _fit(text: str, limit: int) -> int:
    """The largest prefix length (in code points) whose Slack length is within `limit`."""
    cut = min(len(text), limit)
    while text_length(text[:cut]) > limit:
        cut -= max(1, (text_length(text[:cut]) - limit) // 2)
    return cut


def truncate(text: str, limit: int) -> str:
    """Shorten for a preview (notifications, headers), marking the cut with an ellipsis."""
    if text_length(text) <= limit:
        return text
    return text[: _fit(text, limit - 1)].rstrip() + "…"
