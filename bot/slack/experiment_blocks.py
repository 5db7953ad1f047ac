"""Block Kit for experiments: the forms, the card, updates and the learning card."""

from __future__ import annotations

import json
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DatePickerElement,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot import experiment_rules as rules
from bot.slack import payload
from bot.slack.blocks import INPUT_ACTION, sections, to_dicts
from bot.slack.text import HEADER_TEXT_LIMIT, escape, truncate
from storage.models import Experiment, Idea, Learning

EXPERIMENT_FORM = "experiment_form"
UPDATE_FORM = "experiment_update_form"
LEARNING_FORM = "learning_form"
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


def _text_input(
    block_id: str,
    label: str,
    *,
    placeholder: str,
    max_length: int,
    multiline: bool = True,
    optional: bool = False,
    initial: str = "",
    hint: str | None = None,
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        hint=hint,
        element=PlainTextInputElement(
            action_id=INPUT_ACTION,
            placeholder=placeholder,
            multiline=multiline,
            max_length=max_length,
            initial_value=initial[:max_length] or None,
        ),
    )


def experiment_form(*, owner_id: str, ends_on: date, idea_id: int | None) -> View:
    """Start an experiment; the idea's number is prefilled when started from an idea."""
    return View(
        type="modal",
        callback_id=EXPERIMENT_FORM,
        title=PlainTextObject(text="Start an experiment"),
        submit=PlainTextObject(text="Start"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            _text_input(
                rules.F_HYPOTHESIS,
                "Hypothesis",
                placeholder="We believe <change> will <result>, measured by <metric>.",
                max_length=rules.HYPOTHESIS_LIMIT,
            ),
            _text_input(
                rules.F_METRIC,
                "Metric",
                placeholder="e.g. weekly active teams, support tickets per week",
                max_length=rules.METRIC_LIMIT,
                multiline=False,
            ),
            InputBlock(
                block_id=rules.F_OWNER,
                label="Owner",
                element=UserSelectElement(action_id=INPUT_ACTION, initial_user=owner_id),
                hint="The owner posts updates and shares the learning at the end.",
            ),
            InputBlock(
                block_id=rules.F_ENDS_ON,
                label="Ends on",
                element=DatePickerElement(action_id=INPUT_ACTION, initial_date=ends_on.isoformat()),
            ),
            _text_input(
                rules.F_IDEA,
                "Idea number",
                placeholder="e.g. 12",
                max_length=10,
                multiline=False,
                optional=True,
                initial=str(idea_id) if idea_id else "",
                hint="The idea this experiment tests, if there is one.",
            ),
        ],
    )


def experiment_form_values(view: dict) -> rules.ExperimentDraft:
    chosen = payload.selected_date(view, rules.F_ENDS_ON)
    try:
        ends_on = date.fromisoformat(chosen) if chosen else None
    except ValueError:
        ends_on = None
    return rules.ExperimentDraft(
        hypothesis=payload.text_input(view, rules.F_HYPOTHESIS),
        metric=payload.text_input(view, rules.F_METRIC),
        owner_id=payload.selected_user(view, rules.F_OWNER),
        ends_on=ends_on,
        idea_ref=payload.text_input(view, rules.F_IDEA),
    )


def form_experiment_id(view: dict) -> int | None:
    """The experiment a form is about, from its `private_metadata`."""
    return payload.parse_id(payload.metadata(view).get("experiment_id"))


def button_value(experiment: Experiment) -> str:
    """Only the experiment's id: who may act on it is judged by the owner on record, which a
    click cannot forge."""
    return str(experiment.id)


def parse_button_value(value: str) -> int | None:
    """The experiment an experiment button is about."""
    return payload.parse_id(value)


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
) -> dict:
    """The card in the experiments channel; its buttons go once the experiment ends."""
    lines = [
        f"*Hypothesis*\n{escape(experiment.hypothesis)}",
        f"*Metric:* {escape(experiment.metric)}",
        f"*Owner:* <@{experiment.owner_id}> · *Ends:* {experiment.ends_on:%-d %B %Y}",
    ]
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
                    _cancel_button(experiment),
                ]
            )
        )
        footer = "Anyone can follow along in the thread. The owner posts updates here."
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


