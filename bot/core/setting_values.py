"""How each setting's text is read and checked: one function per kind of value, each failing
with the one-line message the operator sees."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import suppress
from datetime import time
from typing import Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger
from pydantic import Field, PlainValidator, ValidationInfo
from pydantic_core import PydanticCustomError

DEFAULT_VOTE_EMOJIS = ("+1", "bulb")
# Values copied unchanged from .env.example must not pass as real credentials.
PLACEHOLDER_MARKERS = ("your-", "xxxx", "changeme")

_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{6,}$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{6,}$")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def fail(message: str) -> NoReturn:
    # The message travels as context, not as the template, so braces in a value stay literal.
    raise PydanticCustomError("setting", "{message}", {"message": message})


def parsed(parse: Callable[[str, str], object]) -> PlainValidator:
    """A validator calling `parse(name, text)`; the name is for the error message."""
    return PlainValidator(lambda text, info: parse(str(info.field_name), text))


def secret(name: str, text: str) -> str:
    """A Slack credential; empty when the command does not need it. Slack tells its kinds of
    token apart by their prefix."""
    if any(marker in text.lower() for marker in PLACEHOLDER_MARKERS):
        fail(
            f"Setting {name} still holds the placeholder from .env.example: "
            "put the real value in .env or in the environment."
        )
    if text and name == "SLACK_BOT_TOKEN" and not text.startswith("xoxb-"):
        fail(
            f"Setting {name} must be the bot token starting with xoxb- "
            "(OAuth & Permissions → Bot User OAuth Token)."
        )
    if text and name == "SLACK_APP_TOKEN" and not text.startswith("xapp-"):
        fail(
            f"Setting {name} must be an app-level token starting with xapp- "
            "(Basic Information → App-Level Tokens), or be left empty for HTTP mode."
        )
    return channel_id(name, text) if text and name == "IDEAS_CHANNEL" else text


def channel_id(name: str, text: str) -> str:
    if not _CHANNEL_ID.match(text):
        fail(
            f"Setting {name}={text!r} must be a channel ID like C0123ABCD, not a name: in "
            "Slack open the channel's details; the ID is at the bottom."
        )
    return text


def channel_or_ideas(text: str, info: ValidationInfo) -> str:
    return channel_id(str(info.field_name), text) if text else info.data.get("IDEAS_CHANNEL", "")


def user_ids(name: str, text: str) -> frozenset[str]:
    ids = [part.strip() for part in text.split(",") if part.strip()]
    for user_id in ids:
        if not _USER_ID.match(user_id):
            fail(
                f"Setting {name} has {user_id!r}, which is not a Slack user ID "
                "(like U0123ABCD; profile → ⋮ → Copy member ID)."
            )
    return frozenset(ids)


def emojis(name: str, text: str) -> tuple[str, ...]:
    names = (part.strip().strip(":") for part in text.split(",") if part.strip(":"))
    return tuple(dict.fromkeys(names)) or DEFAULT_VOTE_EMOJIS


def timezone(name: str, text: str) -> str:
    with suppress(ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(text).key
    fail(
        f"Setting {name}={text!r} is not a known time zone: use an IANA name such as "
        "Europe/Berlin or America/New_York."
    )


def port(name: str, text: str, alternative: str = "") -> int:
    if not text.isdecimal() or not 0 < int(text) < 65536:
        fail(f"Setting {name}={text!r} must be a port number (1–65535){alternative}.")
    return int(text)


def days(name: str, text: str) -> int:
    if not text.isdecimal() or not 1 <= int(text) <= 365:
        fail(f"Setting {name}={text!r} must be a number of days from 1 to 365.")
    return int(text)


def port_or_off(name: str, text: str) -> int | None:
    text = text.lower()
    return None if text == "off" else port(name, text, " or off")


def on_off(name: str, text: str) -> bool:
    lowered = text.lower()
    if lowered not in ("on", "off"):
        fail(f"Setting {name}={text!r} must be on or off.")
    return lowered == "on"


def off_allow(name: str, text: str) -> bool:
    lowered = text.lower()
    if lowered not in ("off", "allow"):
        fail(f"Setting {name}={text!r} must be off or allow.")
    return lowered == "allow"


def true_false(name: str, text: str) -> bool:
    lowered = text.lower()
    if lowered not in ("true", "false"):
        fail(f"Setting {name}={text!r} must be true or false.")
    return lowered == "true"


def working_hours(name: str, text: str) -> tuple[time, time]:
    start_text, _, end_text = text.partition("-")
    with suppress(ValueError):
        start, end = time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip())
        if start < end:
            return start, end
    fail(f"Setting {name}={text!r} must be a range like 09:00-17:00 (start before end).")


def working_days(name: str, text: str) -> frozenset[int]:
    """`mon-fri`, `mon,wed,fri` or `sun-thu`."""
    days: set[int] = set()
    for part in text.lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            fail(f"Setting {name}={text!r} must name days like mon-fri or mon,wed,fri.")
        start, end = DAYS.index(first), DAYS.index(last or first)
        days.update((start + offset) % 7 for offset in range((end - start) % 7 + 1))
    return frozenset(days)


def schedule(text: str, info: ValidationInfo) -> str:
    """A five-field crontab line. Days of the week must be names: APScheduler counts them
    from Monday = 0, not from Sunday as cron does, and a number would silently shift a day."""
    name, fields = str(info.field_name), text.split()
    if len(fields) == 5 and any(ch.isdigit() for ch in fields[4]):
        fail(
            f"Setting {name}={text!r}: write the day of the week as a name (mon, tue, … or "
            "mon-fri), not a number."
        )
    with suppress(ValueError):
        CronTrigger.from_crontab(text, timezone=ZoneInfo(info.data.get("TIMEZONE", "UTC")))
        return " ".join(fields)
    fail(
        f"Setting {name}={text!r} must be a crontab line: minute hour day month weekday, "
        "e.g. '0 10 1 * *' for the 1st of each month at 10:00."
    )


def default(text: str) -> Any:
    """The default as .env.example would spell it, parsed like any value."""
    return Field(text, validate_default=True)
