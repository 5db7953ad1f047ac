"""Checks for manifest.yml, the Slack app manifest users paste into api.slack.com."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from bot.ideas.rules import SUBCOMMANDS
from handlers.conversations import SAVE_AS_IDEA_SHORTCUT
from handlers.evidence import ADD_TO_IDEA_SHORTCUT
from handlers.shortcuts import SHARE_IDEA_SHORTCUT

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MANIFEST_PATH = PROJECT_ROOT / "manifest.yml"
SCHEMA_PATH = PROJECT_ROOT.parent / "shared" / "slack" / "manifest.schema.1.0.0.json"

REQUIRED_BOT_SCOPES = {
    "commands",
    "chat:write",
    "reactions:read",
    "users:read",
    "im:write",
    # conversations.history: finding a scheduled post after a crash, so it is not repeated
    "channels:history",
    "groups:history",
    # message.im: answering what people type in the Messages tab
    "im:history",
    # app_mention: answering "@Lightbulb" in a channel
    "app_mentions:read",
    # member_joined_channel: welcoming people to a public ideas channel
    "channels:read",
    # usergroups.list: who is asked about their exploration time (EXPLORATION_GROUPS)
    "usergroups:read",
    # users.profile.get: the custom profile field that names a department (DEPARTMENT_FIELD)
    "users.profile:read",
    # files_upload_v2: the monthly report's chart (LEADERS_CHANNEL)
    "files:write",
    # conversations.open with several people: introductions (INTRODUCTIONS=on)
    "mpim:write",
}
# Everything Lightbulb may ask for: the required scopes plus conversations.info for the
# ideas channel (public and private). Anything else is a stray scope and fails the test.
ALLOWED_BOT_SCOPES = REQUIRED_BOT_SCOPES | {"channels:read", "groups:read"}
EXPECTED_BOT_EVENTS = [
    "reaction_added",
    "reaction_removed",
    "app_home_opened",
    "message.im",
    "app_mention",
    "member_joined_channel",
    "app_uninstalled",
    "tokens_revoked",
]


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    data = yaml.safe_load(MANIFEST_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict), "manifest.yml must be a YAML mapping"
    return data


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    if not SCHEMA_PATH.is_file():
        pytest.skip(f"Slack manifest JSON Schema not found at {SCHEMA_PATH}")
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def _error_messages(validator: jsonschema.Draft7Validator, instance: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in validator.iter_errors(instance)
    ]


def test_manifest_matches_slack_schema(
    manifest: dict[str, Any], validator: jsonschema.Draft7Validator
) -> None:
    assert _error_messages(validator, manifest) == []


def test_schema_rejects_manifest_without_app_name(
    manifest: dict[str, Any], validator: jsonschema.Draft7Validator
) -> None:
    broken = copy.deepcopy(manifest)
    broken["display_information"].pop("name", None)
    errors = _error_messages(validator, broken)
    assert errors, "the schema accepted a manifest without display_information.name"
    assert any("'name' is a required property" in error for error in errors)


def test_schema_rejects_unknown_settings_key(
    manifest: dict[str, Any], validator: jsonschema.Draft7Validator
) -> None:
    broken = copy.deepcopy(manifest)
    broken["settings"]["socket_mode"] = True  # misspelling of socket_mode_enabled
    assert not validator.is_valid(broken)


def test_manifest_format_version(manifest: dict[str, Any]) -> None:
    assert manifest["_metadata"] == {"major_version": 1, "minor_version": 1}


def test_display_information(manifest: dict[str, Any]) -> None:
    info = manifest["display_information"]
    assert info["name"] == "Lightbulb"
    assert 0 < len(info["description"]) <= 140
    assert 175 <= len(info["long_description"]) <= 4000
    # The schema states this pattern under a non-standard "regex" keyword, so check it here.
    assert re.fullmatch(r"#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?", info["background_color"])


def test_app_home_and_bot_user(manifest: dict[str, Any]) -> None:
    features = manifest["features"]
    assert features["app_home"] == {
        "home_tab_enabled": True,
        "messages_tab_enabled": True,
        "messages_tab_read_only_enabled": False,
    }
    assert features["bot_user"] == {"display_name": "Lightbulb", "always_online": True}


def test_idea_slash_command(manifest: dict[str, Any]) -> None:
    commands = {c["command"]: c for c in manifest["features"]["slash_commands"]}
    assert list(commands) == ["/idea"]
    idea = commands["/idea"]
    assert idea["description"].strip()
    assert idea["usage_hint"].strip()
    advertised = [part.split()[0] for part in idea["usage_hint"].split("|")][1:]
    assert sorted(advertised) == sorted(SUBCOMMANDS), (
        "the hint must name every subcommand, and only those"
    )
    assert idea.get("should_escape") is False


def test_bot_events_are_exactly_the_handled_ones(manifest: dict[str, Any]) -> None:
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert sorted(events) == sorted(EXPECTED_BOT_EVENTS)
    assert len(events) == len(set(events))
    assert "user_events" not in manifest["settings"]["event_subscriptions"]


def test_interactivity_and_socket_mode_are_on(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
    assert settings["org_deploy_enabled"] is False
    assert settings["token_rotation_enabled"] is False


def test_socket_mode_manifest_has_no_request_urls(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert "request_url" not in settings["event_subscriptions"]
    assert "request_url" not in settings["interactivity"]
    assert all("url" not in c for c in manifest["features"]["slash_commands"])


def test_bot_scopes_are_required_and_allowed_only(manifest: dict[str, Any]) -> None:
    scopes = manifest["oauth_config"]["scopes"]
    assert set(scopes) == {"bot"}, "Lightbulb uses the bot token only"
    bot = scopes["bot"]
    assert len(bot) == len(set(bot)), "duplicate scope"
    assert not REQUIRED_BOT_SCOPES - set(bot), "missing required scope"
    assert not set(bot) - ALLOWED_BOT_SCOPES, "scope outside the allowed set"


def test_the_shortcuts_are_exactly_the_handled_ones(manifest: dict[str, Any]) -> None:
    shortcuts = {
        shortcut["callback_id"]: (shortcut["type"], shortcut["name"])
        for shortcut in manifest["features"]["shortcuts"]
    }
    assert shortcuts == {
        SHARE_IDEA_SHORTCUT: ("global", "Share an idea"),
        SAVE_AS_IDEA_SHORTCUT: ("message", "Save as idea"),
        ADD_TO_IDEA_SHORTCUT: ("message", "Add to an idea"),
    }
