"""Typed settings, read once from the environment and `.env`, validated at start-up."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Annotated, Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger
from dotenv import dotenv_values
from pydantic import Field, PlainValidator, ValidationError, ValidationInfo
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

DEFAULT_DATABASE_URL = "sqlite:///./lightbulb.db"
DEFAULT_VOTE_EMOJIS = ("+1", "bulb")
DEFAULT_METRICS_PORT = 9091
WHERE = "set it in .env (copy .env.example) or in the environment"

# Values copied unchanged from .env.example must not pass as real credentials.
PLACEHOLDER_MARKERS = ("your-", "xxxx", "changeme")

_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{6,}$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{6,}$")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

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
    # Blank counts as unset, so a line left as `PORT=` keeps the default.
    stripped = {name: (env.get(name) or "").strip() for name in SETTING_NAMES}
    values: dict[str, Any] = {name: text for name, text in stripped.items() if text}
    # A command does not read the credentials it does not need: placeholders are fine there.
    if not require_slack:
        values |= dict.fromkeys(("SLACK_BOT_TOKEN", "IDEAS_CHANNEL", "SLACK_APP_TOKEN"), "")
    if not require_signing_secret:
        values["SLACK_SIGNING_SECRET"] = ""
    try:
        raw = _Environment(**values)
    except ValidationError as error:
        # Fields are declared in the order the problems should be fixed: report the first.
        problem = error.errors()[0]
        name, message = str(problem["loc"][0]), problem["msg"]
        if problem["type"] == "missing":
            hint = _Environment.model_fields[name].description
            message = f"Missing setting {name}{f' ({hint})' if hint else ''}: {WHERE}."
        raise SettingsError(message) from None
    fields = {name.lower(): getattr(raw, name) for name in SETTING_NAMES}
    fields["work_start"], fields["work_end"] = fields.pop("working_hours")
    fields["work_days"] = fields.pop("working_days")
    fields["digest_schedule"] = fields.pop("experiment_digest_schedule")
    fields["prompts_schedule"] = fields.pop("learning_prompts_schedule")
    return Settings(**fields)


def _fail(message: str) -> NoReturn:
    # The message travels as context, not as the template, so braces in a value stay literal.
    raise PydanticCustomError("setting", "{message}", {"message": message})


def _parsed(parse: Callable[[str, str], object]) -> PlainValidator:
    """A validator calling `parse(name, text)`; the name is for the error message."""
    return PlainValidator(lambda text, info: parse(str(info.field_name), text))


def _secret(name: str, text: str) -> str:
    """A Slack credential; empty when the command does not need it. Slack tells its kinds of
    token apart by their prefix."""
    if any(marker in text.lower() for marker in PLACEHOLDER_MARKERS):
        _fail(
            f"Setting {name} still holds the placeholder from .env.example: "
            "put the real value in .env or in the environment."
        )
    if text and name == "SLACK_BOT_TOKEN" and not text.startswith("xoxb-"):
        _fail(
            f"Setting {name} must be the bot token starting with xoxb- "
            "(OAuth & Permissions → Bot User OAuth Token)."
        )
    if text and name == "SLACK_APP_TOKEN" and not text.startswith("xapp-"):
        _fail(
            f"Setting {name} must be an app-level token starting with xapp- "
            "(Basic Information → App-Level Tokens), or be left empty for HTTP mode."
        )
    return _channel_id(name, text) if text and name == "IDEAS_CHANNEL" else text


def _channel_id(name: str, text: str) -> str:
    if not _CHANNEL_ID.match(text):
        _fail(
            f"Setting {name}={text!r} must be a channel ID like C0123ABCD, not a name: in "
            "Slack open the channel's details; the ID is at the bottom."
        )
    return text


def _channel_or_ideas(text: str, info: ValidationInfo) -> str:
    return _channel_id(str(info.field_name), text) if text else info.data.get("IDEAS_CHANNEL", "")


def _user_ids(name: str, text: str) -> frozenset[str]:
    ids = [part.strip() for part in text.split(",") if part.strip()]
    for user_id in ids:
        if not _USER_ID.match(user_id):
            _fail(
                f"Setting {name} has {user_id!r}, which is not a Slack user ID "
                "(like U0123ABCD; profile → ⋮ → Copy member ID)."
            )
    return frozenset(ids)


def _emojis(name: str, text: str) -> tuple[str, ...]:
    names = (part.strip().strip(":") for part in text.split(",") if part.strip(":"))
    return tuple(dict.fromkeys(names)) or DEFAULT_VOTE_EMOJIS


def _timezone(name: str, text: str) -> str:
    with suppress(ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(text).key
    _fail(
        f"Setting {name}={text!r} is not a known time zone: use an IANA name such as "
        "Europe/Berlin or America/New_York."
    )


def _port(name: str, text: str, alternative: str = "") -> int:
    if not text.isdecimal() or not 0 < int(text) < 65536:
        _fail(f"Setting {name}={text!r} must be a port number (1–65535){alternative}.")
    return int(text)


def _port_or_off(name: str, text: str) -> int | None:
    text = text.lower()
    return None if text == "off" else _port(name, text, " or off")


def _working_hours(name: str, text: str) -> tuple[time, time]:
    start_text, _, end_text = text.partition("-")
    with suppress(ValueError):
        start, end = time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip())
        if start < end:
            return start, end
    _fail(f"Setting {name}={text!r} must be a range like 09:00-17:00 (start before end).")


def _working_days(name: str, text: str) -> frozenset[int]:
    """`mon-fri`, `mon,wed,fri` or `sun-thu`."""
    days: set[int] = set()
    for part in text.lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            _fail(f"Setting {name}={text!r} must name days like mon-fri or mon,wed,fri.")
        start, end = DAYS.index(first), DAYS.index(last or first)
        days.update((start + offset) % 7 for offset in range((end - start) % 7 + 1))
    return frozenset(days)


def _schedule(text: str, info: ValidationInfo) -> str:
    """A five-field crontab line. Days of the week must be names: APScheduler counts them
    from Monday = 0, not from Sunday as cron does, and a number would silently shift a day."""
    name, fields = str(info.field_name), text.split()
    if len(fields) == 5 and any(ch.isdigit() for ch in fields[4]):
        _fail(
            f"Setting {name}={text!r}: write the day of the week as a name (mon, tue, … or "
            "mon-fri), not a number."
        )
    with suppress(ValueError):
        CronTrigger.from_crontab(text, timezone=ZoneInfo(info.data.get("TIMEZONE", "UTC")))
        return " ".join(fields)
    _fail(
        f"Setting {name}={text!r} must be a crontab line: minute hour day month weekday, "
        "e.g. '0 10 1 * *' for the 1st of each month at 10:00."
    )


def _default(text: str) -> Any:
    """The default as .env.example would spell it, parsed like any value."""
    return Field(text, validate_default=True)


_Secret = Annotated[str, _parsed(_secret)]
_Schedule = Annotated[str, PlainValidator(_schedule)]


class _Environment(BaseSettings):
    """The settings as named in .env, checked in the order listed so that the first problem is
    the one reported (a validator misses an earlier field only when that one failed). A missing
    setting's description is the hint in its message."""

    SLACK_BOT_TOKEN: _Secret = Field(description="the xoxb-… Bot User OAuth Token")
    IDEAS_CHANNEL: _Secret
    SLACK_SIGNING_SECRET: _Secret = Field(description="needed in HTTP mode")
    SLACK_APP_TOKEN: _Secret = ""
    EXPERIMENTS_CHANNEL: Annotated[str, PlainValidator(_channel_or_ideas)] = _default("")
    AWARDS_CHANNEL: Annotated[str, PlainValidator(_channel_or_ideas)] = _default("")
    ADMIN_USER_IDS: Annotated[frozenset[str], _parsed(_user_ids)] = _default("")
    VOTE_EMOJIS: Annotated[tuple[str, ...], _parsed(_emojis)] = _default("")
    TIMEZONE: Annotated[str, _parsed(_timezone)] = _default("UTC")
    PORT: Annotated[int, _parsed(_port)] = _default("3000")
    METRICS_PORT: Annotated[int | None, _parsed(_port_or_off)] = _default(str(DEFAULT_METRICS_PORT))
    WORKING_HOURS: Annotated[tuple[time, time], _parsed(_working_hours)] = _default("09:00-17:00")
    WORKING_DAYS: Annotated[frozenset[int], _parsed(_working_days)] = _default("mon-fri")
    AWARDS_SCHEDULE: _Schedule = _default(DEFAULT_SCHEDULES["AWARDS_SCHEDULE"])
    EXPERIMENT_DIGEST_SCHEDULE: _Schedule = _default(
        DEFAULT_SCHEDULES["EXPERIMENT_DIGEST_SCHEDULE"]
    )
    LEARNING_PROMPTS_SCHEDULE: _Schedule = _default(DEFAULT_SCHEDULES["LEARNING_PROMPTS_SCHEDULE"])
    SLACK_API_URL: str = ""
    DATABASE_URL: str = DEFAULT_DATABASE_URL
    METRICS_HOST: str = "127.0.0.1"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Only what load_settings passes: the CLI takes the Slack secrets out of os.environ once
        # read_environment has them, and tests hand in a mapping that os.environ must not leak into.
        return (init_settings,)


# What load_settings reads, in the order it checks them.
SETTING_NAMES = tuple(_Environment.model_fields)
