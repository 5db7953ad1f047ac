"""Block Kit for the monthly awards: the announcement and the winners' DMs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
)

from bot.awards import rules
from bot.core import periods
from bot.ideas.anonymity import author_mention
from bot.slack.blocks import sections, to_dicts
from bot.slack.text import escape, truncate
from storage.models import Award

QUOTE_LIMIT = 280

TITLES = {
    rules.IDEA_OF_THE_MONTH: "💡 Idea of the month",
    rules.CROSS_FUNCTIONAL_SPARK: "🤝 Cross-functional spark",
    rules.LEARNING_OF_THE_MONTH: "🔬 Learning of the month",
}


@dataclass(frozen=True)
class Numbers:
    ideas: int
    voters: int
    departments: int | None


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _link(award: Award, label: str) -> str:
    return f"<{award.permalink}|{label}>" if award.permalink else label


def _quote(text: str) -> str:
    flat = escape(truncate(" ".join(text.split()), QUOTE_LIMIT))
    return f"> {flat}"


def _why(award: Award) -> str:
    if award.category == rules.LEARNING_OF_THE_MONTH:
        return _plural(award.votes, "vote")
    votes = _plural(award.votes, "vote")
    if not award.departments:
        return votes
    if award.category == rules.CROSS_FUNCTIONAL_SPARK:
        # Helpers and teams count too: the departments are not all the voters'.
        return f"{votes}, {_plural(award.departments, 'department')} taking part"
    return f"{votes} from {_plural(award.departments, 'department')}"


def _category(category: str, placed: Sequence[Award]) -> str:
    winner, *runner_ups = placed
    noun = "learning" if category == rules.LEARNING_OF_THE_MONTH else "idea"
    lines = [
        f"*{TITLES[category]}*",
        f"{author_mention(winner.winner_id, start=True)} for {_link(winner, f'this {noun}')} "
        f"({_why(winner)}):",
        _quote(winner.title),
    ]
    if runner_ups:
        mentions = ", ".join(
            f"{author_mention(a.winner_id)} ({_link(a, escape(truncate(a.title, 60)))}, {_why(a)})"
            for a in runner_ups
        )
        lines.append(f"Runner-ups: {mentions}")
    return "\n".join(lines)


def announcement(
    *,
    period: str,
    awards: Mapping[str, Sequence[Award]],
    numbers: Numbers,
    ideas_channel: str,
) -> dict:
    month = periods.month_name(period)
    if numbers.ideas == 0 and not awards:
        text = (
            f"🌱 *No ideas were shared in {month}, so there are no idea awards this time.* "
            "Every programme has quiet months. Great ideas often start as a half-formed "
            "thought: type `/idea` followed by yours, and it is posted in "
            f"<#{ideas_channel}> for everyone to vote on. Next month's award could be yours."
        )
        return {"text": text, "blocks": to_dicts(sections(text))}

    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=f"🏆 Lightbulb awards: {month}"))]
    for category in rules.CATEGORIES:
        placed = awards.get(category) or []
        if placed:
            blocks.extend(sections(_category(category, placed)))
            blocks.append(DividerBlock())
    if len(blocks) == 1:
        blocks.extend(
            sections(
                f"{_plural(numbers.ideas, 'idea')} came in during {month}, and none has a vote "
                f"yet. Have a look in <#{ideas_channel}> and react to the ones you like."
            )
        )
    taking_part = [_plural(numbers.ideas, "idea"), _plural(numbers.voters, "voter")]
    if numbers.departments:
        taking_part.append(_plural(numbers.departments, "department"))
    thanks = (
        f"Thank you to everyone who took part in {month}: {', '.join(taking_part)}. "
        "How winners are chosen: `/idea help awards`."
    )
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=thanks)]))
    winners = ", ".join(
        f"{TITLES[c]}: {author_mention(placed[0].winner_id)}"
        for c, placed in awards.items()
        if placed
    )
    return {"text": f"Lightbulb awards for {month}. {winners}".strip(), "blocks": to_dicts(blocks)}


def congratulations(award: Award) -> dict:
    month = periods.month_name(award.period)
    what = "learning" if award.category == rules.LEARNING_OF_THE_MONTH else "idea"
    text = (
        f"🎉 Congratulations! Your {_link(award, what)} won *{TITLES[award.category]}* for "
        f"{month}, with {_why(award)}. Thank you for making things better here."
    )
    return {"text": text, "blocks": to_dicts([*sections(f"{text}\n{_quote(award.title)}")])}
