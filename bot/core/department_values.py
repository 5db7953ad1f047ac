"""Parsers for the settings that say where departments come from and who is asked about
their exploration time. Each raises a one-line message meant for the operator."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationInfo

from bot.core.setting_values import channel_id, fail

DEPARTMENT_SOURCES = ("title", "usergroups", "field")
# A user group's handle as typed after @ in Slack: letters, digits, dots, dashes, underscores.
_HANDLE = re.compile(r"^[a-z0-9._-]{1,80}$")
_FIELD_ID = re.compile(r"^X[A-Za-z0-9]{4,}$")


def department_source(name: str, text: str) -> str:
    source = text.strip().lower()
    if source not in DEPARTMENT_SOURCES:
        fail(
            f"Setting {name}={text!r} must be one of: title (the job title on each profile), "
            "usergroups (the user groups in DEPARTMENT_GROUPS) or field (the custom profile "
            "field DEPARTMENT_FIELD)."
        )
    return source


def handles(name: str, text: str) -> tuple[str, ...]:
    """User group handles, comma-separated, with or without the @; order is kept (the first
    group a person is in names their department)."""
    found: list[str] = []
    for part in text.split(","):
        handle = part.strip().lstrip("@").lower()
        if not handle:
            continue
        if not _HANDLE.match(handle):
            fail(
                f"Setting {name}: {part.strip()!r} is not a user group handle; write handles "
                "as you would after @ in Slack, comma-separated, e.g. sales,support,eng."
            )
        if handle not in found:
            found.append(handle)
    return tuple(found)


def department_groups(text: str, info: ValidationInfo) -> tuple[str, ...]:
    groups = handles(str(info.field_name), text)
    if info.data.get("DEPARTMENT_SOURCE") == "usergroups" and not groups:
        fail(
            "Setting DEPARTMENT_GROUPS must list the user group handles that are departments "
            "(e.g. sales,support,eng) when DEPARTMENT_SOURCE=usergroups."
        )
    return groups


def department_field(text: str, info: ValidationInfo) -> str:
    field_id = text.strip()
    if field_id and not _FIELD_ID.match(field_id):
        fail(
            f"Setting DEPARTMENT_FIELD={text!r} must be a profile field ID like Xf01ABCDEF "
            "(Slack admin → Configure profiles, or users.profile.get shows them)."
        )
    if info.data.get("DEPARTMENT_SOURCE") == "field" and not field_id:
        fail(
            "Setting DEPARTMENT_FIELD must be the ID of the custom profile field that holds each "
            "person's department (e.g. Xf01ABCDEF) when DEPARTMENT_SOURCE=field."
        )
    return field_id


def optional_channel(name: str, text: str) -> str:
    return channel_id(name, text) if text else ""


def title_patterns(name: str, text: str) -> tuple[tuple[str, str], ...]:
    """The mapping file: one `pattern = Department` per line, patterns in shell style
    (`*engineer*`) matched against the whole title in any letter case; `#` starts a comment.
    The first pattern that matches wins."""
    if not text.strip():
        return ()
    path = Path(text.strip()).expanduser()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        fail(f"Setting {name}={text!r}: cannot read the file ({error.strerror or error}).")
    patterns: list[tuple[str, str]] = []
    for number, line in enumerate(lines, start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        pattern, equals, department = (part.strip() for part in line.partition("="))
        if not equals or not pattern or not department:
            fail(
                f"Setting {name}: line {number} of {path} should read `pattern = Department`, "
                "e.g. `*engineer* = Engineering`."
            )
        patterns.append((pattern.lower(), department))
    return tuple(patterns)