def update_form(experiment_id: int) -> View:
    return View(
        type="modal",
        callback_id=UPDATE_FORM,
        title=PlainTextObject(text="Experiment update"),
        submit=PlainTextObject(text="Post update"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=json.dumps({"experiment_id": experiment_id}),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*Experiment #{experiment_id}*: the update is threaded under its card."
                )
            ),
            _text_input(
                rules.F_UPDATE,
                "What happened since the last update?",
                placeholder="Numbers so far, surprises, what you will try next…",
                max_length=rules.UPDATE_LIMIT,
            ),
        ],
    )


def update_reply(*, author_id: str, text: str) -> dict:
    body = f"📈 *Update from <@{author_id}>*\n{escape(text)}"
    return {"text": body[:3000], "blocks": to_dicts(sections(body))}


def learning_form(experiment_id: int) -> View:
    return View(
        type="modal",
        callback_id=LEARNING_FORM,
        title=PlainTextObject(text="Share the learning"),
        submit=PlainTextObject(text="Share"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=json.dumps({"experiment_id": experiment_id}),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*Experiment #{experiment_id}*\n\n"
                    "Every outcome is worth sharing: a hypothesis that did not hold saves the "
                    "next team from building on it."
                )
            ),
            InputBlock(
                block_id=rules.F_OUTCOME,
                label="Outcome",
                element=RadioButtonsElement(
                    action_id=INPUT_ACTION,
                    options=[
                        Option(value=value, text=label) for value, label in OUTCOME_LABELS.items()
                    ],
                ),
            ),
            _text_input(
                rules.F_LEARNED,
                "What we learned",
                placeholder="What the numbers said, and what surprised you",
                max_length=rules.LEARNED_LIMIT,
            ),
            _text_input(
                rules.F_NEXT,
                "What we will do next",
                placeholder="Ship it, try a variant, stop, hand over…",
                max_length=rules.NEXT_STEP_LIMIT,
            ),
        ],
    )


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


DIGEST_ITEMS_SHOWN = 10


def _experiment_link(experiment: Experiment) -> str:
    title = escape(truncate(experiment.hypothesis.replace("\n", " "), 120))
    return f"<{experiment.permalink}|{title}>" if experiment.permalink else title


def _listed(title: str, lines: list[str]) -> str:
    shown = lines[:DIGEST_ITEMS_SHOWN]
    if len(lines) > len(shown):
        shown.append(f"…and {len(lines) - len(shown)} more in this channel.")
    return f"*{title}*\n" + "\n".join(shown)


def digest(
    *,
    started: list[Experiment],
    running: list[Experiment],
    concluded: list[tuple[Experiment, Learning]],
    today: date,
) -> dict:
    """The weekly digest. Each list shows its first items and counts the rest, so the post
    stays well inside Block Kit's limits however busy the week was."""
    if not (started or running or concluded):
        text = (
            ":test_tube: *A quiet week in the lab.* Got a hunch worth testing? "
            "`/idea experiment` turns it into a hypothesis in two minutes, and the 🧪 button "
            "on any idea does the same."
        )
        return {"text": text, "blocks": to_dicts(sections(text))}
    parts: list[str] = []
    if concluded:
        parts.append(
            _listed(
                f"Concluded this week ({len(concluded)})",
                [
                    f"• {OUTCOME_LABELS.get(learning.outcome, learning.outcome)}: "
                    f"{_experiment_link(experiment)}: "
                    f"_{escape(truncate(learning.learned.replace(chr(10), ' '), 160))}_"
                    for experiment, learning in concluded
                ],
            )
        )
    if started:
        parts.append(
            _listed(
                f"Started this week ({len(started)})",
                [f"• #{e.id} {_experiment_link(e)} · <@{e.owner_id}>" for e in started],
            )
        )
    if running:
        parts.append(
            _listed(
                f"Running ({len(running)})",
                [f"• #{e.id} {_experiment_link(e)} · {days_left(e, today)}" for e in running],
            )
        )
    header = HeaderBlock(text=PlainTextObject(text="🧪 The week in experiments"))
    blocks: list[Block] = [header]
    for part in parts:
        blocks.extend(sections(part))
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Every result counts, validated or not. Start one with `/idea experiment`."
                )
            ]
        )
    )
    summary = (
        f"The week in experiments: {len(started)} started, {len(running)} running, "
        f"{len(concluded)} concluded."
    )
    return {"text": summary, "blocks": to_dicts(blocks)}


def days_left(experiment: Experiment, today: date) -> str:
    days = (experiment.ends_on - today).days
    if days > 1:
        return f"{days} days left"
    if days == 1:
        return "ends tomorrow"
    if days == 0:
        return "ends today"
    return f"ended {-days} day{'s' if days != -1 else ''} ago, learning due"
