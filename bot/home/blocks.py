"""Block Kit for the App Home: everyone's view with the month's numbers, and the review queue
for admins."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.challenges import blocks as challenge_blocks
from bot.experiments.blocks import days_left
from bot.ideas.anonymity import author_mention, own_mark
from bot.ideas.blocks import CHANGE_STATUS_ACTION, NEW_IDEA_ACTION
from bot.numbers import blocks as number_blocks
from bot.numbers.service import HomeNumbers
from bot.offers import blocks as offer_blocks
from bot.slack.blocks import linked_title, sections
from bot.slack.text import VIEW_BLOCK_LIMIT, escape
from bot.statuses.blocks import badge, idea_title
from bot.themes.rules import overdue_mark
from storage.models import Challenge, Experiment, Idea
from storage.team_models import HelpOffer

REVIEW_PAGE_ACTION = "home_review_page"
MY_IDEAS_SHOWN = 10
TOP_SHOWN = 5
REVIEW_PAGE_SIZE = 10


@dataclass(frozen=True)
class HomeData:
    user_id: str
    is_admin: bool
    today: date
    month: str
    my_ideas: Sequence[tuple[Idea, int]]
    my_ideas_total: int
    my_experiments: Sequence[Experiment]
    top: Sequence[tuple[Idea, int]]
    numbers: HomeNumbers
    review: Sequence[Idea] = ()
    review_total: int = 0
    review_page: int = 0
    # Idea id → days past REVIEW_WITHIN_DAYS, for the ideas in `review` still waiting for
    # their first decision past it.
    overdue: Mapping[int, int] = field(default_factory=dict)
    # The themes a person who is not an admin owns: their review queue is of those themes.
    owned_themes: Sequence[str] = ()
    # Open challenges, the soonest to close first, each with a Submit an idea button.
    open_challenges: Sequence[Challenge] = ()
    # The latest offers of help on the person's ideas (on everyone's, for an admin).
    help_offered: Sequence[tuple[Idea, HelpOffer]] = ()


def _votes(count: int) -> str:
    return f"{count} vote{'' if count == 1 else 's'}"


def _experiment_line(experiment: Experiment, today: date) -> str:
    title = linked_title(experiment.hypothesis, experiment.permalink)
    return f"• #{experiment.id} {title} · {days_left(experiment, today)}"


def home_view(data: HomeData) -> View:
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text="💡 Lightbulb")),
        SectionBlock(
            text=MarkdownTextObject(
                text="Share an idea with `/idea &lt;your idea&gt;` or the button below; vote "
                "with a reaction on any idea's post; test the promising ones as experiments, and "
                "share what you learn. `/idea help` has the rest."
            )
        ),
        ActionsBlock(
            elements=[ButtonElement(text="💡 New idea", action_id=NEW_IDEA_ACTION, style="primary")]
        ),
        DividerBlock(),
    ]
    if data.open_challenges:
        blocks.extend(challenge_blocks.home_section(data.open_challenges, today=data.today))
        blocks.append(DividerBlock())
    if data.my_ideas:
        lines = [
            f"• #{idea.id} {idea_title(idea)} · {badge(idea.status)}{own_mark(idea)} · "
            f"{_votes(votes)}"
            for idea, votes in data.my_ideas[:MY_IDEAS_SHOWN]
        ]
        if data.my_ideas_total > MY_IDEAS_SHOWN:
            lines.append(f"…and {data.my_ideas_total - MY_IDEAS_SHOWN} more: `/idea mine`.")
        blocks.extend(sections("*Your ideas*\n" + "\n".join(lines)))
    else:
        blocks.extend(sections("*Your ideas*\nNone yet. The first one takes ten seconds."))
    if data.my_experiments:
        lines = [_experiment_line(e, data.today) for e in data.my_experiments[:MY_IDEAS_SHOWN]]
        blocks.extend(sections("*Your experiments*\n" + "\n".join(lines)))
    blocks.extend(offer_blocks.home_section(data.help_offered, everyone=data.is_admin))
    if data.top:
        lines = [
            f"{rank}. {idea_title(idea)} · {_votes(votes)}"
            for rank, (idea, votes) in enumerate(data.top[:TOP_SHOWN], start=1)
        ]
        blocks.extend(sections(f"*Top ideas in {data.month}*\n" + "\n".join(lines)))
    blocks.append(DividerBlock())
    blocks.extend(number_blocks.home_section(data.numbers.month, data.numbers.trend))
    if data.is_admin or data.owned_themes:
        blocks.extend(_review(data))
    return View(type="home", blocks=blocks[:VIEW_BLOCK_LIMIT])


def _review(data: HomeData) -> list[Block]:
    blocks: list[Block] = [DividerBlock()]
    if not data.review_total:
        blocks.extend(sections("*Waiting for review*\nNothing: every idea has an answer. 🎉"))
        return blocks
    first = data.review_page * REVIEW_PAGE_SIZE + 1
    last = first + len(data.review) - 1
    blocks.extend(
        sections(
            f"*Waiting for review* ({data.review_total}, oldest first; showing {first}–{last})"
        )
    )
    for idea in data.review:
        late = data.overdue.get(idea.id or 0)
        mark = f" · {overdue_mark(late)}" if late else ""
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"#{idea.id} {idea_title(idea, 120)} · {badge(idea.status)} · "
                    f"shared {idea.created_at:%-d %b} by {author_mention(idea.author_id)}{mark}"
                ),
                accessory=ButtonElement(
                    text="Change status", action_id=CHANGE_STATUS_ACTION, value=str(idea.id)
                ),
            )
        )
    pages = []
    if data.review_page > 0:
        pages.append(
            ButtonElement(
                text="← Older",
                action_id=f"{REVIEW_PAGE_ACTION}_prev",
                value=str(data.review_page - 1),
            )
        )
    if last < data.review_total:
        pages.append(
            ButtonElement(
                text="Newer →",
                action_id=f"{REVIEW_PAGE_ACTION}_next",
                value=str(data.review_page + 1),
            )
        )
    if pages:
        blocks.append(ActionsBlock(elements=pages))
    who = (
        "Only admins see this part of the Home tab."
        if data.is_admin
        else "The ideas in the themes you own: " + ", ".join(map(escape, data.owned_themes)) + "."
    )
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=who)]))
    return blocks
