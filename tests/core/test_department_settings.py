"""Where departments come from, who is asked about exploration time, where the report goes:
each setting read, and each mistake answered in one line that says what to write."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.settings import DEFAULT_SCHEDULES, SettingsError, load_settings

BASE = {"SLACK_BOT_TOKEN": "xoxb-123-456-abc", "IDEAS_CHANNEL": "C0IDEAS01"}


def test_by_default_departments_are_job_titles_and_nothing_new_is_on() -> None:
    settings = load_settings(BASE)

    assert settings.department_source == "title"
    assert settings.department_groups == () and settings.department_titles == ()
    assert settings.exploration_groups == () and settings.leaders_channel == ""
    assert settings.report_schedule == DEFAULT_SCHEDULES["REPORT_SCHEDULE"] == "0 9 2 * *"
    assert settings.people_refresh_schedule == "0 4 * * *"
    assert settings.exploration_schedule == "*/15 * * * thu-sat"


def test_user_group_handles_keep_their_order_without_at_signs_or_repeats() -> None:
    settings = load_settings(
        BASE
        | {
            "DEPARTMENT_SOURCE": " UserGroups ",
            "DEPARTMENT_GROUPS": "@Sales, support,,eng, sales",
            "EXPLORATION_GROUPS": "explorers",
            "LEADERS_CHANNEL": "C0LEADERS",
        }
    )

    assert settings.department_source == "usergroups"
    assert settings.department_groups == ("sales", "support", "eng")
    assert settings.exploration_groups == ("explorers",)
    assert settings.leaders_channel == "C0LEADERS"


def test_a_title_mapping_file_is_read_in_order(tmp_path: Path) -> None:
    mapping = tmp_path / "titles.txt"
    mapping.write_text(
        "# title pattern = department\n*Engineer* = Engineering\n\n*sales* = Sales  # reps too\n"
    )

    settings = load_settings(BASE | {"DEPARTMENT_TITLES": str(mapping)})

    assert settings.department_titles == (("*engineer*", "Engineering"), ("*sales*", "Sales"))


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"DEPARTMENT_SOURCE": "org-chart"}, "must be one of: title"),
        ({"DEPARTMENT_SOURCE": "usergroups"}, "DEPARTMENT_GROUPS must list"),
        ({"DEPARTMENT_SOURCE": "field"}, "DEPARTMENT_FIELD must be the ID"),
        ({"DEPARTMENT_FIELD": "Department"}, "profile field ID like Xf01ABCDEF"),
        ({"DEPARTMENT_GROUPS": "sales team"}, "is not a user group handle"),
        ({"EXPLORATION_GROUPS": "#explorers"}, "EXPLORATION_GROUPS"),
        ({"LEADERS_CHANNEL": "#leaders"}, "channel ID"),
        ({"DEPARTMENT_TITLES": "/nowhere/titles.txt"}, "cannot read the file"),
        ({"REPORT_SCHEDULE": "monthly"}, "crontab line"),
    ],
)
def test_mistakes_are_named_with_what_to_write(env: dict[str, str], says: str) -> None:
    with pytest.raises(SettingsError, match=says):
        load_settings(BASE | env)


def test_a_mapping_line_without_a_department_names_its_line(tmp_path: Path) -> None:
    mapping = tmp_path / "titles.txt"
    mapping.write_text("*engineer* = Engineering\n*sales*\n")

    with pytest.raises(SettingsError, match="line 2 of .* should read `pattern = Department`"):
        load_settings(BASE | {"DEPARTMENT_TITLES": str(mapping)})
