"""The status rules as plain functions: names and aliases, which changes are allowed, and
what `/idea status <id> <status> <reason>` means. Messages are plain text, never escaped."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.typed import MAX_ID
from bot.statuses import rules
from bot.statuses.rules import StatusCommand
from storage.vocabulary import DUPLICATE, IdeaStatus

BULB = "💡"  # two UTF-16 code units, as Slack counts it


def test_the_statuses_are_the_stored_ones_in_order() -> None:
    assert rules.STATUSES == (
        "new",
        "under review",
        "experimenting",
        "shipped",
        "parked",
        "declined",
    )
    assert set(rules.BADGES) == set(rules.STATUSES)
    assert set(rules.NEED_A_REASON) == {"parked", "declined"}
    assert rules.NEED_A_REASON <= rules.CLOSED


def test_the_usage_names_every_status_as_it_can_be_typed() -> None:
    for status in rules.STATUSES:
        typed = status.replace(" ", "-")
        assert f"`{typed}`" in rules.USAGE
        assert rules.parse_status(typed) == status


# parse_status


@pytest.mark.parametrize("status", list(IdeaStatus))
def test_every_status_reads_as_itself_in_any_case(status: str) -> None:
    assert rules.parse_status(status) == status
    assert rules.parse_status(f" {status.upper()} ") == status


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("review", "under review"),
        ("Review", "under review"),
        ("under-review", "under review"),
        ("Under_Review", "under review"),
        ("UNDERREVIEW", "under review"),
        ("experiment", "experimenting"),
        (" Experiment\n", "experimenting"),
    ],
)
def test_aliases_read_as_their_status(word: str, status: str) -> None:
    assert rules.parse_status(word) == status


@pytest.mark.parametrize(
    "word", ["", " ", "under", "reviewed", "approved", "ship", "decline", "new!", "under  review"]
)
def test_unknown_words_are_no_status(word: str) -> None:
    assert rules.parse_status(word) is None


@given(st.text())
def test_parse_status_gives_a_real_status_or_nothing(word: str) -> None:
    assert rules.parse_status(word) in (None, *rules.STATUSES)


# status_problem


@pytest.mark.parametrize("to", ["review", "closed", "", "Shipped", "under-review"])
def test_only_a_known_status_is_accepted_as_the_new_one(to: str) -> None:
    problem = rules.status_problem(current="new", to=to)
    assert problem is not None
    assert problem.startswith("That is not a status Lightbulb knows. Pick one of: ")
    assert all(badge in problem for badge in rules.BADGES.values())


@pytest.mark.parametrize("status", list(IdeaStatus))
def test_moving_to_the_current_status_is_refused(status: str) -> None:
    assert rules.status_problem(current=status, to=status) == f"The idea is already {status}."


@pytest.mark.parametrize("to", list(IdeaStatus))
def test_a_duplicate_moves_only_by_undoing_the_mark(to: str) -> None:
    problem = rules.status_problem(current=DUPLICATE, to=to)
    assert problem is not None and "/idea duplicate undo" in problem


@pytest.mark.parametrize("current", list(IdeaStatus))
@pytest.mark.parametrize("to", list(IdeaStatus))
def test_any_other_move_is_allowed_even_out_of_a_closed_status(current: str, to: str) -> None:
    if current != to:
        assert rules.status_problem(current=current, to=to) is None


# reason_problem


@pytest.mark.parametrize("to", ["parked", "declined"])
@pytest.mark.parametrize("reason", ["", "  ", "\n"])
def test_parking_or_declining_needs_a_reason(to: str, reason: str) -> None:
    assert rules.reason_problem(to=to, reason=reason) == (
        f"Say why it is {to}: the author and voters will read it."
    )


@pytest.mark.parametrize("to", ["new", "under review", "experimenting", "shipped"])
def test_other_statuses_need_no_reason(to: str) -> None:
    assert rules.reason_problem(to=to, reason="") is None


@pytest.mark.parametrize("to", list(IdeaStatus))
def test_a_reason_is_limited_whatever_the_status(to: str) -> None:
    assert rules.reason_problem(to=to, reason="r" * rules.REASON_LIMIT) is None
    too_long = rules.reason_problem(to=to, reason="r" * (rules.REASON_LIMIT + 1))
    assert too_long == "Keep the reason to 1,000 characters."


def test_a_reason_counts_an_emoji_as_two_characters() -> None:
    assert rules.reason_problem(to="declined", reason=BULB * (rules.REASON_LIMIT // 2)) is None
    problem = rules.reason_problem(to="declined", reason=BULB * (rules.REASON_LIMIT // 2 + 1))
    assert problem is not None


def test_change_problem_checks_the_status_before_the_reason() -> None:
    unknown = rules.change_problem(current="new", to="bogus", reason="")
    assert unknown is not None and unknown.startswith("That is not a status")
    assert rules.change_problem(current="declined", to="declined", reason="") == (
        "The idea is already declined."
    )
    assert rules.change_problem(current="new", to="parked", reason=" ") == (
        "Say why it is parked: the author and voters will read it."
    )
    assert rules.change_problem(current="new", to="parked", reason="Next year") is None


# parse_status_command


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("12 declined Too costly", StatusCommand(12, "declined", "Too costly")),
        ("#12 shipped", StatusCommand(12, "shipped", "")),
        ("12 SHIPPED It is live", StatusCommand(12, "shipped", "It is live")),
        ("12 under review", StatusCommand(12, "under review", "")),
        (
            "12 Under Review Waiting for finance",
            StatusCommand(12, "under review", "Waiting for finance"),
        ),
        ("12 under-review Soon", StatusCommand(12, "under review", "Soon")),
        ("12 review", StatusCommand(12, "under review", "")),
        ("12 experiment Two weeks", StatusCommand(12, "experimenting", "Two weeks")),
        ("12 new", StatusCommand(12, "new", "")),
        ("12   parked   Next   year  ", StatusCommand(12, "parked", "Next   year")),
        ("12 declined\nToo costly\nfor now", StatusCommand(12, "declined", "Too costly\nfor now")),
        (f"{MAX_ID} parked Later", StatusCommand(MAX_ID, "parked", "Later")),
    ],
)
def test_a_status_command_reads_as_id_status_and_reason(text: str, command: StatusCommand) -> None:
    assert rules.parse_status_command(text) == command


def test_the_reason_is_kept_as_typed_not_escaped() -> None:
    parsed = rules.parse_status_command("12 declined <!channel> & <@U123> > budget")
    assert parsed == StatusCommand(12, "declined", "<!channel> & <@U123> > budget")


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "twelve declined",
        "0 shipped",
        "-1 shipped",
        "² shipped",
        f"{MAX_ID + 1} new",
        "declined 12",
    ],
)
def test_a_command_without_a_valid_id_asks_which_idea(text: str) -> None:
    assert rules.parse_status_command(text) == f"Which idea? {rules.USAGE}"


@pytest.mark.parametrize("text", ["12", "12 ", "#12\n"])
def test_a_command_without_a_status_asks_which_status(text: str) -> None:
    assert rules.parse_status_command(text) == f"Which status? {rules.USAGE}"


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("12 approvd looks great", "approvd"),
        ("12 newish", "newish"),  # starts like `new`, but is another word
        ("12 shippedd", "shippedd"),
        ("12 under consideration", "under"),
        ("12 <!channel> now", "<!channel>"),  # plain text: whoever shows it escapes it
        ("12 a&b", "a&b"),
    ],
)
def test_an_unknown_status_is_named_back_as_typed(text: str, word: str) -> None:
    assert rules.parse_status_command(text) == f"`{word}` is not a status. {rules.USAGE}"


@given(st.text())
def test_any_text_reads_as_a_valid_command_or_an_explanation(text: str) -> None:
    parsed = rules.parse_status_command(text)
    if isinstance(parsed, StatusCommand):
        assert 0 < parsed.idea_id <= MAX_ID
        assert parsed.status in rules.STATUSES
        assert parsed.reason == parsed.reason.strip()
    else:
        assert parsed.endswith(rules.USAGE)


@given(
    idea_id=st.integers(min_value=1, max_value=MAX_ID),
    status=st.sampled_from(rules.STATUSES),
    reason=st.text().map(str.strip),
)
def test_what_is_typed_reads_back(idea_id: int, status: str, reason: str) -> None:
    text = f"{idea_id} {status} {reason}".rstrip()
    assert rules.parse_status_command(text) == StatusCommand(idea_id, status, reason)
