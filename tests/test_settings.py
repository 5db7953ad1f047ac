from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.core.settings import DEFAULT_DATABASE_URL, DEFAULT_SCHEDULES, SettingsError, load_settings

BASE = {"SLACK_BOT_TOKEN": "xoxb-123-456-abc", "IDEAS_CHANNEL": "C0IDEAS01"}


def test_defaults_follow_the_configuration_table() -> None:
    settings = load_settings(BASE)

    assert settings.database_url == DEFAULT_DATABASE_URL == "sqlite:///./lightbulb.db"
    assert settings.experiments_channel == settings.awards_channel == "C0IDEAS01"
    assert settings.vote_emojis == ("+1", "bulb")
    assert settings.timezone == "UTC" and settings.port == 3000
    assert settings.admin_user_ids == frozenset()
    assert not settings.socket_mode


def test_lists_are_parsed_and_cleaned() -> None:
    settings = load_settings(
        BASE
        | {
            "VOTE_EMOJIS": " :+1: , bulb,,rocket ,bulb",
            "ADMIN_USER_IDS": "U0ADMIN01, W0ADMIN02",
            "SLACK_APP_TOKEN": "xapp-1-abc",
            "EXPERIMENTS_CHANNEL": "C0EXPER01",
        }
    )

    assert settings.vote_emojis == ("+1", "bulb", "rocket")
    assert settings.admin_user_ids == {"U0ADMIN01", "W0ADMIN02"}
    assert settings.socket_mode
    assert settings.experiments_channel == "C0EXPER01" and settings.awards_channel == "C0IDEAS01"


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "IDEAS_CHANNEL"),
        (BASE | {"SLACK_BOT_TOKEN": "xoxb-your-bot-token"}, "placeholder"),
        (BASE | {"SLACK_BOT_TOKEN": "xoxp-user-token"}, "xoxb-"),
        (BASE | {"IDEAS_CHANNEL": "#ideas"}, "channel ID"),
        (BASE | {"SLACK_APP_TOKEN": "xoxb-wrong"}, "xapp-"),
        (BASE | {"ADMIN_USER_IDS": "alice"}, "ADMIN_USER_IDS"),
        (BASE | {"TIMEZONE": "Mars/Olympus"}, "TIMEZONE"),
        (BASE | {"PORT": "eighty"}, "PORT"),
        (BASE | {"PORT": "70000"}, "PORT"),
    ],
)
def test_bad_settings_name_the_problem_in_one_line(env: dict[str, str], names: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(env)

    message = str(raised.value)
    assert names in message and "\n" not in message


def test_signing_secret_is_required_only_in_http_mode() -> None:
    socket_mode = BASE | {"SLACK_SIGNING_SECRET": "your-signing-secret"}
    assert load_settings(socket_mode).slack_signing_secret == ""
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET"):
        load_settings(BASE, require_signing_secret=True)


def test_database_only_commands_need_no_slack_settings() -> None:
    settings = load_settings({"DATABASE_URL": "sqlite:///x.db"}, require_slack=False)

    assert settings.database_url == "sqlite:///x.db"


def test_every_setting_is_in_env_example_and_the_readme() -> None:
    """A setting nobody can find is a setting nobody can use."""
    root = Path(__file__).resolve().parents[1]
    source = (root / "bot" / "settings.py").read_text()
    names = set(re.findall(r"\b(?:get|required|secret)\(\s*\"([A-Z_]+)\"", source))
    names |= set(DEFAULT_SCHEDULES)
    example = (root / ".env.example").read_text()
    readme = (root / "README.md").read_text()

    assert {"SLACK_BOT_TOKEN", "WORKING_DAYS", "AWARDS_SCHEDULE"} <= names
    assert [n for n in sorted(names) if f"\n{n}=" not in example] == []
    assert [n for n in sorted(names) if f"| `{n}` |" not in readme] == []
