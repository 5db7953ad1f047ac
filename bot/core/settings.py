"""Typed settings, read once from the environment and `.env`, validated at start-up."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from dotenv import dotenv_values
from pydantic import Field, PlainValidator, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from bot.core import department_values as departments
from bot.core import setting_values as parse

DEFAULT_DATABASE_URL = "sqlite:///./lightbulb.db"
DEFAULT_METRICS_PORT = 9091
WHERE = "set it in .env (copy .env.example) or in the environment"


# Crontab lines (minute hour day month day-of-week) in TIMEZONE.
DEFAULT_SCHEDULES = {
    "AWARDS_SCHEDULE": "0 10 1 * *",
    "EXPERIMENT_DIGEST_SCHEDULE": "0 10 * * mon",
    "LEARNING_PROMPTS_SCHEDULE": "0 * * * *",
    "THEME_REVIEW_SCHEDULE": "0 9 * * mon",
    "CHALLENGES_SCHEDULE": "*/5 * * * *",
    "PEOPLE_REFRESH_SCHEDULE": "0 4 * * *",
    "EXPLORATION_SCHEDULE": "*/15 * * * thu-sat",
    "REPORT_SCHEDULE": "0 9 2 * *",
    # Hourly through Tuesday and Wednesday: every timezone's working hours fall inside it.
    "INTRODUCTIONS_SCHEDULE": "0 * * * tue,wed",
}
DEFAULT_REVIEW_WITHIN_DAYS = 14


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
    vote_emojis: tuple[str, ...] = parse.DEFAULT_VOTE_EMOJIS
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
    theme_review_schedule: str = DEFAULT_SCHEDULES["THEME_REVIEW_SCHEDULE"]
    challenges_schedule: str = DEFAULT_SCHEDULES["CHALLENGES_SCHEDULE"]
    # A theme's owner makes a first decision on each new idea in their theme within this.
    review_within_days: int = DEFAULT_REVIEW_WITHIN_DAYS
    # Where a person's department comes from: title, usergroups or field.
    department_source: str = "title"
    department_groups: tuple[str, ...] = ()
    department_field: str = ""
    # (pattern, department) pairs for titles, first match wins; empty: the title itself.
    department_titles: tuple[tuple[str, str], ...] = ()
    # User group handles whose members are asked about their exploration time; empty: nobody.
    exploration_groups: tuple[str, ...] = ()
    # The monthly report for leaders goes here; empty: no report.
    leaders_channel: str = ""
    people_refresh_schedule: str = DEFAULT_SCHEDULES["PEOPLE_REFRESH_SCHEDULE"]
    exploration_schedule: str = DEFAULT_SCHEDULES["EXPLORATION_SCHEDULE"]
    report_schedule: str = DEFAULT_SCHEDULES["REPORT_SCHEDULE"]
    # Weekly group DMs between an idea's author and helpers from other departments.
    introductions: bool = False
    introductions_schedule: str = DEFAULT_SCHEDULES["INTRODUCTIONS_SCHEDULE"]
    # The idea form offers "Share anonymously" (ANONYMOUS_IDEAS=allow).
    anonymous_ideas: bool = False
    # The names under an idea's vote count; off: the count alone.
    show_voter_names: bool = True

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


_Secret = Annotated[str, parse.parsed(parse.secret)]
_Schedule = Annotated[str, PlainValidator(parse.schedule)]


class _Environment(BaseSettings):
    """The settings as named in .env, checked in the order listed so that the first problem is
    the one reported (a validator misses an earlier field only when that one failed). A missing
    setting's description is the hint in its message."""

    SLACK_BOT_TOKEN: _Secret = Field(description="the xoxb-… Bot User OAuth Token")
    IDEAS_CHANNEL: _Secret
    SLACK_SIGNING_SECRET: _Secret = Field(description="needed in HTTP mode")
    SLACK_APP_TOKEN: _Secret = ""
    EXPERIMENTS_CHANNEL: Annotated[str, PlainValidator(parse.channel_or_ideas)] = parse.default("")
    AWARDS_CHANNEL: Annotated[str, PlainValidator(parse.channel_or_ideas)] = parse.default("")
    ADMIN_USER_IDS: Annotated[frozenset[str], parse.parsed(parse.user_ids)] = parse.default("")
    VOTE_EMOJIS: Annotated[tuple[str, ...], parse.parsed(parse.emojis)] = parse.default("")
    TIMEZONE: Annotated[str, parse.parsed(parse.timezone)] = parse.default("UTC")
    PORT: Annotated[int, parse.parsed(parse.port)] = parse.default("3000")
    METRICS_PORT: Annotated[int | None, parse.parsed(parse.port_or_off)] = parse.default(
        str(DEFAULT_METRICS_PORT)
    )
    WORKING_HOURS: Annotated[tuple[time, time], parse.parsed(parse.working_hours)] = parse.default(
        "09:00-17:00"
    )
    WORKING_DAYS: Annotated[frozenset[int], parse.parsed(parse.working_days)] = parse.default(
        "mon-fri"
    )
    AWARDS_SCHEDULE: _Schedule = parse.default(DEFAULT_SCHEDULES["AWARDS_SCHEDULE"])
    EXPERIMENT_DIGEST_SCHEDULE: _Schedule = parse.default(
        DEFAULT_SCHEDULES["EXPERIMENT_DIGEST_SCHEDULE"]
    )
    LEARNING_PROMPTS_SCHEDULE: _Schedule = parse.default(
        DEFAULT_SCHEDULES["LEARNING_PROMPTS_SCHEDULE"]
    )
    THEME_REVIEW_SCHEDULE: _Schedule = parse.default(DEFAULT_SCHEDULES["THEME_REVIEW_SCHEDULE"])
    CHALLENGES_SCHEDULE: _Schedule = parse.default(DEFAULT_SCHEDULES["CHALLENGES_SCHEDULE"])
    REVIEW_WITHIN_DAYS: Annotated[int, parse.parsed(parse.days)] = parse.default(
        str(DEFAULT_REVIEW_WITHIN_DAYS)
    )
    DEPARTMENT_SOURCE: Annotated[str, parse.parsed(departments.department_source)] = parse.default(
        "title"
    )
    DEPARTMENT_GROUPS: Annotated[tuple[str, ...], PlainValidator(departments.department_groups)] = (
        parse.default("")
    )
    DEPARTMENT_FIELD: Annotated[str, PlainValidator(departments.department_field)] = parse.default(
        ""
    )
    DEPARTMENT_TITLES: Annotated[
        tuple[tuple[str, str], ...], parse.parsed(departments.title_patterns)
    ] = parse.default("")
    EXPLORATION_GROUPS: Annotated[tuple[str, ...], parse.parsed(departments.handles)] = (
        parse.default("")
    )
    LEADERS_CHANNEL: Annotated[str, parse.parsed(departments.optional_channel)] = parse.default("")
    PEOPLE_REFRESH_SCHEDULE: _Schedule = parse.default(DEFAULT_SCHEDULES["PEOPLE_REFRESH_SCHEDULE"])
    EXPLORATION_SCHEDULE: _Schedule = parse.default(DEFAULT_SCHEDULES["EXPLORATION_SCHEDULE"])
    REPORT_SCHEDULE: _Schedule = parse.default(DEFAULT_SCHEDULES["REPORT_SCHEDULE"])
    INTRODUCTIONS: Annotated[bool, parse.parsed(parse.on_off)] = parse.default("off")
    INTRODUCTIONS_SCHEDULE: _Schedule = parse.default(DEFAULT_SCHEDULES["INTRODUCTIONS_SCHEDULE"])
    ANONYMOUS_IDEAS: Annotated[bool, parse.parsed(parse.off_allow)] = parse.default("off")
    SHOW_VOTER_NAMES: Annotated[bool, parse.parsed(parse.true_false)] = parse.default("true")
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
