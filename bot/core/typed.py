"""Reading what people type: its length as Slack counts it, and idea or experiment numbers.

Plain functions the rules of every domain use, so that no rule needs Slack's own modules.
"""

from __future__ import annotations

# The largest PostgreSQL `integer`: a bigger number names no idea or experiment.
MAX_ID = 2_147_483_647


def text_length(text: str) -> int:
    """Length as Slack counts it (UTF-16 code units): an emoji can count twice."""
    return len(text.encode("utf-16-le")) // 2


def parse_id(value: object) -> int | None:
    """`12`, `#12` or 12 → 12; words, `²`, zero, or numbers no row can have → None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        digits = value.strip().removeprefix("#")
        if not (digits.isascii() and digits.isdigit()) or len(digits) > len(str(MAX_ID)):
            return None
        value = int(digits)
    if isinstance(value, int) and 0 < value <= MAX_ID:
        return value
    return None
