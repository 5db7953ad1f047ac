"""Block Kit for a challenge's launch: its card, the entries in its thread, the confirmation to
whoever started it, and the `/idea challenges` list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.challenges import rules
from bot.ideas.anonymity import author_mention
from bot.slack.blocks import linked_title, sections, to_dicts
from bot.slack.text import HEADER_TEXT_LIMIT, escape, truncate
from storage.challenges import Turnout
from storage.models import Challenge, Idea, Theme
from storage.vocabulary import ChallengeStatus

SUBMIT_ACTION = "challenge_submit"
DEFAULT_EMOJI = "dart"
CLOSED_NOTE = "Closed: voting on its ideas goes on"


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def turnout_line(turnout: Turnout) -> str:
    """ "3 ideas · 7 voters"."""
    return f"{_plural(turnout.ideas, 'idea')} · {_plural(turnout.voters, 'voter')}"


def emoji_of(theme: Theme | None) -> str:
    return f":{theme.emoji if theme and theme.emoji else DEFAULT_EMOJI}:"


def submit_button(challenge: Challenge) -> ButtonElement:
    return ButtonElement(
        text="💡 Submit an idea",
        action_id=SUBMIT_ACTION,
        value=str(challenge.id),
        style="primary",
    )


def card(
    challenge: Challenge,
    *,
    theme: Theme | None,
    turnout: Turnout,
    today: date,
    winners: Sequence[Idea] = (),
) -> dict:
    """The challenge's card, drawn from its status: open cards take ideas (a scheduled one is
    drawn as it will be once posted, open), closed ones say that voting goes on, decided ones
    name their winners."""
    is_open = challenge.status in (ChallengeStatus.SCHEDULED, ChallengeStatus.OPEN)
    header = truncate(
        f"{emoji_of(theme)} {' '.join(challenge.question.split())}", HEADER_TEXT_LIMIT
    )
    facts = [f"*Sponsor:* <@{challenge.sponsor_id}>"]
    if theme is not None:
        facts.append(f"*Theme:* {emoji_of(theme)} {escape(theme.name)}")
    if is_open:
        facts.append(f"*{rules.deadline(challenge.closes_on, today=today)}*")
    elif challenge.status == ChallengeStatus.DECIDED:
        facts.append(decided_line(winners))
    else:
        facts.append(f"*{CLOSED_NOTE}.*")
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=header)),
        *sections(f"*Why it matters*\n{escape(challenge.why)}"),
        *sections(f"*How success will be judged*\n{escape(challenge.judged_by)}"),
        *sections("\n".join(facts)),
    ]
    if is_open:
        blocks.append(ActionsBlock(block_id="challenge", elements=[submit_button(challenge)]))
    how = (
        "Ideas are listed in this thread; vote with a reaction on each idea's post."
        if is_open
        else "Its ideas are listed in this thread."
    )
    blocks.append(
        ContextBlock(elements=[MarkdownTextObject(text=f"*{turnout_line(turnout)}* · {how}")])
    )
    text = f"Challenge: {truncate(' '.join(challenge.question.split()), 200)}"
    return {"text": escape(text), "blocks": to_dicts(blocks)}


def decided_line(winners: Sequence[Idea]) -> str:
    """ "🏆 Winners: #12 Summary by @author, …", or that it closed without one."""
    if not winners:
        return "*Closed without a winner.*"
    named = ", ".join(
        f"{linked_title(f'#{idea.id} {idea.text}', idea.permalink, 60)} by "
        f"{author_mention(idea.author_id)}"
        for idea in winners
    )
    return f":trophy: *Winner{'s' if len(winners) > 1 else ''}:* {named}"


def entry_reply(idea: Idea) -> dict:
    """ "💡 #12 Summary by @author", linked to the idea's post, in the card's thread."""
    title = linked_title(f"#{idea.id} {idea.text}", idea.permalink)
    text = f"💡 {title} by {author_mention(idea.author_id)}"
    return {"text": text, "blocks": to_dicts(sections(text))}


def _question(challenge: Challenge, limit: int = 120) -> str:
    return linked_title(challenge.question, challenge.permalink, limit)


def opened(challenge: Challenge) -> dict:
    """To whoever started it, once its card is posted."""
    text = (
        f":dart: Your challenge is open: {_question(challenge)} is posted in "
        f"<#{challenge.channel_id}>. Ideas submitted to it are listed in its thread."
    )
    return {"text": text}


def scheduled(challenge: Challenge, *, posted_error: str | None = None) -> dict:
    """To whoever started it, when its card is posted later: on its opening day, or, when
    Slack did not take it just now, by itself within a few minutes."""
    question = escape(truncate(" ".join(challenge.question.split()), 120))
    if posted_error:
        text = (
            f":hourglass: Your challenge “{question}” is saved, but Slack didn't take its card "
            f"just now (`{posted_error}`). It is posted in <#{challenge.target_channel}> by "
            "itself within a few minutes once Slack does: no need to start it again."
        )
    else:
        text = (
            f":calendar: Your challenge “{question}” is saved. Its card is posted in "
            f"<#{challenge.target_channel}> on {challenge.opens_on:%A %-d %B} at "
            f"{rules.OPENING_TIME:%H:%M}; it closes on {challenge.closes_on:%A %-d %B}."
        )
    return {"text": text}


def listing(
    *,
    open_now: Sequence[Challenge],
    soon: Sequence[Challenge],
    turnouts: Mapping[int, Turnout],
    today: date,
) -> dict:
    """`/idea challenges`: what is open (with its turnout) and what opens soon."""
    if not open_now and not soon:
        text = (
            "No challenges are open right now. Admins and theme owners start one with "
            "`/idea challenge`; meanwhile, share any idea with `/idea`."
        )
        return {"text": text, "blocks": to_dicts(sections(text))}
    lines: list[str] = []
    if open_now:
        lines.append("*Open challenges*")
        for challenge in open_now:
            turnout = turnouts.get(challenge.id or 0, Turnout(0, 0))
            lines.append(
                f"• {_question(challenge)}\n   sponsor <@{challenge.sponsor_id}> · "
                f"{rules.deadline(challenge.closes_on, today=today)} · {turnout_line(turnout)}"
            )
        lines.append("Click *Submit an idea* on a card, or pick the challenge in the `/idea` form.")
    if soon:
        lines.append("*Opening soon*")
        lines += [
            f"• {_question(challenge)} · opens {challenge.opens_on:%A %-d %B}" for challenge in soon
        ]
    text = "\n".join(lines)
    return {"text": text, "blocks": to_dicts(sections(text))}


HOME_SHOWN = 5


def home_section(open_now: Sequence[Challenge], *, today: date) -> list[Block]:
    """The Home tab's "Open challenges": each question with its deadline and a button."""
    if not open_now:
        return []
    blocks: list[Block] = [*sections("*Open challenges*")]
    for challenge in open_now[:HOME_SHOWN]:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"{_question(challenge)}\n"
                    f"{rules.deadline(challenge.closes_on, today=today)}"
                ),
                accessory=submit_button(challenge),
            )
        )
    if len(open_now) > HOME_SHOWN:
        blocks.extend(sections(f"…and {len(open_now) - HOME_SHOWN} more: `/idea challenges`."))
    return blocks
