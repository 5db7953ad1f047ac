"""Block Kit for the end of a challenge: the two-day reminder, the one-week extension, the close,
the sponsor's Pick winners DM and form, and the winners' announcement and DMs.

Posts in the card's thread are also shown in the channel (`reply_broadcast`): the close and
the winners are news for everyone, not only for those who follow the thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
)
from slack_sdk.models.views import View

from bot.challenges import timeline_rules as rules
from bot.ideas.anonymity import author_mention
from bot.slack import payload
from bot.slack.blocks import OPTION_TEXT_LIMIT, form, linked_title, sections, text_input, to_dicts
from bot.slack.text import escape, truncate
from storage.models import Challenge, Idea

PICK_ACTION = "challenge_pick_winners"
PICK_FORM = "challenge_winners"
F_WINNERS = "winners"
F_NOTE = "note"
NOTE_LIMIT = 1000
QUESTION_LIMIT = 300


@dataclass(frozen=True)
class Entry:
    """An idea in the running, with its votes and how many departments its voters are from."""

    idea: Idea
    votes: int
    departments: int | None = None


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def question(challenge: Challenge) -> str:
    """The challenge's question, escaped, bold, and linked to its card when there is one."""
    text = escape(truncate(" ".join(challenge.question.split()), QUESTION_LIMIT))
    return f"*<{challenge.permalink}|{text}>*" if challenge.permalink else f"*{text}*"


def day(on: date) -> str:
    return f"{on:%A %-d %B}"


def _broadcast(text: str) -> dict:
    return {"text": text, "blocks": to_dicts(sections(text)), "reply_broadcast": True}


def reminder(challenge: Challenge, *, ideas: int) -> dict:
    return _broadcast(
        f"⏳ Two days left to answer {question(challenge)}: {_plural(ideas, 'idea')} so far. "
        "Submit yours with the button on the card."
    )


def extension(challenge: Challenge, *, until: date) -> dict:
    return _broadcast(
        f"🌱 No ideas yet for {question(challenge)}… we're giving it one more week, until "
        f"{day(until)} at {rules.CLOSING_HOUR}:00: the first idea could be yours. "
        "Use the *Submit an idea* button on the card."
    )


def closed_without_ideas(challenge: Challenge) -> dict:
    return _broadcast(
        f"🍂 {question(challenge)} is closed without ideas, even after one more week. Thank "
        f"you for thinking about it; <@{challenge.sponsor_id}> may ask it again another time, "
        "perhaps framed another way."
    )


def closed(challenge: Challenge, *, ideas: int, people: int, pickers: Sequence[str]) -> dict:
    if len(pickers) == 1 and pickers[0] == challenge.sponsor_id:
        who = f"<@{challenge.sponsor_id}> picks the winners."
    elif pickers:
        standing_in = " or ".join(f"<@{person}>" for person in pickers)
        who = f"<@{challenge.sponsor_id}> can't pick the winners, so {standing_in} will."
    else:
        who = "The idea with the most votes will be the people's choice."
    return _broadcast(
        f"🏁 {question(challenge)} is closed: {_plural(ideas, 'idea')} from "
        f"{people:,} {'person' if people == 1 else 'people'}. "
        f"Voting on them goes on; {who}"
    )


def _entry_line(rank: int, entry: Entry) -> str:
    idea = entry.idea
    title = linked_title(f"#{idea.id} {idea.text}", idea.permalink)
    why = _plural(entry.votes, "vote")
    if entry.departments:
        why += f" from {_plural(entry.departments, 'department')}"
    return f"{rank}. {title} by {author_mention(idea.author_id)}: {why}"


def pick_request(
    challenge: Challenge, top: Sequence[Entry], *, picker: str, again: bool = False
) -> dict:
    """The DM asking whoever picks (the sponsor, or who stands in) to pick the winners."""
    if again:
        opening = (
            f"⏰ A reminder: {question(challenge)} closed a week ago and its winners are "
            "waiting for you."
        )
    else:
        opening = f"🏁 {question(challenge)} is closed. Time to pick its winners!"
    if picker != challenge.sponsor_id:
        opening += (
            f" You are asked because <@{challenge.sponsor_id}>, its sponsor, can't pick them."
        )
    lines = [_entry_line(rank, entry) for rank, entry in enumerate(top, start=1)]
    body = (
        f"{opening}\n\n*The {_plural(len(top), 'idea')} with the most votes so far*:\n"
        + "\n".join(lines)
    )
    days = rules.PICK_WITHIN.days
    later = (
        f"If no winners are picked {days} days from now, the idea with the most votes is "
        "announced as the people's choice."
        if again
        else f"I'll remind you once in {days} days; {days} days after that, the idea with the "
        "most votes is announced as the people's choice."
    )
    return {
        "text": f"Pick the winners of {question(challenge)}",
        "blocks": to_dicts(
            [
                *sections(body),
                ActionsBlock(
                    block_id="pick",
                    elements=[
                        ButtonElement(
                            text="Pick winners",
                            action_id=PICK_ACTION,
                            value=str(challenge.id),
                            style="primary",
                        )
                    ],
                ),
                ContextBlock(elements=[MarkdownTextObject(text=later)]),
            ]
        ),
    }


