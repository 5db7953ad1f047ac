"""The experiment rules as plain functions: what a valid experiment and learning are, and who
may update, conclude or cancel one."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.experiments import rules
from bot.experiments.rules import ExperimentDraft, Field

TODAY = date(2026, 10, 15)
OWNER, ADMIN, SOMEONE = "U0OWNER01", "U0ADMIN01", "U0SOMEONE"
BULB = "💡"  # two UTF-16 code units, as Slack counts it


def draft(
    *,
    hypothesis: str = "We believe a quiet room will cut interruptions, measured by a survey.",
    metric: str = "Interruptions per day",
    owner_id: str = OWNER,
    ends_on: date | None = TODAY + timedelta(days=14),
    idea_ref: str = "",
) -> ExperimentDraft:
    return ExperimentDraft(hypothesis, metric, owner_id, ends_on, idea_ref)


def problems(experiment: ExperimentDraft) -> dict[str, str]:
    return rules.experiment_problems(experiment, today=TODAY)


def test_fields_are_the_forms_block_ids() -> None:
    assert [field.value for field in Field] == [
        "hypothesis",
        "metric",
        "owner",
        "team",
        "ends_on",
        "idea",
        "update",
        "outcome",
        "learned",
        "next_step",
    ]


def test_a_complete_experiment_has_no_problems() -> None:
    assert problems(draft()) == {}


def test_an_empty_form_reports_every_required_field() -> None:
    found = rules.experiment_problems(ExperimentDraft(" ", "\n", "", None), today=TODAY)
    assert found == {
        Field.HYPOTHESIS: "Write the hypothesis: “We believe … will … measured by …”.",
        Field.METRIC: "Name the metric that will tell whether the hypothesis holds.",
        Field.OWNER: "Choose who owns the experiment.",
        Field.ENDS_ON: "Pick the day the experiment ends.",
    }
    # Keyed by plain strings too, as Slack's `response_action: errors` wants.
    assert set(found) == {"hypothesis", "metric", "owner", "ends_on"}


def test_the_hypothesis_is_limited_counting_emoji_as_two() -> None:
    assert problems(draft(hypothesis="h" * rules.HYPOTHESIS_LIMIT)) == {}
    too_long = {Field.HYPOTHESIS: "Keep the hypothesis to 1,000 characters."}
    assert problems(draft(hypothesis="h" * (rules.HYPOTHESIS_LIMIT + 1))) == too_long
    assert problems(draft(hypothesis=BULB * (rules.HYPOTHESIS_LIMIT // 2 + 1))) == too_long


def test_the_metric_is_limited_counting_emoji_as_two() -> None:
    assert problems(draft(metric="m" * rules.METRIC_LIMIT)) == {}
    too_long = {Field.METRIC: "Keep the metric to 300 characters."}
    assert problems(draft(metric="m" * (rules.METRIC_LIMIT + 1))) == too_long
    assert problems(draft(metric=BULB * (rules.METRIC_LIMIT // 2 + 1))) == too_long


def test_the_experiment_may_end_today_but_not_before() -> None:
    assert problems(draft(ends_on=TODAY)) == {}
    assert problems(draft(ends_on=TODAY - timedelta(days=1))) == {
        Field.ENDS_ON: "The end date is in the past: pick 15 October or later."
    }


def test_the_past_date_message_names_today_without_a_leading_zero() -> None:
    found = rules.experiment_problems(draft(ends_on=date(2026, 3, 1)), today=date(2026, 3, 5))
    assert found[Field.ENDS_ON] == "The end date is in the past: pick 5 March or later."


@pytest.mark.parametrize("idea_ref", ["", " ", "12", "#12", " #12 ", str(2_147_483_647)])
def test_the_idea_is_optional_and_given_by_its_number(idea_ref: str) -> None:
    assert problems(draft(idea_ref=idea_ref)) == {}


@pytest.mark.parametrize("idea_ref", ["twelve", "0", "#0", "-3", "²", "12 13", "2147483648"])
def test_an_idea_that_is_no_number_is_refused(idea_ref: str) -> None:
    assert problems(draft(idea_ref=idea_ref)) == {
        Field.IDEA: "Give the idea's number, like 12 (see `/idea mine` or `/idea top`)."
    }


def test_the_default_end_is_two_weeks_ahead_and_valid() -> None:
    end = rules.default_end(TODAY)
    assert end == date(2026, 10, 29)
    assert rules.DEFAULT_DAYS == 14
    assert problems(draft(ends_on=end)) == {}


# text_problem


@pytest.mark.parametrize("text", ["", " ", "\n\t"])
def test_a_blank_text_asks_for_it(text: str) -> None:
    assert rules.text_problem(text, limit=10, what="the update") == "Write the update."


def test_a_text_up_to_its_limit_is_fine() -> None:
    assert rules.text_problem("u" * 10, limit=10, what="the update") is None
    assert rules.text_problem(BULB * 5, limit=10, what="the update") is None


def test_a_text_over_its_limit_says_the_limit() -> None:
    assert rules.text_problem("u" * 11, limit=10, what="the update") == (
        "Keep the update to 10 characters."
    )
    assert rules.text_problem(BULB * 6, limit=10, what="the update") is not None
    assert rules.text_problem("u" * 2001, limit=rules.UPDATE_LIMIT, what="the update") == (
        "Keep the update to 2,000 characters."
    )


@given(st.text(), st.integers(min_value=1, max_value=50))
def test_text_problem_is_none_exactly_for_non_blank_text_within_the_limit(
    text: str, limit: int
) -> None:
    fits = bool(text.strip()) and len(text.encode("utf-16-le")) // 2 <= limit
    assert (rules.text_problem(text, limit=limit, what="it") is None) == fits


# learning_problems


@pytest.mark.parametrize("outcome", rules.OUTCOMES)
def test_a_complete_learning_has_no_problems(outcome: str) -> None:
    found = rules.learning_problems(outcome=outcome, learned="Quiet helps", next_step="Keep it")
    assert found == {}


def test_an_empty_learning_reports_every_field() -> None:
    assert rules.learning_problems(outcome="", learned=" ", next_step="") == {
        "outcome": "Choose how the experiment turned out.",
        "learned": "Write what you learned.",
        "next_step": "Write the next step.",
    }


@pytest.mark.parametrize("outcome", ["Validated", "success", "cancelled", " validated"])
def test_only_a_known_outcome_is_accepted(outcome: str) -> None:
    found = rules.learning_problems(outcome=outcome, learned="x", next_step="y")
    assert found == {Field.OUTCOME: "Choose how the experiment turned out."}


def test_the_learning_fields_have_their_limits() -> None:
    within = rules.learning_problems(
        outcome="inconclusive",
        learned="l" * rules.LEARNED_LIMIT,
        next_step="n" * rules.NEXT_STEP_LIMIT,
    )
    assert within == {}
    over = rules.learning_problems(
        outcome="inconclusive",
        learned=BULB * (rules.LEARNED_LIMIT // 2 + 1),
        next_step="n" * (rules.NEXT_STEP_LIMIT + 1),
    )
    assert over == {
        "learned": "Keep what you learned to 2,000 characters.",
        "next_step": "Keep the next step to 1,000 characters.",
    }


def test_learning_problems_are_keyed_by_plain_strings() -> None:
    found = rules.learning_problems(outcome="", learned="", next_step="")
    assert all(type(key) is str for key in found)


# can_manage and refusal


@pytest.mark.parametrize(
    ("user", "admins", "allowed"),
    [
        (OWNER, frozenset(), True),
        (OWNER, frozenset({ADMIN}), True),
        (ADMIN, frozenset({ADMIN}), True),
        (SOMEONE, frozenset({ADMIN}), False),
        (SOMEONE, frozenset(), False),
        (OWNER.lower(), frozenset(), False),
    ],
)
def test_only_the_owner_or_an_admin_manages_an_experiment(
    user: str, admins: frozenset[str], allowed: bool
) -> None:
    assert rules.can_manage(user, OWNER, admins) is allowed


def test_the_refusal_names_the_owner_and_the_experiment() -> None:
    message = rules.refusal(7, OWNER)
    assert message.startswith(
        f"Only <@{OWNER}>, who owns experiment #7, its team or a Lightbulb admin"
    )
    assert "post updates, conclude or cancel it" in message
    assert "Reply in its thread" in message
