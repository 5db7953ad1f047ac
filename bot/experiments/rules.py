"""The rules for experiments, as plain functions: what a valid experiment is, who may
update or conclude it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.slack import payload
from bot.slack.text import slack_length

HYPOTHESIS_LIMIT = 1000
METRIC_LIMIT = 300
UPDATE_LIMIT = 2000
LEARNED_LIMIT = 2000
NEXT_STEP_LIMIT = 1000
OUTCOMES = ("validated", "invalidated", "inconclusive")

# Block ids of the experiment form, so errors show next to their field.
F_HYPOTHESIS, F_METRIC, F_OWNER, F_ENDS_ON, F_IDEA = (
    "hypothesis",
    "metric",
    "owner",
    "ends_on",
    "idea",
)
F_UPDATE = "update"
F_OUTCOME, F_LEARNED, F_NEXT = "outcome", "learned", "next_step"


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
        problems[F_HYPOTHESIS] = "Write the hypothesis: “We believe … will … measured by …”."
    elif slack_length(draft.hypothesis) > HYPOTHESIS_LIMIT:
        problems[F_HYPOTHESIS] = f"Keep the hypothesis to {HYPOTHESIS_LIMIT:,} characters."
    if not draft.metric.strip():
        problems[F_METRIC] = "Name the metric that will tell whether the hypothesis holds."
    elif slack_length(draft.metric) > METRIC_LIMIT:
        problems[F_METRIC] = f"Keep the metric to {METRIC_LIMIT} characters."
    if not draft.owner_id:
        problems[F_OWNER] = "Choose who owns the experiment."
    if draft.ends_on is None:
        problems[F_ENDS_ON] = "Pick the day the experiment ends."
    elif draft.ends_on < today:
        problems[F_ENDS_ON] = f"The end date is in the past: pick {today:%-d %B} or later."
    if draft.idea_ref.strip() and payload.parse_id(draft.idea_ref) is None:
        problems[F_IDEA] = "Give the idea's number, like 12 (see `/idea mine` or `/idea top`)."
    return problems


def text_problem(text: str, *, limit: int, what: str) -> str | None:
    if not text.strip():
        return f"Write {what}."
    if slack_length(text) > limit:
        return f"Keep {what} to {limit:,} characters."
    return None


def can_manage(user_id: str, owner_id: str, admins: frozenset[str]) -> bool:
    """Only the owner or an admin posts updates or concludes."""
    return user_id == owner_id or user_id in admins


def refusal(experiment_id: int, owner_id: str) -> str:
    return (
        f"Only <@{owner_id}>, who owns experiment #{experiment_id}, or a Lightbulb admin can "
        "post updates, conclude or cancel it. Reply in its thread to share your thoughts."
    )
