"""Reading what people type: lengths as Slack counts them, and idea or experiment numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.typed import MAX_ID, parse_id, text_length


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("", 0),
        ("a", 1),
        ("Free fruit", 10),
        ("é", 1),  # one code point, inside the Basic Multilingual Plane
        ("e\u0301", 2),  # "é" spelt as a letter and a combining accent
        ("💡", 2),  # outside the BMP: a surrogate pair
        ("💡 ", 3),
        ("👍🏽", 4),  # an emoji and its skin tone, two pairs
        ("漢字", 2),
    ],
)
def test_text_length_counts_utf16_code_units(text: str, length: int) -> None:
    assert text_length(text) == length


@given(st.text())
def test_text_length_counts_characters_beyond_the_bmp_twice(text: str) -> None:
    astral = sum(1 for character in text if ord(character) > 0xFFFF)
    assert text_length(text) == len(text) + astral


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        ("#12", 12),
        (" 12 ", 12),
        (" #12\n", 12),
        ("0012", 12),
        (12, 12),
        (1, 1),
        (MAX_ID, MAX_ID),
        (str(MAX_ID), MAX_ID),
        (f"#{MAX_ID}", MAX_ID),
    ],
)
def test_an_id_is_a_positive_number_with_an_optional_hash(value: object, expected: int) -> None:
    assert parse_id(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "#",
        "0",
        "#0",
        0,
        -1,
        "-1",
        "+1",
        "²",  # a digit to str.isdigit, but no number
        "٣",  # an Arabic-Indic three: a digit, but not ASCII
        "１２",  # full-width digits
        "1_000",
        "1,000",
        "12.0",
        "1e3",
        "##12",
        "# 12",
        "12 13",
        "twelve",
        True,
        False,
        12.0,
        None,
        [12],
        MAX_ID + 1,
        str(MAX_ID + 1),
        "9" * 11,
        10**100,
    ],
)
def test_anything_else_names_no_row(value: object) -> None:
    assert parse_id(value) is None


@given(st.integers(min_value=1, max_value=MAX_ID))
def test_every_id_a_row_can_have_reads_back_however_it_is_written(number: int) -> None:
    assert parse_id(number) == number
    assert parse_id(str(number)) == number
    assert parse_id(f" #{number} ") == number


@given(st.integers().filter(lambda n: not 0 < n <= MAX_ID))
def test_numbers_no_row_can_have_are_refused(number: int) -> None:
    assert parse_id(number) is None
    assert parse_id(str(number)) is None


@given(st.text())
def test_any_text_parses_to_nothing_or_a_valid_id(text: str) -> None:
    parsed = parse_id(text)
    assert parsed is None or 0 < parsed <= MAX_ID
