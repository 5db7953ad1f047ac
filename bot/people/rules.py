"""Which department a person is in, from what Slack says about them, as plain functions.

Three sources (`DEPARTMENT_SOURCE`): the job title on the profile, optionally mapped by title
patterns; the first of the configured user groups the person is in; or a custom profile
field. Whatever the source, a department is a short name with its spacing tidied, and no
department is None (never an empty string), so it counts in no department's numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fnmatch import fnmatchcase
from typing import Any

# The width of the department columns (people, ideas, vote_reactions).
MAX_DEPARTMENT = 80


def tidy(name: str) -> str | None:
    """A department's name with its spacing folded and cut to the column's width."""
    cleaned = " ".join(name.split())[:MAX_DEPARTMENT].strip()
    return cleaned or None


def normalised_title(title: str) -> str | None:
    """A title as a department when there is no mapping: "Sales " and "sales" are one."""
    cleaned = tidy(title)
    return cleaned.casefold() if cleaned else None


def department_from_title(title: str, patterns: Sequence[tuple[str, str]]) -> str | None:
    """With `patterns` ((lowercase shell pattern, department), first match wins), the
    department of the first pattern that matches the whole title, in any letter case; a title
    no pattern matches has none, so a typo in the file shows up as people without a
    department rather than as a department of one. Without patterns, the title itself."""
    if not patterns:
        return normalised_title(title)
    spaced = " ".join(title.split()).lower()
    if not spaced:
        return None
    for pattern, department in patterns:
        if fnmatchcase(spaced, pattern):
            return tidy(department)
    return None


def department_from_groups(
    person: str, groups_in_order: Iterable[tuple[str, frozenset[str]]]
) -> str | None:
    """The name of the first group (name, members), in the configured order, that has the
    person in it: someone in both @sales and @leads is in the first one listed."""
    for name, members in groups_in_order:
        if person in members:
            return tidy(name)
    return None


def department_from_field(profile: Mapping[str, Any], field_id: str) -> str | None:
    """The value of the custom profile field `field_id` (`users.profile.get`)."""
    fields = profile.get("fields")
    if not isinstance(fields, Mapping):
        return None
    field = fields.get(field_id)
    if not isinstance(field, Mapping):
        return None
    value = field.get("value")
    return tidy(value) if isinstance(value, str) else None


def departments_among(departments: Iterable[str | None]) -> int | None:
    """How many distinct departments; None when nobody has one (the step is then skipped)."""
    return len({d for d in departments if d is not None}) or None
