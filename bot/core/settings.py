"""Typed settings, read once from the environment and `.env`, validated at start-up."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger
from dotenv import dotenv_values

DEFAULT_DATABASE_URL = "sqlite:///./lightbulb.db"
DEFAULT_VOTE_EMOJIS = ("+1", "bulb")
DEFAULT_METRICS_PORT = 9091
WHERE = "set it in .env (copy .env.example) or in the environment"

# Values copied unchanged from .env.example must not pass as real credentials.
PLACEHOLDER_MARKERS = ("your-", "xxxx", "changeme")

_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{6,}$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{6,}$")


# Crontab lines (minute hour day month day-of-week) in TIMEZONE.
DEFAULT_SCHEDULES = {
    "AWARDS_SCHEDULE": "0 10 1 * *",
    "EXPERIMENT_DIGEST_SCHEDULE": "0 10 * * mon",
    "LEARNING_PROMPTS_SCHEDULE": "0 * * * *",
}


class SettingsError(Exception):
    """A setting is missing or invalid; the message is one line meant for the operator."""


@dataclass(frozen=True)
class Settings:
    """Everything Lightbulb reads from its configuration, already validated."""

    slack_bot_token: str = ""
    slack_signing_secret: str = ""
    slack_app_token: str = ""
    slack_api_url: str = ""
    database_url: str = DEFAULT_DATABASE_URL
    ideas_channel: str = ""
    experiments_channel: str = ""
    awards_channel: str = ""
    admin_user_ids: frozenset[str] = field(default_factory=frozenset)
    vote_emojis: tuple[str, ...] = DEFAULT_VOTE_EMOJIS
    timezone: str = "UTC"
    port: int = 3000
    # `/metrics` (and a second `/healthz`) listen apart from the public endpoint; None: off.
    metrics_host: str = "127.0.0.1"
    metrics_port: int | None = DEFAULT_METRICS_PORT
    work_start: time = time(9, 0)
    work_end: time = time(17, 0)
    work_days: frozenset[int] = frozenset(range(5))  # Monday is 0
    awards_schedule: str = DEFAULT_SCHEDULES["AWARDS_SCHEDULE"]
    digest_schedule: str = DEFAULT_SCHEDULES["EXPERIMENT_DIGEST_SCHEDULE"]
    prompts_schedule: str = DEFAULT_SCHEDULES["LEARNING_PROMPTS_SCHEDULE"]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def socket_mode(self) -> bool:
        """Socket Mode is the default whenever an app-level token is configured."""
        return bool(self.slack_app_token)


def read_environment(env_file: str | Path | None = ".env") -> dict[str, str]:
    """Merge `.env` with the process environment; the environment wins."""
    values: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ)
    return values


def load_settings(
    env: Mapping[str, str] | None = None,
    *,
    require_slack: bool = True,
    require_signing_secret: bool = False,
) -> Settings:
    """Build and validate `Settings`.

    `require_slack` is off for commands that only touch the database (`migrate`,
    `export`), so an operator can prepare the database before creating the Slack app.
    """
    env = read_environment() if env is None else env

    def get(name: str, default: str = "") -> str:
        return (env.get(name) or "").strip() or default

    def secret(name: str) -> str:
        value = get(name)
        if any(marker in value.lower() for marker in PLACEHOLDER_MARKERS):
            raise SettingsError(
                f"Setting {name} still holds the placeholder from .env.example: "
                "put the real value in .env or in the environment."
            )
        return value

    def required(name: str, hint: str = "") -> str:
        value = secret(name)
        if not value:
            raise SettingsError(f"Missing setting {name}{hint}: {WHERE}.")
        return value

    bot_token = signing_secret = ideas_channel = ""
    if require_slack:
        bot_token = required("SLACK_BOT_TOKEN", " (the xoxb-… Bot User OAuth Token)")
        if not bot_token.startswith("xoxb-"):
            raise SettingsError(
                "Setting SLACK_BOT_TOKEN must be the bot token starting with xoxb- "
                "(OAuth & Permissions → Bot User OAuth Token)."
            )
        ideas_channel = _channel_id("IDEAS_CHANNEL", required("IDEAS_CHANNEL"))
    if require_signing_secret:
        signing_secret = required("SLACK_SIGNING_SECRET", " (needed in HTTP mode)")

    app_token = secret("SLACK_APP_TOKEN") if require_slack else ""
    if app_token and not app_token.startswith("xapp-"):
        raise SettingsError(
            "Setting SLACK_APP_TOKEN must be an app-level token starting with xapp- "
            "(Basic Information → App-Level Tokens), or be left empty for HTTP mode."
        )

    experiments_channel = get("EXPERIMENTS_CHANNEL")
    awards_channel = get("AWARDS_CHANNEL")
    if experiments_channel:
        _channel_id("EXPERIMENTS_CHANNEL", experiments_channel)
    if awards_channel:
        _channel_id("AWARDS_CHANNEL", awards_channel)

    admins = frozenset(part.strip() for part in get("ADMIN_USER_IDS").split(",") if part.strip())
    for admin in admins:
        if not _USER_ID.match(admin):
            raise SettingsError(
                f"Setting ADMIN_USER_IDS has {admin!r}, which is not a Slack user ID "
                "(like U0123ABCD; profile → ⋮ → Copy member ID)."
            )

    emojis = tuple(
        dict.fromkeys(
            part.strip().strip(":") for part in get("VOTE_EMOJIS").split(",") if part.strip(":")
        )
    )

    timezone = get("TIMEZONE", "UTC")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"Setting TIMEZONE={timezone!r} is not a known time zone: use an IANA name such as "
            "Europe/Berlin or America/New_York."
        ) from None

    port_text = get("PORT", "3000")
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise SettingsError(f"Setting PORT={port_text!r} must be a port number (1–65535).")

    metrics_text = get("METRICS_PORT", str(DEFAULT_METRICS_PORT)).lower()
    if metrics_text != "off" and not (metrics_text.isdigit() and 0 < int(metrics_text) < 65536):
        raise SettingsError(
            f"Setting METRICS_PORT={metrics_text!r} must be a port number (1–65535) or off."
        )

    work_start, work_end = _working_hours(get("WORKING_HOURS", "09:00-17:00"))
    work_days = _working_days(get("WORKING_DAYS", "mon-fri"))

    schedules = {
        name: _schedule(name, get(name, default), timezone)
        for name, default in DEFAULT_SCHEDULES.items()
    }

    return Settings(
        slack_bot_token=bot_token,
        slack_signing_secret=signing_secret,
        slack_app_token=app_token,
        slack_api_url=get("SLACK_API_URL"),
        database_url=get("DATABASE_URL", DEFAULT_DATABASE_URL),
        ideas_channel=ideas_channel,
        experiments_channel=experiments_channel or ideas_channel,
        awards_channel=awards_channel or ideas_channel,
        admin_user_ids=admins,
        vote_emojis=emojis or DEFAULT_VOTE_EMOJIS,
        timezone=timezone,
        port=int(port_text),
        metrics_host=get("METRICS_HOST", "127.0.0.1"),
        metrics_port=None if metrics_text == "off" else int(metrics_text),
        work_start=work_start,
        work_end=work_end,
        work_days=work_days,
        awards_schedule=schedules["AWARDS_SCHEDULE"],
        digest_schedule=schedules["EXPERIMENT_DIGEST_SCHEDULE"],
        prompts_schedule=schedules["LEARNING_PROMPTS_SCHEDULE"],
    )


DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _working_hours(text: str) -> tuple[time, time]:
    start_text, _, end_text = text.partition("-")
    problem = SettingsError(
        f"Setting WORKING_HOURS={text!r} must be a range like 09:00-17:00 (start before end)."
    )
    try:
        start, end = time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip())
    except ValueError:
        raise problem from None
    if start >= end:
        raise problem
    return start, end


def _working_days(text: str) -> frozenset[int]:
    """`mon-fri`, `mon,wed,fri` or `sun-thu`."""
    days: set[int] = set()
    for part in text.lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise SettingsError(
                f"Setting WORKING_DAYS={text!r} must name days like mon-fri or mon,wed,fri."
            )
        start, end = DAYS.index(first), DAYS.index(last or first)
        days.update((start + offset) % 7 for offset in range((end - start) % 7 + 1))
    return frozenset(days)


def _schedule(name: str, text: str, timezone: str) -> str:
    """A five-field crontab line. Days of the week must be names: APScheduler counts them
    from Monday = 0, not from Sunday as cron does, and a number would silently shift a day."""
    fields = text.split()
    if len(fields) == 5 and any(ch.isdigit() for ch in fields[4]):
        raise SettingsError(
            f"Setting {name}={text!r}: write the day of the week as a name (mon, tue, … or "
            "mon-fri), not a number."
        )
    try:
        CronTrigger.from_crontab(text, timezone=ZoneInfo(timezone))
    except ValueError:
        raise SettingsError(
            f"Setting {name}={text!r} must be a crontab line: minute hour day month weekday, "
            "e.g. '0 10 1 * *' for the 1st of each month at 10:00."
        ) from None
    return " ".join(fields)


def _channel_id(name: str, value: str) -> str:
    if not _CHANNEL_ID.match(value):
        raise SettingsError(
            f"Setting {name}={value!r} must be a channel ID like C0123ABCD, not a name: in "
            "Slack open the channel's details; the ID is at the bottom."
        )
    return value
