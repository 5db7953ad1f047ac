"""Reading values out of Slack's interactivity payloads without trusting their shape.

A field Slack documents as text may arrive missing, null, or as a number in a request that was
never Slack's; each reader answers with an empty or absent value then, so the caller's own
validation gives the person a friendly error instead of a trace.
"""

from __future__ import annotations

import json
import re
from typing import Any

INPUT_ACTION = "value"


def as_dict(value: object) -> dict:
    """`value` if it is an object, else an empty one."""
    return value if isinstance(value, dict) else {}


def as_text(value: object) -> str:
    """`value` if it is text, else "": a number where Slack sends an ID names nobody."""
    return value if isinstance(value, str) else ""


_USER_ID = re.compile(r"[UW][A-Z0-9]{2,31}")


def action_value(body: dict) -> str:
    """The clicked button's value, or the value of the option chosen in a menu (an overflow
    or a select sends `selected_option` instead of `value`)."""
    actions = body.get("actions")
    first = as_dict(actions[0] if isinstance(actions, list) and actions else None)
    chosen = as_dict(first.get("selected_option"))
    return as_text(chosen.get("value") if chosen else first.get("value"))


def user_id(body: dict) -> str:
    """Who clicked or submitted."""
    return as_text(as_dict(body.get("user")).get("id"))


def trigger_id(body: dict) -> str:
    """What lets the bot open a form in answer to this click or command."""
    return as_text(body.get("trigger_id"))


def element(view: dict, block_id: str) -> dict:
    """The state of a form's input in block `block_id`."""
    values = as_dict(as_dict(view.get("state")).get("values"))
    return as_dict(as_dict(values.get(block_id)).get(INPUT_ACTION))


def text_input(view: dict, block_id: str) -> str:
    return as_text(element(view, block_id).get("value"))


def selected_option(view: dict, block_id: str) -> str:
    return as_text(as_dict(element(view, block_id).get("selected_option")).get("value"))


def picked_option(view: dict, block_id: str) -> str:
    """The value chosen in block `block_id`'s menu, whatever the menu's `action_id` (an
    `external_select` has its own, see `bot.slack.blocks.external_select_input`)."""
    values = as_dict(as_dict(view.get("state")).get("values"))
    block = as_dict(values.get(block_id))
    for state in block.values():
        chosen = as_dict(as_dict(state).get("selected_option"))
        if chosen:
            return as_text(chosen.get("value"))
    return ""


def selected_user(view: dict, block_id: str) -> str:
    """The chosen person's ID, or "" when what arrived is not a Slack user ID (only a forged
    form sends one): it is stored, so it must fit."""
    chosen = as_text(element(view, block_id).get("selected_user"))
    return chosen if _USER_ID.fullmatch(chosen) else ""


def selected_users(view: dict, block_id: str) -> list[str]:
    """The people chosen in a multi-user picker, each once; anything that is not a Slack user
    ID (only a forged form sends one) is dropped."""
    chosen = element(view, block_id).get("selected_users")
    users = chosen if isinstance(chosen, list) else []
    return list(dict.fromkeys(u for u in users if isinstance(u, str) and _USER_ID.fullmatch(u)))


def selected_date(view: dict, block_id: str) -> str:
    return as_text(element(view, block_id).get("selected_date"))


def metadata(view: dict) -> dict[str, Any]:
    """The form's `private_metadata`, which the bot wrote as a JSON object."""
    try:
        return as_dict(json.loads(as_text(view.get("private_metadata")) or "{}"))
    except ValueError:
        return {}
