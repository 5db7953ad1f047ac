"""Which department a person is in, from each source, with nothing running."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.department_values import title_patterns
from bot.people import rules

PATTERNS = (
    ("*engineer*", "Engineering"),
    ("vp*", "Leadership"),
    ("account executive", "Sales"),
    ("*", "Everyone else"),
)


def test_without_a_mapping_the_title_is_the_department_however_spaced_or_cased() -> None:
    assert rules.department_from_title("  Software   Engineer ", ()) == "software engineer"
    assert rules.department_from_title("SOFTWARE ENGINEER", ()) == "software engineer"
    assert rules.department_from_title("   ", ()) is None
    assert rules.department_from_title("", ()) is None


def test_with_a_mapping_the_first_pattern_matching_the_whole_title_wins() -> None:
    assert rules.department_from_title("Senior Software Engineer", PATTERNS) == "Engineering"
    assert rules.department_from_title("Software  ENGINEER", PATTERNS) == "Engineering"
    # "vp*" must match from the start: a title merely containing "vp" is not a VP.
    assert rules.department_from_title("VP of Sales", PATTERNS) == "Leadership"
    assert rules.department_from_title("Account Executive", PATTERNS) == "Sales"
    assert rules.department_from_title("Senior Account Executive", PATTERNS[:3]) is None


def test_with_a_mapping_a_title_nothing_matches_has_no_department() -> None:
    assert rules.department_from_title("Chef", PATTERNS[:3]) is None
    assert rules.department_from_title("", PATTERNS) is None


def test_the_mapping_file_is_read_in_order_with_comments(tmp_path: Path) -> None:
    mapping = tmp_path / "titles.txt"
    mapping.write_text(
        "# titles to departments\n*engineer* = Engineering\n\nVP* = Leadership  # bosses\n"
    )
    patterns = title_patterns("DEPARTMENT_TITLES", str(mapping))
    assert patterns == (("*engineer*", "Engineering"), ("vp*", "Leadership"))
    assert rules.department_from_title("vp engineering", patterns) == "Engineering"


def test_the_first_configured_group_a_person_is_in_names_their_department() -> None:
    groups = [
        ("Sales", frozenset({"U1", "U2"})),
        ("  Customer   Support ", frozenset({"U2", "U3"})),
    ]
    assert rules.department_from_groups("U2", groups) == "Sales"
    assert rules.department_from_groups("U3", groups) == "Customer Support"
    assert rules.department_from_groups("U4", groups) is None


def test_a_profile_field_gives_its_value() -> None:
    profile = {"fields": {"Xf01DEPT": {"value": " Finance ", "alt": ""}}}
    assert rules.department_from_field(profile, "Xf01DEPT") == "Finance"
    assert rules.department_from_field(profile, "Xf01OTHER") is None
    assert rules.department_from_field({"fields": {"Xf01DEPT": {"value": ""}}}, "Xf01DEPT") is None
    assert rules.department_from_field({"fields": None}, "Xf01DEPT") is None
    assert rules.department_from_field({}, "Xf01DEPT") is None


def test_a_department_never_outgrows_its_column() -> None:
    long = "Research and Development " * 10
    department = rules.department_from_groups("U1", [(long, frozenset({"U1"}))])
    assert department is not None and len(department) <= rules.MAX_DEPARTMENT
    assert department == department.strip()


def test_departments_among_counts_distinct_named_departments() -> None:
    assert rules.departments_among(["Sales", "Sales", None, "Eng"]) == 2
    assert rules.departments_among([None, None]) is None
    assert rules.departments_among([]) is None


@given(st.text(max_size=200))
def test_any_title_gives_a_tidy_department_or_none(title: str) -> None:
    for patterns in ((), PATTERNS):
        department = rules.department_from_title(title, patterns)
        assert department is None or (
            department == " ".join(department.split()) and 0 < len(department) <= 80
        )


@pytest.mark.parametrize("title", ["Engineer", "engineer", " Engineer "])
def test_titles_differing_only_in_spacing_or_case_are_one_department(title: str) -> None:
    assert rules.department_from_title(title, ()) == rules.department_from_title("ENGINEER", ())
