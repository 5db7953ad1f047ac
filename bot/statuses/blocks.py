"""Block Kit for idea statuses: the change form, the thread reply, the DMs and the history."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.core import typed
from bot.slack import payload
from bot.slack.blocks import form, linked_title, sections, to_dicts
from bot.slack.payload import INPUT_ACTION
from bot.slack.text import escape, truncate
from bot.statuses import rules
from storage.models import Experiment, Idea, StatusChange

STATUS_FORM = "idea_status_form"
MUTE_ACTION = "idea_mute"
F_STATUS, F_REASON, F_OWNER = "status", "reason", "owner"
MUTE_BUTTONS_SHOWN = 5


def badge(status: str) -> str:
    return rules.badge(status)


def idea_title(idea: Idea, limit: int = 80) -> str:
    return linked_title(idea.text, idea.permalink, limit)


def status_form(idea: Idea, *, from_home: bool = False) -> View:
    owner = UserSelectElement(action_id=INPUT_ACTION)
    if idea.owner_id:
        owner = UserSelectElement(action_id=INPUT_ACTION, initial_user=idea.owner_id)
    return form(
        STATUS_FORM,
        title="Change status",
        submit="Change",
        metadata={"idea_id": idea.id, "from_home": from_home},
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*Idea #{idea.id}*: {escape(truncate(idea.text, 200))}\n"
                    f"Now: {badge(idea.status)}. The author and voters are told, with your reason."
                )
            ),
            InputBlock(
                block_id=F_STATUS,
                label="New status",
                element=StaticSelectElement(
                    action_id=INPUT_ACTION,
                    options=[Option(value=s, text=badge(s)) for s in rules.STATUSES],
                    initial_option=Option(value=idea.status, text=badge(idea.status)),
                ),
            ),
            InputBlock(
                block_id=F_REASON,
                label="Reason",
                optional=True,
                hint="Needed for declined and parked. Be kind and specific: people read it.",
                element=PlainTextInputElement(
                    action_id=INPUT_ACTION, multiline=True, max_length=rules.REASON_LIMIT
                ),
            ),
            InputBlock(block_id=F_OWNER, label="Owner", optional=True, element=owner),
        ],
    )


def status_form_values(view: dict) -> tuple[str, str, str | None]:
    status = payload.selected_option(view, F_STATUS)
    reason = payload.text_input(view, F_REASON)
    owner = payload.selected_user(view, F_OWNER) or None
    return status, reason, owner


def form_idea_id(view: dict) -> int | None:
    return typed.parse_id(payload.metadata(view).get("idea_id"))


def form_from_home(view: dict) -> bool:
    """Whether the form was opened from the Home tab, which then shows the change."""
    return payload.metadata(view).get("from_home") is True


def _change_line(change: StatusChange) -> str:
    line = f"{badge(change.to_status)} by <@{change.changed_by}>"
    if change.owner_id:
        line += f" · owner <@{change.owner_id}>"
    if change.reason:
        line += f"\n>{escape(change.reason)}"
    return line


def thread_reply(change: StatusChange) -> dict:
    text = f"Status: {_change_line(change)}"
    return {"text": text, "blocks": to_dicts(sections(text))}


def _experiment_link(experiment: Experiment) -> str:
    name = f"experiment #{experiment.id}"
    return f"<{experiment.permalink}|{name}>" if experiment.permalink else name


def _news(
    idea: Idea,
    change: StatusChange,
    experiment: Experiment | None,
    recipient: str,
    own: Collection[int] = (),
) -> str:
    """One line of a DM: what happened to the idea, said as it happened. `own`: the ids of
    the anonymous ideas the recipient shared."""
    theirs = idea.author_id == recipient or idea.id in own
    title = idea_title(idea)
    if experiment is not None and change.to_status == rules.EXPERIMENTING:
        which = f"your idea #{idea.id} {title}" if theirs else f"idea #{idea.id} {title}"
        tail = "" if theirs else " (you voted for it)"
        return (
            f"• <@{change.changed_by}> started an experiment on {which}{tail}: "
            f"{_experiment_link(experiment)}, owned by <@{experiment.owner_id}>, until "
            f"{experiment.ends_on:%-d %B}. It is now {badge(change.to_status)}."
        )
    if experiment is not None:
        why = "you shared" if theirs else "you voted for"
        return (
            f"• Idea #{idea.id} {title} ({why}): {_experiment_link(experiment)} was cancelled "
            f"by <@{change.changed_by}>, so it is back to {badge(change.to_status)}."
        )
    why = "you shared" if theirs else "you voted for"
    return f"• Idea #{idea.id} {title} ({why}) is now {_change_line(change)}"


def notice(
    changes: Sequence[tuple[Idea, StatusChange, Experiment | None]],
    *,
    recipient: str,
    own: Collection[int] = (),
) -> dict:
    """One DM telling a person about every change they should hear of in this batch, with
    the experiment that made it, if one did."""
    lines = [
        _news(idea, change, experiment, recipient, own) for idea, change, experiment in changes
    ]
    opening = (
        "An idea you care about has news:"
        if len(changes) == 1
        else f"{len(changes)} ideas you care about have news:"
    )
    blocks: list[Block] = [*sections(f"{opening}\n" + "\n".join(lines))]
    mutable = list({idea.id: idea for idea, _, _ in changes}.values())[:MUTE_BUTTONS_SHOWN]
    blocks.append(
        ActionsBlock(
            elements=[
                ButtonElement(
                    text=f"Mute idea #{idea.id}",
                    action_id=f"{MUTE_ACTION}_{idea.id}",
                    value=str(idea.id),
                )
                for idea in mutable
            ]
        )
    )
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Mute an idea to stop hearing about it: `/idea mute &lt;number&gt;`."
                )
            ]
        )
    )
    first_idea, first_change, first_experiment = changes[0]
    if first_experiment is not None and first_change.to_status == rules.EXPERIMENTING:
        text = f"An experiment started on idea #{first_idea.id}"
    else:
        text = f"Idea #{first_idea.id} is now {badge(first_change.to_status)}"
    if len(changes) > 1:
        text += f" (and {len(changes) - 1} more)"
    return {"text": text, "blocks": to_dicts(blocks)}


def history_message(idea: Idea, changes: Sequence[StatusChange]) -> str:
    head = f"*History of idea #{idea.id}* {idea_title(idea)}: now {badge(idea.status)}"
    if not changes:
        return f"{head}\nNo status changes yet: it is as it was shared."
    rows = [
        f"• {c.created_at:%-d %b %Y %H:%M} UTC: {badge(c.from_status)} → {_change_line(c)}"
        for c in changes
    ]
    return head + "\n" + "\n".join(rows)
