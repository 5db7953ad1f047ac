"""Block Kit for the experiment forms: starting one, posting an update, sharing the learning;
and reading what was submitted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from slack_sdk.models.blocks import (
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    RadioButtonsElement,
    SectionBlock,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.core import typed
from bot.experiments import rules
from bot.experiments.blocks import OUTCOME_LABELS
from bot.experiments.team_blocks import picked_team, team_picker
from bot.slack import payload
from bot.slack.blocks import external_select_input, form, text_input
from bot.slack.payload import INPUT_ACTION

EXPERIMENT_FORM = "experiment_form"
UPDATE_FORM = "experiment_update_form"
LEARNING_FORM = "learning_form"
OWNER_HINT = "The owner posts updates and shares the learning at the end."
# Its author opening the form on an idea they shared anonymously (`ANONYMOUS_IDEAS`).
ANONYMOUS_OWNER_HINT = (
    "You shared this idea anonymously: the experiment's card names its owner and links the "
    "idea. Pick someone else as the owner to stay anonymous."
)
# The idea menu's own action_id: Slack asks `handlers.options` for its options by it.
IDEA_PICKER = "experiment_idea"


def experiment_form(
    *,
    owner_id: str,
    ends_on: date,
    idea_id: int | None,
    team: Sequence[str] = (),
    idea_text: str = "",
    owner_hint: str = OWNER_HINT,
) -> View:
    """Start an experiment; the idea (shown as `#12 idea_text`), and its team, are prefilled
    when started from an idea."""
    return form(
        EXPERIMENT_FORM,
        title="Start an experiment",
        submit="Start",
        blocks=[
            text_input(
                rules.Field.HYPOTHESIS,
                "Hypothesis",
                placeholder="We believe <change> will <result>, measured by <metric>.",
                max_length=rules.HYPOTHESIS_LIMIT,
            ),
            text_input(
                rules.Field.METRIC,
                "Metric",
                placeholder="e.g. weekly active teams, support tickets per week",
                max_length=rules.METRIC_LIMIT,
                multiline=False,
            ),
            InputBlock(
                block_id=rules.Field.OWNER,
                label="Owner",
                element=UserSelectElement(action_id=INPUT_ACTION, initial_user=owner_id),
                hint=owner_hint,
            ),
            team_picker(
                team,
                hint=f"Up to {rules.TEAM_LIMIT} people besides the owner, from any department: "
                "they post updates and conclude, like the owner.",
            ),
            InputBlock(
                block_id=rules.Field.ENDS_ON,
                label="Ends on",
                element=DatePickerElement(action_id=INPUT_ACTION, initial_date=ends_on.isoformat()),
            ),
            external_select_input(
                rules.Field.IDEA,
                "Idea",
                action_id=IDEA_PICKER,
                placeholder="Type words or a number",
                optional=True,
                initial=(str(idea_id), " ".join(f"#{idea_id} {idea_text}".split()))
                if idea_id
                else None,
                hint="The idea this experiment tests, if there is one.",
            ),
        ],
    )


def new_experiment_form(
    *,
    owner_id: str,
    today: date,
    idea_id: int | None,
    team: Sequence[str] = (),
    idea_text: str = "",
    owner_hint: str = OWNER_HINT,
) -> View:
    """The form as `/idea experiment` or an idea's button opens it: the person who asked owns
    it unless they pick someone else, it ends after the usual span, and `team` (the people
    who offered help, say) is picked already, but for the owner."""
    return experiment_form(
        owner_id=owner_id,
        ends_on=rules.default_end(today),
        idea_id=idea_id,
        team=rules.team_without_owner(team, owner_id)[: rules.TEAM_LIMIT],
        idea_text=idea_text,
        owner_hint=owner_hint,
    )


def experiment_form_values(view: dict) -> rules.ExperimentDraft:
    chosen = payload.selected_date(view, rules.Field.ENDS_ON)
    try:
        ends_on = date.fromisoformat(chosen) if chosen else None
    except ValueError:
        ends_on = None
    return rules.ExperimentDraft(
        hypothesis=payload.text_input(view, rules.Field.HYPOTHESIS),
        metric=payload.text_input(view, rules.Field.METRIC),
        owner_id=payload.selected_user(view, rules.Field.OWNER),
        ends_on=ends_on,
        idea_ref=payload.picked_option(view, rules.Field.IDEA),
        team=tuple(picked_team(view)),
    )


def form_experiment_id(view: dict) -> int | None:
    """The experiment a form is about, from its `private_metadata`."""
    return typed.parse_id(payload.metadata(view).get("experiment_id"))


def update_form(experiment_id: int) -> View:
    return form(
        UPDATE_FORM,
        title="Experiment update",
        submit="Post update",
        metadata={"experiment_id": experiment_id},
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*Experiment #{experiment_id}*: the update is threaded under its card."
                )
            ),
            text_input(
                rules.Field.UPDATE,
                "What happened since the last update?",
                placeholder="Numbers so far, surprises, what you will try next…",
                max_length=rules.UPDATE_LIMIT,
            ),
        ],
    )


def learning_form(experiment_id: int) -> View:
    return form(
        LEARNING_FORM,
        title="Share the learning",
        submit="Share",
        metadata={"experiment_id": experiment_id},
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*Experiment #{experiment_id}*\n\n"
                    "Every outcome is worth sharing: a hypothesis that did not hold saves the "
                    "next team from building on it."
                )
            ),
            InputBlock(
                block_id=rules.Field.OUTCOME,
                label="Outcome",
                element=RadioButtonsElement(
                    action_id=INPUT_ACTION,
                    options=[
                        Option(value=value, text=label) for value, label in OUTCOME_LABELS.items()
                    ],
                ),
            ),
            text_input(
                rules.Field.LEARNED,
                "What we learned",
                placeholder="What the numbers said, and what surprised you",
                max_length=rules.LEARNED_LIMIT,
            ),
            text_input(
                rules.Field.NEXT_STEP,
                "What we will do next",
                placeholder="Ship it, try a variant, stop, hand over…",
                max_length=rules.NEXT_STEP_LIMIT,
            ),
        ],
    )