def _option(entry: Entry) -> Option:
    votes = _plural(entry.votes, "vote")
    summary = " ".join(entry.idea.text.split())
    room = OPTION_TEXT_LIMIT - len(f"#{entry.idea.id}  · {votes}")
    return Option(
        value=str(entry.idea.id), text=f"#{entry.idea.id} {truncate(summary, room)} · {votes}"
    )


def pick_form(challenge: Challenge, entries: Sequence[Entry]) -> View:
    """Up to `PICK_CHOICES` ideas, most votes first, as checkboxes; and an optional note."""
    options = [_option(entry) for entry in entries[: rules.PICK_CHOICES]]
    return form(
        PICK_FORM,
        title="Pick winners",
        submit="Announce",
        metadata={"challenge_id": challenge.id},
        blocks=[
            *sections(
                f"{question(challenge)}\nPick up to {rules.MAX_WINNERS} winners. They are "
                "announced in the challenge's thread and the channel, and their authors "
                "hear it from me."
            ),
            InputBlock(
                block_id=F_WINNERS,
                label="Winners",
                element=CheckboxesElement(action_id=payload.INPUT_ACTION, options=options),
            ),
            text_input(
                F_NOTE,
                "A word for the winners (optional)",
                placeholder="What made these ideas stand out",
                max_length=NOTE_LIMIT,
                optional=True,
            ),
        ],
    )


def form_challenge_id(view: dict) -> int | None:
    value = payload.metadata(view).get("challenge_id")
    return value if isinstance(value, int) else None


def form_values(view: dict) -> tuple[list[int], str]:
    """The ideas ticked (by id) and the note."""
    chosen = payload.element(view, F_WINNERS).get("selected_options")
    ids = [
        int(value)
        for option in (chosen if isinstance(chosen, list) else [])
        if (value := payload.as_text(payload.as_dict(option).get("value"))).isdigit()
    ]
    return ids, payload.text_input(view, F_NOTE).strip()


def _winner_line(entry: Entry) -> str:
    idea = entry.idea
    title = linked_title(f"#{idea.id} {idea.text}", idea.permalink)
    return f"• {title} by {author_mention(idea.author_id)} ({_plural(entry.votes, 'vote')})"


def announcement(
    challenge: Challenge, winners: Sequence[Entry], *, picked_by: str | None, note: str = ""
) -> dict:
    """The winners, or the people's choice when nobody picked (`picked_by` None)."""
    if not winners:
        return _broadcast(
            f"🍂 Nobody picked winners for {question(challenge)}, and none of its ideas got a "
            "vote, so there is no winner this time. Thank you to everyone who answered."
        )
    if picked_by is None:
        text = (
            f"🏆 The people's choice for {question(challenge)}:\n"
            + "\n".join(_winner_line(entry) for entry in winners)
            + "\nNo winners were picked within two weeks of the close, so the idea with the "
            "most votes wins."
        )
    else:
        text = f"🏆 Winners of {question(challenge)}:\n" + "\n".join(
            _winner_line(entry) for entry in winners
        )
        if note:
            text += f"\n> {escape(' '.join(note.split()))}\n— <@{picked_by}>"
    text += "\nThank you to everyone who answered and voted!"
    return _broadcast(text)


def won(challenge: Challenge, idea: Idea, *, peoples_choice: bool) -> dict:
    how = "as the people's choice" if peoples_choice else ""
    title = linked_title(f"#{idea.id} {idea.text}", idea.permalink)
    return {
        "text": (
            f"🏆 Congratulations! Your idea {title} won the challenge {question(challenge)}"
            f"{' ' + how if how else ''}. `/idea history {idea.id}` shows it."
        )
    }
