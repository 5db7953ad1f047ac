"""Block Kit for the exploration check-in: the Friday question, and the same message once
answered, with its buttons still there to change the answer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticSelectElement,
)

from bot.exploration import rules
from bot.slack.blocks import OPTION_TEXT_LIMIT, SELECT_OPTION_LIMIT, to_dicts
from bot.slack.text import truncate
from storage.models import Experiment

ANSWER_ACTION = "exploration_answer"
EXPERIMENT_ACTION = "exploration_experiment"
QUESTION = "How much time did you spend exploring this week?"
ABOUT = (
    "Trying things, learning, prototyping: time away from the daily work. Your answer helps "
    "leaders see whether people get the time to explore. You can change it until the week ends."
)


@dataclass(frozen=True)
class Checkin:
    """What the message shows: the week it asks about, the answer so far, the experiments
    it may be for and the one picked."""

    week: str
    answer: str | None = None
    experiments: Sequence[Experiment] = ()
    experiment_id: int | None = None


def parse_value(value: str) -> tuple[str, str]:
    """`2026-W49:2_4h` → ("2026-W49", "2_4h"): the week a button or option is about, and what
    it says."""
    week, _, rest = value.partition(":")
    return week, rest


def question(checkin: Checkin) -> dict:
    """The DM, unanswered or (with `checkin.answer`) answered."""
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f":compass: *{QUESTION}*\n{ABOUT}"))
    ]
    text = QUESTION
    if checkin.answer is not None:
        text = thanks(checkin.answer)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f":white_check_mark: {text}")))
    blocks.append(ActionsBlock(block_id=ANSWER_ACTION, elements=_answers(checkin)))
    if checkin.experiments:
        blocks.append(ActionsBlock(block_id=EXPERIMENT_ACTION, elements=[_experiments(checkin)]))
    if checkin.answer is not None:
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text="Changed your mind? Pick another.")])
        )
    return {"text": text, "blocks": to_dicts(blocks)}


def thanks(answer: str) -> str:
    text = f"Thanks: you spent {rules.SPENT[answer]} exploring this week."
    if rules.got_protected_time(answer):
        text += " That counts as protected time."
    return text


def week_closed(week: str, answer: str | None) -> str:
    stays = f"it stays at {rules.SPENT[answer]}" if answer else "it stays unanswered"
    return (
        f"Week {week} has ended, so its answer can no longer change: {stays}. Thanks all the "
        "same! Each week's question comes on Friday afternoon."
    )


def _answers(checkin: Checkin) -> list[ButtonElement]:
    return [
        ButtonElement(
            text=label,
            action_id=f"{ANSWER_ACTION}_{value}",
            value=f"{checkin.week}:{value}",
            style="primary" if value == checkin.answer else None,
        )
        for value, label in rules.ANSWERS.items()
    ]


def _experiments(checkin: Checkin) -> StaticSelectElement:
    options = [
        Option(
            value=f"{checkin.week}:{experiment.id}",
            text=truncate(
                f"#{experiment.id} {' '.join(experiment.hypothesis.split())}", OPTION_TEXT_LIMIT
            ),
        )
        for experiment in checkin.experiments[:SELECT_OPTION_LIMIT]
    ]
    linked = f"{checkin.week}:{checkin.experiment_id}"
    chosen = next((option for option in options if option.value == linked), None)
    return StaticSelectElement(
        action_id=EXPERIMENT_ACTION,
        placeholder="Which experiment was it for?",
        options=options,
        initial_option=chosen,
    )
