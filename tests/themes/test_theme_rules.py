"""The plain rules of themes: the subcommand, the emoji, the form's problems, and when an
idea waiting for its first decision is overdue."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.themes import rules

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "verb", "name"),
    [
        ("add", rules.Verb.ADD, ""),
        ("edit  Customer   love", rules.Verb.EDIT, "Customer love"),
        ("ARCHIVE Speed", rules.Verb.ARCHIVE, "Speed"),
        ("unarchive Speed", rules.Verb.UNARCHIVE, "Speed"),
        ("", rules.Verb.USAGE, ""),
        ("rename Speed", rules.Verb.USAGE, ""),
    ],
)
def test_the_subcommand(text: str, verb: rules.Verb, name: str) -> None:
    assert rules.parse_theme_command(text) == rules.ThemeCommand(verb, name)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (":rocket:", "rocket"),
        ("rocket", "rocket"),
        (" :Heart_Eyes: ", "heart_eyes"),
        (":+1::skin-tone-3:", "+1::skin-tone-3"),
        ("", rules.DEFAULT_EMOJI),
        ("two words", None),
        (":rocket: :fire:", None),
        ("<!channel>", None),
        ("::", None),
    ],
)
def test_the_emoji(typed: str, stored: str | None) -> None:
    assert rules.emoji_name(typed) == stored


def test_a_theme_needs_a_name_a_vision_and_an_owner() -> None:
    problems = rules.theme_problems(rules.ThemeDraft(name=" ", vision="", owner_id="", emoji="?"))
    assert set(problems) == {rules.F_NAME, rules.F_VISION, rules.F_OWNER, rules.F_EMOJI}
    long = rules.ThemeDraft(name="x" * 81, vision="v" * 1001, owner_id="U1")
    assert set(rules.theme_problems(long)) == {rules.F_NAME, rules.F_VISION}
    assert rules.theme_problems(rules.ThemeDraft("x" * 80, "v" * 1000, "U1")) == {}


def test_overdue_counts_whole_days_in_the_programmes_timezone() -> None:
    # 23:30 UTC on 31 May is already 1 June in Berlin: that is the day it was shared.
    shared = datetime(2026, 5, 31, 23, 30, tzinfo=UTC)

    def overdue(today: date, status: str = "new") -> int | None:
        return rules.days_overdue(status, shared, today=today, tz=BERLIN, within=14)

    assert overdue(date(2026, 6, 15)) is None  # day 14: still in time
    assert overdue(date(2026, 6, 16)) == 1
    assert overdue(date(2026, 6, 20)) == 5
    assert overdue(date(2026, 6, 20), status="under review") is None
    naive = datetime(2026, 6, 1, 10, 0)  # as SQLite hands it back: UTC
    assert rules.days_waiting(naive, today=date(2026, 6, 3), tz=BERLIN) == 2
    assert rules.overdue_mark(1) == ":alarm_clock: overdue (1 day)"
    assert rules.overdue_mark(3) == ":alarm_clock: overdue (3 days)"
