"""The rules for experiments, as plain functions: what a valid experiment is, who may
update or conclude it."""

from __future__ import annotations

from collections.abc import Sequence
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
# A team small enough to work together; the owner is not counted.
TEAM_LIMIT = 12
# The experiment form suggests an end date this far ahead: long enough to learn something.
DEFAULT_DAYS = 14


class Field(StrEnum):
    """What an experiment's forms ask for; a problem is reported against its field."""

    HYPOTHESIS = "hypothesis"
    METRIC = "metric"
    OWNER = "owner"
    TEAM = "team"
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
    team: tuple[str, ...] = ()


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


def can_manage(
    user_id: str, owner_id: str, admins: frozenset[str], team: frozenset[str] = frozenset()
) -> bool:
    """The owner, a member of the team or an admin posts updates, concludes or cancels."""
    return user_id == owner_id or user_id in team or user_id in admins


def refusal(experiment_id: int, owner_id: str) -> str:
    return (
        f"Only <@{owner_id}>, who owns experiment #{experiment_id}, its team or a Lightbulb "
        "admin can post updates, conclude or cancel it. Reply in its thread to share your "
        "thoughts."
    )


def can_change_team(user_id: str, owner_id: str, admins: frozenset[str]) -> bool:
    """Who is on the team is the owner's call, or an admin's."""
    return user_id == owner_id or user_id in admins


def team_refusal(experiment_id: int, owner_id: str) -> str:
    return (
        f"Only <@{owner_id}>, who owns experiment #{experiment_id}, or a Lightbulb admin can "
        "change its team. Ask them, or reply in the card's thread to offer a hand."
    )


def team_without_owner(team: Sequence[str], owner_id: str) -> list[str]:
    """The team as picked, each person once, without the owner (who leads it anyway)."""
    return [user_id for user_id in dict.fromkeys(team) if user_id and user_id != owner_id]


def team_size_problem(team: Sequence[str]) -> str | None:
    if len(team) > TEAM_LIMIT:
        return (
            f"A team is at most {TEAM_LIMIT} people besides the owner; {len(team)} are picked. "
            "Keep those who will do the work: everyone can follow along in the thread."
        )
    return None


def unfit_problem(name: str, *, bot: bool) -> str:
    """Why someone picked for a team cannot be on it, by name."""
    if bot:
        return f"{name} is a bot: pick people."
    return f"{name} has left (the account is deactivated): pick people who are still here."
