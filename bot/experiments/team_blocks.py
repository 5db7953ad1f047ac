"""Block Kit for experiment teams: the team line on the card, its "Team" button, the team
picker in the forms, and the notes in the card's thread when someone joins or leaves."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ButtonElement,
    InputBlock,
    MarkdownTextObject,
    SectionBlock,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.experiments import rules
from bot.slack import payload
from bot.slack.blocks import form
from bot.slack.payload import INPUT_ACTION
from bot.slack.text import escape
from storage.teams import Member

TEAM_ACTION = "experiment_team"
TEAM_FORM = "experiment_team_form"


def team_line(team: Sequence[Member]) -> str | None:
    """ "*Team:* <@A> (Sales), <@B> (no longer here)": the department as recorded when they
    joined; None for an experiment without a team."""
    if not team:
        return None
    shown = []
    for member in team:
        if not member.here:
            shown.append(f"<@{member.user_id}> (no longer here)")
        elif member.department:
            shown.append(f"<@{member.user_id}> ({escape(member.department)})")
        else:
            shown.append(f"<@{member.user_id}>")
    return "*Team:* " + ", ".join(shown)


def team_button(experiment_id: int | None) -> ButtonElement:
    return ButtonElement(text="👥 Team", action_id=TEAM_ACTION, value=str(experiment_id))


def team_picker(team: Sequence[str], *, hint: str) -> InputBlock:
    """The optional multi-user picker, read back with `picked_team`."""
    return InputBlock(
        block_id=rules.Field.TEAM,
        label="Team",
        optional=True,
        hint=hint,
        element=UserMultiSelectElement(
            action_id=INPUT_ACTION,
            placeholder="People from any department who will work on it",
            initial_users=list(team) or None,
        ),
    )


def picked_team(view: dict) -> list[str]:
    """Who is picked in the team picker, each once."""
    return payload.selected_users(view, rules.Field.TEAM)


def team_form(experiment_id: int, team: Sequence[str]) -> View:
    return form(
        TEAM_FORM,
        title="Experiment team",
        submit="Save",
        metadata={"experiment_id": experiment_id},
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*Experiment #{experiment_id}*: the team may post updates and "
                    "conclude it, like its owner. Who joins or leaves is told in the card's "
                    "thread."
                )
            ),
            team_picker(team, hint=f"Up to {rules.TEAM_LIMIT} people besides the owner."),
        ],
    )


def team_note(*, user_id: str, joined: bool, changed_by: str) -> dict:
    if joined:
        return {"text": f"👥 <@{user_id}> joined the team (added by <@{changed_by}>)."}
    return {"text": f"👥 <@{user_id}> left the team (removed by <@{changed_by}>)."}
