"""The monthly report's words: the post to the leaders' channel, and the chart's title and
alt text. The post's `text` carries every number too, for screen readers and notifications,
which do not read blocks or images."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
)

from bot.numbers import blocks, rules
from bot.numbers.facts import ProgrammeNumbers, Slice
from bot.slack.blocks import sections, to_dicts
from bot.slack.text import HEADER_TEXT_LIMIT, escape, truncate

TOP_IN_TEXT = 3


def chart_title(numbers: ProgrammeNumbers) -> str:
    return f"Lightbulb report {numbers.period.key}: participation and funnel"


def chart_filename(numbers: ProgrammeNumbers) -> str:
    return f"lightbulb-report-{numbers.period.key}.png"


def alt_text(numbers: ProgrammeNumbers) -> str:
    """What the chart shows, in words (Slack limits alt text to 1,000 characters)."""
    programme = numbers.programme
    if not programme.ideas and not programme.voters:
        return f"No ideas yet in {numbers.period.label}: nothing to chart."
    top = ", ".join(
        f"{rules.department_name(one.department)} {one.contributors} contributors and "
        f"{one.voters} voters"
        for one in _busiest(numbers)
    )
    new, review, testing, shipped = programme.funnel.counts()
    text = (
        f"Two charts for {numbers.period.label}. Participation by department: {top or 'none'}. "
        f"Funnel: {new} new, {review} under review, {testing} experimenting, {shipped} shipped."
    )
    return truncate(text, 1000)


def _busiest(numbers: ProgrammeNumbers, count: int = TOP_IN_TEXT) -> list[Slice]:
    named = [one for one in numbers.departments if one.department is not None]
    return [one for one in named if one.ideas or one.voters][:count]


def _top_line(numbers: ProgrammeNumbers) -> str:
    busiest = _busiest(numbers)
    if not busiest:
        return "no department took part"
    return ", ".join(
        f"{escape(one.department or '')} ({one.ideas} ideas, {one.contributors} people, "
        f"{one.voters} voters)"
        for one in busiest
    )


def summary(numbers: ProgrammeNumbers) -> str:
    """Every number of the report in plain sentences."""
    programme = numbers.programme
    taking_part = numbers.departments_taking_part
    quiet = ", ".join(escape(name) for name in numbers.quiet_departments) or "none"
    lines = [
        f"Lightbulb report for {numbers.period.label}.",
        blocks.programme_line(programme, departments=taking_part).replace("*", "") + ".",
        f"Funnel: {blocks.funnel_line(programme)}.",
        f"Median time to a first decision: {rules.days(programme.median_days_to_decision)}.",
        f"Experiments: {blocks.experiments_line(programme)}.",
        f"Protected exploration time: {blocks.protected_line(programme)}.",
        f"Top departments: {_top_line(numbers)}.",
        f"Quiet departments: {quiet}.",
    ]
    return "\n".join(lines)


def report_message(numbers: ProgrammeNumbers) -> dict:
    """The post: the numbers, the departments, who has gone quiet; the chart follows in its
    thread."""
    programme = numbers.programme
    taking_part = numbers.departments_taking_part
    body = "\n".join(
        [
            blocks.programme_line(programme, departments=taking_part),
            f"*Funnel* (last month's ideas, by its end): {blocks.funnel_line(programme)}",
            f"*Median time to a first decision*: {rules.days(programme.median_days_to_decision)}",
            f"*Experiments*: {blocks.experiments_line(programme)}",
            f"*Protected exploration time*: {blocks.protected_line(programme)}",
        ]
    )
    header = truncate(f"📈 Lightbulb report: {numbers.period.label}", HEADER_TEXT_LIMIT)
    items: list[Block] = [HeaderBlock(text=PlainTextObject(text=header)), *sections(body)]
    if numbers.departments:
        items += [
            DividerBlock(),
            *sections("*By department*\n" + blocks.department_table(numbers.departments)),
        ]
    items += [*sections(blocks.quiet_line(numbers.quiet_departments))]
    note = (
        "The chart is in this post's thread. Counted from what was recorded at the time: a "
        "department is the one a person had when they posted or voted. Any month, any time: "
        f"`/idea stats {numbers.period.key}`."
    )
    items.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    return {"text": summary(numbers), "blocks": to_dicts(items)}
