"""The idea rules as plain functions: limits, the quick idea and form checks, and the parts of
the `/idea` grammar that tests/ideas/test_command_grammar.py leaves out."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.typed import text_length
from bot.ideas import rules
from bot.ideas.rules import Action, IdeaDraft, ParsedCommand
from bot.slack.text import HEADER_TEXT_LIMIT

BULB = "💡"  # two UTF-16 code units, as Slack counts it


def test_the_summary_leaves_room_for_the_header_bulb() -> None:
    assert rules.SUMMARY_LIMIT + len("💡 ") == HEADER_TEXT_LIMIT


def test_the_limits_are_the_ones_the_forms_promise() -> None:
    assert rules.QUICK_IDEA_LIMIT == 2000
    assert rules.PROBLEM_LIMIT == 1000
    assert rules.DETAILS_LIMIT == 3000  # the most a Slack plain-text input accepts


def test_every_subcommand_is_an_action() -> None:
    assert set(rules.SUBCOMMANDS) <= {action.value for action in Action}
    assert "idea" not in rules.SUBCOMMANDS and "form" not in rules.SUBCOMMANDS


# quick_idea_problem


@pytest.mark.parametrize("text", ["", " ", "\n\t "])
def test_an_empty_quick_idea_says_how_to_write_one(text: str) -> None:
    problem = rules.quick_idea_problem(text)
    assert problem is not None and "Your idea is empty" in problem
    assert "`/idea Free fruit Fridays`" in problem


@pytest.mark.parametrize(
    "text", ["x", "x" * rules.QUICK_IDEA_LIMIT, BULB * (rules.QUICK_IDEA_LIMIT // 2)]
)
def test_a_quick_idea_up_to_the_limit_can_be_posted(text: str) -> None:
    assert rules.quick_idea_problem(text) is None


def test_a_quick_idea_over_the_limit_says_by_how_much() -> None:
    problem = rules.quick_idea_problem("x" * (rules.QUICK_IDEA_LIMIT + 1))
    assert problem == "Your idea is 2,001 characters; a quick idea can be at most 2,000."


def test_a_quick_idea_counts_an_emoji_as_two_characters() -> None:
    text = BULB * (rules.QUICK_IDEA_LIMIT // 2 + 1)  # 1,001 code points
    assert len(text) < rules.QUICK_IDEA_LIMIT
    problem = rules.quick_idea_problem(text)
    assert problem is not None and "2,002 characters" in problem


# form_problems


def draft(
    text: str = "Free fruit Fridays", problem: str = "People skip breakfast", details: str = ""
) -> IdeaDraft:
    return IdeaDraft(text=text, problem=problem, details=details)


def test_a_complete_form_has_no_problems() -> None:
    assert rules.form_problems(draft()) == {}
    assert rules.form_problems(draft(details="Bananas and apples from the market")) == {}


def test_an_empty_form_asks_for_the_summary_and_the_problem_but_not_the_details() -> None:
    problems = rules.form_problems(IdeaDraft(text=" ", problem="\n"))
    assert problems == {
        rules.FORM_SUMMARY: "Give your idea a one-line summary.",
        rules.FORM_PROBLEM: "Say which problem this solves, in a sentence or two.",
    }


def test_problems_are_keyed_by_the_forms_block_ids() -> None:
    assert (rules.FORM_SUMMARY, rules.FORM_PROBLEM, rules.FORM_DETAILS) == (
        "summary",
        "problem",
        "details",
    )


@pytest.mark.parametrize("summary", ["x" * rules.SUMMARY_LIMIT, BULB * (rules.SUMMARY_LIMIT // 2)])
def test_a_summary_up_to_the_limit_is_fine(summary: str) -> None:
    assert rules.form_problems(draft(text=summary)) == {}


def test_a_long_summary_says_how_long_it_is_and_where_the_rest_goes() -> None:
    problems = rules.form_problems(draft(text="x" * (rules.SUMMARY_LIMIT + 1)))
    assert set(problems) == {rules.FORM_SUMMARY}
    message = problems[rules.FORM_SUMMARY]
    assert f"Keep the summary to {rules.SUMMARY_LIMIT} characters" in message
    assert f"it has {rules.SUMMARY_LIMIT + 1}" in message
    assert "put the rest in the details" in message


def test_a_summary_counts_an_emoji_as_two_characters() -> None:
    summary = BULB * (rules.SUMMARY_LIMIT // 2 + 1)
    assert len(summary) < rules.SUMMARY_LIMIT
    problems = rules.form_problems(draft(text=summary))
    assert f"it has {rules.SUMMARY_LIMIT + 2}" in problems[rules.FORM_SUMMARY]
    assert "counting most emoji as two" in problems[rules.FORM_SUMMARY]


def test_the_problem_field_has_its_own_limit() -> None:
    assert rules.form_problems(draft(problem="p" * rules.PROBLEM_LIMIT)) == {}
    too_long = rules.form_problems(draft(problem="p" * (rules.PROBLEM_LIMIT + 1)))
    assert too_long == {rules.FORM_PROBLEM: "Keep this to 1,000 characters."}
    emoji = rules.form_problems(draft(problem=BULB * (rules.PROBLEM_LIMIT // 2 + 1)))
    assert set(emoji) == {rules.FORM_PROBLEM}


def test_the_details_are_optional_but_limited() -> None:
    assert rules.form_problems(draft(details="d" * rules.DETAILS_LIMIT)) == {}
    too_long = rules.form_problems(draft(details="d" * (rules.DETAILS_LIMIT + 1)))
    assert too_long == {rules.FORM_DETAILS: "Keep the details to 3,000 characters."}
    emoji = rules.form_problems(draft(details=BULB * (rules.DETAILS_LIMIT // 2 + 1)))
    assert set(emoji) == {rules.FORM_DETAILS}


def test_every_field_is_reported_at_once() -> None:
    problems = rules.form_problems(
        IdeaDraft(
            text="s" * (rules.SUMMARY_LIMIT + 1),
            problem="p" * (rules.PROBLEM_LIMIT + 1),
            details="d" * (rules.DETAILS_LIMIT + 1),
        )
    )
    assert set(problems) == {rules.FORM_SUMMARY, rules.FORM_PROBLEM, rules.FORM_DETAILS}


# clean


def test_clean_trims_every_field_and_keeps_the_inside() -> None:
    cleaned = rules.clean(IdeaDraft(text="  Free  fruit \n", problem="\tHungry ", details=" a\nb "))
    assert cleaned == IdeaDraft(text="Free  fruit", problem="Hungry", details="a\nb")


@given(st.text(), st.text(), st.text())
def test_clean_is_idempotent_and_never_lengthens(text: str, problem: str, details: str) -> None:
    original = IdeaDraft(text, problem, details)
    once = rules.clean(original)
    assert rules.clean(once) == once
    for before, after in zip(
        (text, problem, details), (once.text, once.problem, once.details), strict=True
    ):
        assert after == before.strip()
        assert text_length(after) <= text_length(before)


@given(st.text(min_size=1), st.text(min_size=1))
def test_a_valid_form_stays_valid_once_cleaned(text: str, problem: str) -> None:
    submitted = IdeaDraft(text, problem)
    if not rules.form_problems(submitted):
        assert rules.form_problems(rules.clean(submitted)) == {}


# parse_command: what test_command_grammar.py does not cover


@pytest.mark.parametrize("text", [" ", "\n", "\t  \n"])
def test_a_blank_command_opens_the_form(text: str) -> None:
    assert rules.parse_command(text) == ParsedCommand(Action.FORM)


@pytest.mark.parametrize(
    ("typed", "action"),
    [
        ("mute", Action.MUTE),
        ("UNMUTE", Action.UNMUTE),
        (" Help ", Action.HELP),
        ("Experiment", Action.EXPERIMENT),
    ],
)
def test_a_subcommand_alone_is_that_action_without_text(typed: str, action: Action) -> None:
    assert rules.parse_command(typed) == ParsedCommand(action)


@pytest.mark.parametrize(
    "typed",
    [
        "top week",  # only `all` and `month` follow `top`
        "help me",
        "retry 12",  # retry takes no number
        "mine all",
        "top 12",
        "history 12 13",
        "history twelve",
        "mute #12 please",
        "status twelve declined",
    ],
)
def test_a_subcommand_word_with_the_wrong_words_after_it_is_an_idea(typed: str) -> None:
    assert rules.parse_command(typed) == ParsedCommand(Action.IDEA, text=typed)


def test_the_idea_text_is_trimmed_but_its_inner_spacing_kept() -> None:
    assert rules.parse_command("  Free   fruit\nFridays  ") == ParsedCommand(
        Action.IDEA, text="Free   fruit\nFridays"
    )


def test_a_number_after_a_subcommand_is_passed_on_as_typed() -> None:
    assert rules.parse_command("History  #0012 ") == ParsedCommand(Action.HISTORY, text="#0012")


def test_a_status_command_with_only_a_number_is_still_a_status_command() -> None:
    assert rules.parse_command("status 12") == ParsedCommand(Action.STATUS, text="12")


def test_a_status_command_keeps_the_reason_words_but_not_their_spacing() -> None:
    parsed = rules.parse_command("status #12  declined   Too costly")
    assert parsed == ParsedCommand(Action.STATUS, text="#12 declined Too costly")


def test_a_lone_word_up_to_the_quick_idea_limit_gets_the_help() -> None:
    word = "x" * rules.QUICK_IDEA_LIMIT
    assert rules.parse_command(word) == ParsedCommand(Action.HELP, unknown=word)


def test_a_lone_word_over_the_quick_idea_limit_is_an_idea_to_be_refused() -> None:
    word = "x" * (rules.QUICK_IDEA_LIMIT + 1)
    assert rules.parse_command(word) == ParsedCommand(Action.IDEA, text=word)
    assert rules.quick_idea_problem(word) is not None


def test_a_lone_word_counts_emoji_as_two_against_the_limit() -> None:
    fits = BULB * (rules.QUICK_IDEA_LIMIT // 2)
    too_long = BULB * (rules.QUICK_IDEA_LIMIT // 2 + 1)
    assert rules.parse_command(fits).action is Action.HELP
    assert rules.parse_command(too_long) == ParsedCommand(Action.IDEA, text=too_long)


@given(st.text())
def test_every_text_has_one_meaning(text: str) -> None:
    parsed = rules.parse_command(text)
    stripped = text.strip()
    if parsed.action is Action.FORM:
        assert stripped == "" and parsed == ParsedCommand(Action.FORM)
    elif parsed.action is Action.IDEA:
        assert parsed.text == stripped and not parsed.unknown
    elif parsed.unknown:
        assert parsed.action is Action.HELP and parsed.unknown == stripped
        assert len(stripped.split()) == 1 and text_length(stripped) <= rules.QUICK_IDEA_LIMIT
    else:
        assert stripped.split()[0].lower() == parsed.action.value
