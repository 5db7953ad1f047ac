"""Block Kit for experiments: the card, the replies in threads, the learning card and the
learning prompt (the forms are in `experiment_forms`, the digest in `digest_blocks`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
)

from bot.core import typed
from bot.experiments.team_blocks import team_button, team_line
from bot.slack.blocks import sections, to_dicts
from bot.slack.text import HEADER_TEXT_LIMIT, escape, truncate
from storage.models import Experiment, Idea, Learning
from storage.teams import Member

UPDATE_ACTION = "experiment_add_update"
CONCLUDE_ACTION = "experiment_conclude"
SNOOZE_ACTION = "experiment_snooze"
CANCEL_ACTION = "experiment_cancel"
SNOOZE_CHOICES = ((3, "Snooze 3 days"), (7, "Snooze 1 week"))

OUTCOME_LABELS = {
    "validated": "✅ Validated: the hypothesis held",
    "invalidated": "🔬 Invalidated: now we know, and that is worth a lot",
    "inconclusive": "🤔 Inconclusive: the data did not settle it",
}
OUTCOME_FRAMING = {
    "validated": "The hypothesis held. Here is what we learned and what comes next.",
    "invalidated": (
        "The hypothesis did not hold, and that is a result: it saves everyone from building on "
        "a guess. Here is what we learned and what comes next."
    ),
    "inconclusive": (
        "The data did not settle it, and we still learned something. Here it is, with the "
        "next step."
    ),
}


def button_value(experiment: Experiment) -> str:
    """Only the experiment's id: who may act on it is judged by the owner on record, which a
    click cannot forge."""
    return str(experiment.id)


def parse_button_value(value: str) -> int | None:
    """The experiment an experiment button is about."""
    return typed.parse_id(value)


def share_learning_button(experiment: Experiment) -> ButtonElement:
    """Opens the learning form for the experiment (its owner or an admin only)."""
    return ButtonElement(
        text="Share what you learned",
        action_id=CONCLUDE_ACTION,
        value=button_value(experiment),
        style="primary",
    )


def _cancel_button(experiment: Experiment) -> ButtonElement:
    return ButtonElement(
        text="Cancel experiment",
        action_id=CANCEL_ACTION,
        value=button_value(experiment),
        confirm=ConfirmObject(
            title="Cancel this experiment?",
            text=(
                f"Experiment #{experiment.id} stops here: no learning is expected and no "
                "reminders are sent. If it ran at all, sharing what you learned is better."
            ),
            confirm="Cancel it",
            deny="Keep it",
            style="danger",
        ),
    )


def experiment_card(
    experiment: Experiment,
    idea: Idea | None,
    *,
    learning: Learning | None = None,
    cancelled_by: str | None = None,
    team: Sequence[Member] = (),
) -> dict:
    """The card in the experiments channel; its buttons go once the experiment ends."""
    lines = [
        f"*Hypothesis*\n{escape(experiment.hypothesis)}",
        f"*Metric:* {escape(experiment.metric)}",
        f"*Owner:* <@{experiment.owner_id}> · *Ends:* {experiment.ends_on:%-d %B %Y}",
    ]
    if (members := team_line(team)) is not None:
        lines.append(members)
    if idea is not None:
        title = escape(truncate(idea.text, 120))
        link = f"<{idea.permalink}|{title}>" if idea.permalink else title
        lines.append(f"*Idea:* #{idea.id} {link}")
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=f"🧪 Experiment #{experiment.id}")),
        *sections("\n".join(lines)),
    ]
    if cancelled_by is not None:
        footer = f"Cancelled by <@{cancelled_by}>. No learning is expected."
    elif learning is None:
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text="Add update", action_id=UPDATE_ACTION, value=button_value(experiment)
                    ),
                    ButtonElement(
                        text="Conclude",
                        action_id=CONCLUDE_ACTION,
                        value=button_value(experiment),
                        style="primary",
                    ),
                    team_button(experiment.id),
                    _cancel_button(experiment),
                ]
            )
        )
        footer = "Anyone can follow along in the thread. The owner and the team post updates here."
    else:
        label = OUTCOME_LABELS.get(learning.outcome, learning.outcome)
        link = f" · <{learning.permalink}|Read the learning>" if learning.permalink else ""
        footer = f"Concluded: {label}{link}"
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=footer)]))
    text = f"Experiment #{experiment.id}: {escape(truncate(experiment.hypothesis, 200))}"
    return {"text": text, "blocks": to_dicts(blocks)}


def experiment_started_reply(experiment: Experiment) -> dict:
    link = (
        f"<{experiment.permalink}|experiment #{experiment.id}>"
        if experiment.permalink
        else f"experiment #{experiment.id}"
    )
    text = (
        f"🧪 This idea is being tested in {link}, owned by <@{experiment.owner_id}>, "
        f"until {experiment.ends_on:%-d %B}."
    )
    return {"text": text}


def update_reply(*, author_id: str, text: str) -> dict:
    body = f"📈 *Update from <@{author_id}>*\n{escape(text)}"
    return {"text": body[:3000], "blocks": to_dicts(sections(body))}


def learning_card(experiment: Experiment, learning: Learning, idea: Idea | None) -> dict:
    label = OUTCOME_LABELS.get(learning.outcome, learning.outcome)
    body = (
        f"*Hypothesis*\n{escape(experiment.hypothesis)}\n\n"
        f"{OUTCOME_FRAMING.get(learning.outcome, '')}\n\n"
        f"*What we learned*\n{escape(learning.learned)}\n\n"
        f"*What we will do next*\n{escape(learning.next_step)}"
    )
    footer = f"Shared by <@{learning.author_id}> · experiment #{experiment.id}"
    if experiment.permalink:
        footer += f" · <{experiment.permalink}|the experiment and its updates>"
    if idea is not None and idea.permalink:
        footer += f" · <{idea.permalink}|idea #{idea.id}>"
    blocks: list[Block] = [
        HeaderBlock(
            text=PlainTextObject(text=truncate(f"💡 Learning: {label}", HEADER_TEXT_LIMIT))
        ),
        *sections(body),
        ContextBlock(elements=[MarkdownTextObject(text=footer)]),
    ]
    text = f"Learning from experiment #{experiment.id}: {label}"
    return {"text": text, "blocks": to_dicts(blocks)}


def learning_reply(learning: Learning, experiment: Experiment) -> dict:
    label = OUTCOME_LABELS.get(learning.outcome, learning.outcome)
    link = f"<{learning.permalink}|Read the learning>" if learning.permalink else ""
    text = (
        f"🧪 Experiment #{experiment.id} concluded: {label}.\n"
        f"*What we learned:* {escape(truncate(learning.learned, 500))} {link}"
    )
    return {"text": text}


def learning_prompt(experiment: Experiment, *, reminder: bool) -> dict:
    """The DM asking the owner what the experiment taught us."""
    ended = f"{experiment.ends_on:%-d %B}"
    link = (
        f"<{experiment.permalink}|experiment #{experiment.id}>"
        if experiment.permalink
        else f"experiment #{experiment.id}"
    )
    if reminder:
        opening = (
            f"A gentle reminder: {link} ended on {ended}, and its learning is still to come. "
            "Whatever the outcome, a few lines help the next team."
        )
    else:
        opening = (
            f"Your {link} ended on {ended}. What did you learn? Validated or not, the result "
            "is worth sharing: it takes two minutes."
        )
    body = f"{opening}\n\n*Hypothesis:* {escape(truncate(experiment.hypothesis, 500))}"
    blocks: list[Block] = [
        *sections(body),
        ActionsBlock(
            elements=[
                share_learning_button(experiment),
                *(
                    ButtonElement(
                        text=label,
                        action_id=f"{SNOOZE_ACTION}_{days}",
                        value=f"{button_value(experiment)}:{days}",
                    )
                    for days, label in SNOOZE_CHOICES
                ),
                _cancel_button(experiment),
            ]
        ),
    ]
    return {"text": opening, "blocks": to_dicts(blocks)}


def experiment_cancelled_reply(experiment: Experiment, *, cancelled_by: str) -> dict:
    link = (
        f"<{experiment.permalink}|Experiment #{experiment.id}>"
        if experiment.permalink
        else f"Experiment #{experiment.id}"
    )
    return {"text": f"🧪 {link} was cancelled by <@{cancelled_by}>."}


def days_left(experiment: Experiment, today: date) -> str:
    days = (experiment.ends_on - today).days
    if days > 1:
        return f"{days} days left"
    if days == 1:
        return "ends tomorrow"
    if days == 0:
        return "ends today"
    return f"ended {-days} day{'s' if days != -1 else ''} ago, learning due"
