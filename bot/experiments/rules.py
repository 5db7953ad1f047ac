"""The rules for experiments, as plain functions: what a valid experiment is, who may
update or conclude it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.core.typed import parse_id, text_length

HYPOTHESIS_LIMIT = 1000
METRIC_LIMIT = 300
UPDATE_LIMIT = 2000
LEARNED_LIMIT = 2000
NEXT_STEP_LIMIT = 1000
OUTCOMES = ("validated", "invalidated", "inconclusive")
# The experiment form suggests an end date this far ahead: long enough to learn something.
DEFAULT_DAYS = 14


class Field(StrEnum):
    """What an experiment's forms ask for; a problem is reported against its field."""

    HYPOTHESIS = "hypothesis"
    METRIC = "metric"
    OWNER = "owner"
    ENDS_ON = "ends_on"
    IDEA = "idea"
    UPDATE = "update"
    OUTCOME = "outcome"
    LEARNED = "learned"
    NEXT_STEP = "next_step"


@dataclass(frozen=True)
class ExperimentDraft:
    hypothesis: str
    metric: str
    owner_id: str
    ends_on: date | None
    idea_ref: str = ""


def experiment_problems(draft: ExperimentDraft, *, today: date) -> dict[str, str]:
    """Field-by-field problems with the experiment form; empty when it can start."""
    problems: dict[str, str] = {}
    if not draft.hypothesis.strip():
        problems[Field.HYPOTHESIS] = "Write the hypothesis: “We believe … will … measured by …”."
    elif text_length(draft.hypothesis) > HYPOTHESIS_LIMIT:
        problems[Field.HYPOTHESIS] = f"Keep the hypothesis to {HYPOTHESIS_LIMIT:,} characters."
    if not draft.metric.strip():
        problems[Field.METRIC] = "Name the metric that will tell whether the hypothesis holds."
    elif text_length(draft.metric) > METRIC_LIMIT:
        problems[Field.METRIC] = f"Keep the metric to {METRIC_LIMIT} characters."
    if not draft.owner_id:
        problems[Field.OWNER] = "Choose who owns the experiment."
    if draft.ends_on is None:
        problems[Field.ENDS_ON] = "Pick the day the experiment ends."
    elif draft.ends_on < today:
        problems[Field.ENDS_ON] = f"The end date is in the past: pick {today:%-d %B} or later."
    if draft.idea_ref.strip() and parse_id(draft.idea_ref) is None:
        problems[Field.IDEA] = "Give the idea's number, like 12 (see `/idea mine` or `/idea top`)."
    return problems


def default_end(today: date) -> date:
    return today + timedelta(days=DEFAULT_DAYS)


def text_problem(text: str, *, limit: int, what: str) -> str | None:
    if not text.strip():
        return f"Write {what}."
    if text_length(text) > limit:
        return f"Keep {what} to {limit:,} characters."
    return None


def learning_problems(*, outcome: str, learned: str, next_step: str) -> dict[str, str]:
    """Field-by-field problems with the learning form; empty when it can be shared."""
    problems = {
        Field.OUTCOME: None if outcome in OUTCOMES else "Choose how the experiment turned out.",
        Field.LEARNED: text_problem(learned, limit=LEARNED_LIMIT, what="what you learned"),
        Field.NEXT_STEP: text_problem(next_step, limit=NEXT_STEP_LIMIT, what="the next step"),
    }
    return {str(field): problem for field, problem in problems.items() if problem}


def can_manage(user_id: str, owner_id: str, admins: frozenset[str]) -> bool:
    """Only the owner or an admin posts updates or concludes."""
    return user_id == owner_id or user_id in admins


def refusal(experiment_id: int, owner_id: str) -> str:
    return (
        f"Only <@{owner_id}>, who owns experiment #{experiment_id}, or a Lightbulb admin can "
        "post updates, conclude or cancel it. Reply in its thread to share your thoughts."
    )
