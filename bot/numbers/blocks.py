"""Block Kit for the programme's numbers: the `/idea stats` answer and the Home tab's part."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
)

from bot.numbers import rules
from bot.numbers.facts import QUIET_AFTER_DAYS, Period, ProgrammeNumbers, Slice
from bot.slack.blocks import sections, to_dicts
from bot.slack.text import HEADER_TEXT_LIMIT, escape, truncate

NAME_WIDTH = 22


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def programme_line(programme: Slice, *, departments: int) -> str:
    """`*12 ideas* from *8 people* (8% of 100 people) · *30 voters* · 5 departments`."""
    n = programme.contributors
    line = f"*{_plural(programme.ideas, 'idea')}* from *{n} {'person' if n == 1 else 'people'}*"
    if programme.headcount:
        line += f" ({rules.percent(programme.contributor_share)} of {programme.headcount})"
    line += f" · *{_plural(programme.voters, 'voter')}*"
    if departments:
        line += f" · {_plural(departments, 'department')} took part"
    return line


def funnel_line(programme: Slice) -> str:
    funnel = programme.funnel
    new, review, testing, shipped = funnel.counts()
    to_review, to_testing, to_shipped = funnel.conversions()
    return (
        f"{new} new → {review} under review ({rules.percent(to_review)}) → "
        f"{testing} experimenting ({rules.percent(to_testing)}) → "
        f"{shipped} shipped ({rules.percent(to_shipped)})"
    )


def experiments_line(programme: Slice) -> str:
    concluded = programme.experiments_concluded
    line = f"{_plural(programme.experiments_started, 'experiment')} started · {concluded} concluded"
    if concluded:
        line += (
            f", {programme.concluded_with_learning} with a written learning "
            f"({rules.percent(programme.learning_share)})"
        )
    return line


def protected_line(programme: Slice) -> str:
    asked, answered = programme.exploration_asked, programme.exploration_answered
    if not asked:
        return "nobody was asked in this period"
    if not answered:
        return f"no answer yet to {_plural(asked, 'question')}"
    return (
        f"{programme.exploration_protected} of {_plural(answered, 'answer')} had 2 hours or more "
        f"({rules.percent(programme.protected_share)}); {answered} of {asked} questions answered"
    )


def quiet_line(quiet: Sequence[str]) -> str:
    if not quiet:
        return (
            "No department has gone quiet: each had an idea or a vote in the last "
            f"{QUIET_AFTER_DAYS} days."
        )
    names = ", ".join(escape(name) for name in quiet)
    return f"*Quiet for {QUIET_AFTER_DAYS} days* (no idea, no vote): {names}"


def _row(name: str, one: Slice) -> str:
    people = str(one.contributors)
    if one.contributor_share is not None:
        people += f" ({rules.percent(one.contributor_share)})"
    return (
        f"{truncate(name, NAME_WIDTH):<{NAME_WIDTH}} {one.ideas:>5} {people:>10} {one.voters:>6} "
        f"{one.funnel.shipped:>7} {rules.percent(one.protected_share):>9}"
    )


def department_table(departments: Sequence[Slice]) -> str:
    """A fixed-width table, top departments by ideas and the rest summed."""
    shown, rest = rules.shown_and_rest(departments)
    header = (
        f"{'Department':<{NAME_WIDTH}} {'Ideas':>5} {'People':>10} {'Voters':>6} "
        f"{'Shipped':>7} {'Protected':>9}"
    )
    lines = [header]
    lines += [_row(rules.department_name(one.department), one) for one in shown]
    if rest is not None:
        lines.append(_row(rest.department or "", rest))
    return "```" + escape("\n".join(lines)) + "```"


def stats_message(numbers: ProgrammeNumbers) -> dict:
    """`/idea stats`: the period's numbers, for the person who asked only."""
    programme = numbers.programme
    period = numbers.period
    taking_part = numbers.departments_taking_part
    body = "\n".join(
        [
            programme_line(programme, departments=taking_part),
            f"*Funnel* (this period's ideas, by {_end_word(period)}): {funnel_line(programme)}",
            f"*Median time to a first decision*: {rules.days(programme.median_days_to_decision)}",
            f"*Experiments*: {experiments_line(programme)}",
            f"*Protected exploration time*: {protected_line(programme)}",
        ]
    )
    blocks: list[Block] = [
        HeaderBlock(
            text=PlainTextObject(
                text=truncate(f"📊 Lightbulb in {period.label}", HEADER_TEXT_LIMIT)
            )
        ),
        *sections(body),
    ]
    if numbers.departments:
        blocks += [
            DividerBlock(),
            *sections("*By department*\n" + department_table(numbers.departments)),
        ]
    blocks += [*sections(quiet_line(numbers.quiet_departments))]
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Counted from what was recorded at the time: a department is the one a "
                    "person had when they posted or voted. Other periods: `/idea stats 2026-11`, "
                    "`quarter`, `year`. Only you can see this message."
                )
            ]
        )
    )
    text = f"Lightbulb in {period.label}: {programme_line(programme, departments=taking_part)}"
    return {"text": text.replace("*", ""), "blocks": to_dicts(blocks)}


def _end_word(period: Period) -> str:
    return "its end" if period.complete else "now"


def home_section(
    numbers: ProgrammeNumbers, trend: Sequence[tuple[Period, int, int]]
) -> list[Block]:
    """This month so far, and ideas (contributors) in the last months."""
    programme = numbers.programme
    taking_part = numbers.departments_taking_part
    lines = [
        f"*{numbers.period.label}*",
        programme_line(programme, departments=taking_part),
        f"Funnel: {funnel_line(programme)}",
        f"Experiments: {experiments_line(programme)}",
    ]
    if programme.exploration_asked:
        lines.append(f"Protected exploration time: {protected_line(programme)}")
    if trend:
        ideas = rules.trend([(period, n) for period, n, _ in trend])
        people = rules.trend([(period, people) for period, _, people in trend])
        lines += [f"Ideas by month: {ideas}", f"Contributors by month: {people}"]
    if numbers.quiet_departments:
        lines.append(quiet_line(numbers.quiet_departments))
    lines.append("More, by department: `/idea stats`.")
    return sections("\n".join(lines))
