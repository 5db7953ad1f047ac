"""Themes as plain functions: what `/idea theme …` asks for, what a valid theme is, and when an
idea waiting for its first decision is overdue. Messages are plain text (no mrkdwn to escape),
except where they quote `/idea` usage, which whoever shows them keeps as code."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.core.typed import text_length
from storage.vocabulary import IdeaStatus

NAME_LIMIT = 80
VISION_LIMIT = 1000
EMOJI_LIMIT = 100
DEFAULT_EMOJI = "dart"

# The form's block ids, so that each problem is shown next to its field.
F_NAME, F_VISION, F_OWNER, F_EMOJI = "theme_name", "theme_vision", "theme_owner", "theme_emoji"
# Slack's emoji names: lower-case letters, digits, `_`, `-`, `+`, `'` (like `+1`, `e-mail`),
# and a skin tone written `name::skin-tone-2`.
_EMOJI = re.compile(r"[a-z0-9_+'\-]+(::skin-tone-[2-6])?")

USAGE = (
    "Themes say where the company is going; each has an owner who reviews its new ideas.\n"
    "• `/idea themes`: the themes, their owners and how many ideas each has\n"
    "• `/idea theme add`: a new theme (admins)\n"
    "• `/idea theme edit <name>`: change a theme (admins)\n"
    "• `/idea theme archive <name>` / `/idea theme unarchive <name>`: take a theme out of the "
    "pickers, or bring it back (admins); its ideas keep it"
)


class Verb(StrEnum):
    ADD = "add"
    EDIT = "edit"
    ARCHIVE = "archive"
    UNARCHIVE = "unarchive"
    USAGE = ""


@dataclass(frozen=True)
class ThemeCommand:
    verb: Verb
    name: str = ""


def parse_theme_command(text: str) -> ThemeCommand:
    """`add`, `edit Customer love`, `archive Customer love`, … (as `bot.ideas.rules` passes
    them on); anything else asks for the usage."""
    verb, _, name = text.strip().partition(" ")
    try:
        return ThemeCommand(Verb(verb.lower()), " ".join(name.split()))
    except ValueError:
        return ThemeCommand(Verb.USAGE)


@dataclass(frozen=True)
class ThemeDraft:
    """A theme as the form submitted it, before it is stored."""

    name: str
    vision: str
    owner_id: str
    emoji: str = ""


def emoji_name(text: str) -> str | None:
    """`:rocket:`, `rocket` or `` → `rocket` (or the default); None when it is no emoji name."""
    cleaned = text.strip().lower()
    if not cleaned:
        return DEFAULT_EMOJI
    if cleaned.startswith(":") and cleaned.endswith(":") and len(cleaned) > 2:
        cleaned = cleaned[1:-1]
    if len(cleaned) > EMOJI_LIMIT or not _EMOJI.fullmatch(cleaned):
        return None
    return cleaned


def theme_problems(draft: ThemeDraft) -> dict[str, str]:
    """Field-by-field problems with a submitted theme (its owner is checked with Slack, and
    its name against the others, by the service)."""
    problems: dict[str, str] = {}
    if not draft.name.strip():
        problems[F_NAME] = "Give the theme a short name, like “Customer love”."
    elif text_length(draft.name.strip()) > NAME_LIMIT:
        problems[F_NAME] = f"Keep the name to {NAME_LIMIT} characters."
    if not draft.vision.strip():
        problems[F_VISION] = (
            "Say in a paragraph how this theme serves the company's vision: it is what people "
            "read before they point an idea at it."
        )
    elif text_length(draft.vision) > VISION_LIMIT:
        problems[F_VISION] = f"Keep this to {VISION_LIMIT:,} characters."
    if not draft.owner_id:
        problems[F_OWNER] = "Pick the person who reviews the ideas in this theme."
    if emoji_name(draft.emoji) is None:
        problems[F_EMOJI] = (
            "Type one emoji name, like :rocket: or rocket (letters, digits, - and _), or leave "
            "it empty for :dart:."
        )
    return problems


def clean(draft: ThemeDraft) -> ThemeDraft:
    """The draft as it is stored: trimmed, one space between words of the name, and the emoji
    as a bare name."""
    return replace(
        draft,
        name=" ".join(draft.name.split()),
        vision=draft.vision.strip(),
        emoji=emoji_name(draft.emoji) or DEFAULT_EMOJI,
    )


def days_waiting(created_at: datetime, *, today: date, tz: ZoneInfo) -> int:
    """Whole days since the idea was shared, counted in the programme's timezone: shared on
    Monday, it has waited one day on Tuesday, whatever the hour."""
    if created_at.tzinfo is None:  # SQLite hands back naive UTC
        created_at = created_at.replace(tzinfo=UTC)
    return (today - created_at.astimezone(tz).date()).days


def days_overdue(
    status: str, created_at: datetime, *, today: date, tz: ZoneInfo, within: int
) -> int | None:
    """How many days past `within` an idea still waiting for its first decision ("new") is;
    None when it is not overdue (decided, or still within the time)."""
    if status != IdeaStatus.NEW:
        return None
    late = days_waiting(created_at, today=today, tz=tz) - within
    return late if late > 0 else None


def overdue_mark(days: int) -> str:
    return f":alarm_clock: overdue ({days} day{'' if days == 1 else 's'})"


# Said next to a theme picker when the theme chosen was archived while the form was open.
ARCHIVED_MEANWHILE = "This theme was archived a moment ago: pick another one, or none."
