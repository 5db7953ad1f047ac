from __future__ import annotations

import dataclasses
from datetime import time
from pathlib import Path

import pytest

from bot.core.settings import (
    DEFAULT_DATABASE_URL,
    DEFAULT_SCHEDULES,
    SETTING_NAMES,
    WHERE,
    SettingsError,
    load_settings,
)

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


def test_every_declared_setting_is_in_env_example_and_the_readme() -> None:
    """The names come from the settings model itself, so none can skip the documentation."""
    root = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())
    example = (root / ".env.example").read_text()
    readme = (root / "README.md").read_text()

    assert {"SLACK_BOT_TOKEN", "WORKING_DAYS", *DEFAULT_SCHEDULES} <= set(SETTING_NAMES)
    assert [n for n in SETTING_NAMES if f"\n{n}=" not in example] == []
    assert [n for n in SETTING_NAMES if f"| `{n}` |" not in readme] == []


CHANNEL_HELP = "not a name: in Slack open the channel's details; the ID is at the bottom."
CRONTAB_HELP = "e.g. '0 10 1 * *' for the 1st of each month at 10:00."


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {},
            f"Missing setting SLACK_BOT_TOKEN (the xoxb-… Bot User OAuth Token): {WHERE}.",
        ),
        (
            {"SLACK_BOT_TOKEN": " xoxb-1 ", "IDEAS_CHANNEL": "  "},
            f"Missing setting IDEAS_CHANNEL: {WHERE}.",
        ),
        (
            BASE | {"IDEAS_CHANNEL": "CXXXXXXXX"},
            "Setting IDEAS_CHANNEL still holds the placeholder from .env.example: "
            "put the real value in .env or in the environment.",
        ),
        (
            BASE | {"SLACK_BOT_TOKEN": "xoxp-user-token"},
            "Setting SLACK_BOT_TOKEN must be the bot token starting with xoxb- "
            "(OAuth & Permissions → Bot User OAuth Token).",
        ),
        (
            BASE | {"SLACK_APP_TOKEN": "xoxb-wrong"},
            "Setting SLACK_APP_TOKEN must be an app-level token starting with xapp- "
            "(Basic Information → App-Level Tokens), or be left empty for HTTP mode.",
        ),
        (
            BASE | {"AWARDS_CHANNEL": "awards"},
            f"Setting AWARDS_CHANNEL='awards' must be a channel ID like C0123ABCD, {CHANNEL_HELP}",
        ),
        (
            BASE | {"ADMIN_USER_IDS": "U0ADMIN01, alice, bob"},
            "Setting ADMIN_USER_IDS has 'alice', which is not a Slack user ID "
            "(like U0123ABCD; profile → ⋮ → Copy member ID).",
        ),
        (
            BASE | {"TIMEZONE": "{Mars}"},
            "Setting TIMEZONE='{Mars}' is not a known time zone: use an IANA name such as "
            "Europe/Berlin or America/New_York.",
        ),
        (BASE | {"PORT": "²"}, "Setting PORT='²' must be a port number (1–65535)."),
        (
            BASE | {"METRICS_PORT": "OFFX"},
            "Setting METRICS_PORT='offx' must be a port number (1–65535) or off.",
        ),
        (
            BASE | {"WORKING_HOURS": "17:00-09:00"},
            "Setting WORKING_HOURS='17:00-09:00' must be a range like 09:00-17:00 "
            "(start before end).",
        ),
        (
            BASE | {"WORKING_DAYS": "mon-funday"},
            "Setting WORKING_DAYS='mon-funday' must name days like mon-fri or mon,wed,fri.",
        ),
        (
            BASE | {"LEARNING_PROMPTS_SCHEDULE": "0 * * * 1-5"},
            "Setting LEARNING_PROMPTS_SCHEDULE='0 * * * 1-5': write the day of the week as a "
            "name (mon, tue, … or mon-fri), not a number.",
        ),
        (
            BASE | {"AWARDS_SCHEDULE": "61 * * * *"},
            "Setting AWARDS_SCHEDULE='61 * * * *' must be a crontab line: minute hour day month "
            f"weekday, {CRONTAB_HELP}",
        ),
    ],
)
def test_each_problem_has_its_exact_one_line_message(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(env)

    assert str(raised.value) == message


def test_the_first_problem_in_check_order_is_the_one_reported() -> None:
    broken = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "nope", "PORT": "x", "TIMEZONE": "?"}

    with pytest.raises(SettingsError, match="^Missing setting IDEAS_CHANNEL"):
        load_settings(broken)
    with pytest.raises(SettingsError, match="^Missing setting SLACK_SIGNING_SECRET"):
        load_settings(broken | BASE, require_signing_secret=True)
    with pytest.raises(SettingsError, match="^Setting SLACK_APP_TOKEN"):
        load_settings(broken | BASE)
    with pytest.raises(SettingsError, match="^Setting TIMEZONE"):
        load_settings(broken | BASE | {"SLACK_APP_TOKEN": ""})


def test_commands_without_slack_ignore_even_wrong_slack_credentials() -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-your-token", "IDEAS_CHANNEL": "#ideas", "SLACK_APP_TOKEN": "x"}
    settings = load_settings(env, require_slack=False)

    assert (settings.slack_bot_token, settings.ideas_channel, settings.slack_app_token) == ("",) * 3
    assert settings.experiments_channel == settings.awards_channel == ""
    with pytest.raises(SettingsError, match=r"^Missing setting SLACK_SIGNING_SECRET \(needed in"):
        load_settings(env, require_slack=False, require_signing_secret=True)


def test_values_are_trimmed_and_blank_ones_keep_their_default() -> None:
    settings = load_settings(
        BASE
        | {
            "PORT": "  ",
            "TIMEZONE": "",
            "METRICS_PORT": " OFF ",
            "WORKING_HOURS": " 08:30 - 18:00 ",
            "WORKING_DAYS": "Sun - Thu",
            "AWARDS_SCHEDULE": " 30  9 1 * * ",
            "DATABASE_URL": "  sqlite:///y.db  ",
            "VOTE_EMOJIS": ":::",
        }
    )

    assert settings.port == 3000 and settings.timezone == "UTC" and settings.metrics_port is None
    assert (settings.work_start, settings.work_end) == (time(8, 30), time(18, 0))
    assert settings.work_days == {6, 0, 1, 2, 3}
    assert settings.awards_schedule == "30 9 1 * *"
    assert settings.digest_schedule == DEFAULT_SCHEDULES["EXPERIMENT_DIGEST_SCHEDULE"]
    assert settings.database_url == "sqlite:///y.db" and settings.vote_emojis == ("+1", "bulb")


def test_a_given_mapping_is_all_that_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIMEZONE", "Mars/Olympus")

    assert load_settings(BASE).timezone == "UTC"


def test_the_environment_wins_over_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in SETTING_NAMES:
        monkeypatch.delenv(name, raising=False)
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-file\nIDEAS_CHANNEL=C0IDEAS01\nPORT=4\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PORT", "5000")

    settings = load_settings()

    assert (settings.slack_bot_token, settings.port) == ("xoxb-file", 5000)


def test_settings_stay_a_frozen_dataclass() -> None:
    settings = load_settings(BASE)

    assert dataclasses.replace(settings, port=8080).port == 8080
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.port = 8080  # type: ignore[misc]
