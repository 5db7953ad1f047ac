"""Block Kit for an idea's post: its summary, problem and details, its status, the vote
count with the first voters' names, and its buttons."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    Option,
    OverflowMenuElement,
    PlainTextObject,
)

from bot.core.typed import text_length
from bot.ideas import rules as capture
from bot.ideas.anonymity import author_mention, is_anonymous_id
from bot.slack.blocks import emoji_list, sections
from bot.slack.text import (
    MESSAGE_BLOCK_LIMIT,
    NOTIFICATION_TEXT_LIMIT,
    escape,
    truncate,
)
from bot.statuses import rules as status_rules
from storage.ideas import IdeaPlace
from storage.models import Idea
from storage.sources import ShownSource

NEW_IDEA_ACTION = "home_new_idea"
START_EXPERIMENT_ACTION = "idea_start_experiment"
# "🙋 I can help": opens the offer form (`bot.offers`); its value is the idea id.
OFFER_HELP_ACTION = "idea_offer_help"
CHANGE_STATUS_ACTION = "idea_change_status"
POST_AS_IDEA_ACTION = "idea_post_anyway"
# The post's ⋯ menu; each option's value is `<what>:<idea id>`.
IDEA_MENU_ACTION = "idea_menu"
PICK_THEME = "pick_theme"


def idea_post(
    *,
    idea_id: int,
    text: str,
    author_id: str,
    vote_emojis: Sequence[str],
    problem: str | None = None,
    details: str | None = None,
    votes: int = 0,
    voter_names: Sequence[str] = (),
    status: str = "new",
    owner_id: str | None = None,
    place: IdeaPlace | None = None,
    won: bool = False,
    help_departments: Sequence[str | None] = (),
) -> list[Block]:
    """The idea as posted in the ideas channel: what it is, who shared it, where it stands,
    how to vote, its votes so far and who offered help (one department, or None, per
    standing offer). A closed idea keeps its votes and offers and takes no more."""
    blocks: list[Block] = []
    if "\n" not in text and text_length(text) <= capture.SUMMARY_LIMIT:
        # plain_text is never parsed for mentions or links, so it needs no escaping.
        blocks.append(HeaderBlock(text=PlainTextObject(text=f"💡 {text}", emoji=True)))
    else:
        blocks.extend(sections(f":bulb: {escape(text)}"))
    if problem:
        blocks.extend(sections(f"*The problem it solves*\n{escape(problem)}"))
    if details:
        blocks.extend(sections(f"*Details*\n{escape(details)}"))
    from_where = source_line(place.source, author_id=author_id) if place else ""
    if from_where:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=from_where)]))
    pointing = place_line(place or IdeaPlace(), won=won)
    if pointing:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=pointing)]))
    closed = status in status_rules.CLOSED
    badge = status_rules.badge(status)
    how_to_vote = (
        f"{badge}: votes are closed, and the ones it got are kept."
        if closed
        else f"Vote with {emoji_list(vote_emojis)} on this post: one vote per person."
    )
    if place is not None and place.duplicate_of:
        # Closed as a duplicate (`bot.duplicates`): its voters were asked to move their votes.
        link = place.duplicate_link
        original = f"<{link}|#{place.duplicate_of}>" if link else f"#{place.duplicate_of}"
        how_to_vote = f"🔁 Duplicate of {original}: vote there; votes here can move to it."
    standing = f" · {badge}" if status != status_rules.NEW and not closed else ""
    owner = f" · owner <@{owner_id}>" if owner_id else ""
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Idea #{idea_id} · shared by {author_mention(author_id)}"
                    f"{standing}{owner} · "
                    f"{how_to_vote}"
                )
            ]
        )
    )
    buttons: list[ButtonElement | OverflowMenuElement] = [
        ButtonElement(text="Change status", action_id=CHANGE_STATUS_ACTION, value=str(idea_id))
    ]
    if not closed:
        buttons[:0] = [
            ButtonElement(text="🙋 I can help", action_id=OFFER_HELP_ACTION, value=str(idea_id)),
            ButtonElement(
                text="🧪 Start experiment", action_id=START_EXPERIMENT_ACTION, value=str(idea_id)
            ),
        ]
    buttons.append(
        OverflowMenuElement(
            action_id=IDEA_MENU_ACTION,
            options=[Option(text="🏷️ Pick a theme", value=f"{PICK_THEME}:{idea_id}")],
        )
    )
    blocks.append(ActionsBlock(elements=buttons))
    standing_line = vote_line(votes, voter_names)
    helping = capture.help_line(help_departments)
    if helping:
        # Department names are people's profile text: escaped like any.
        standing_line += f" · 🙋 {escape(helping)}"
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=standing_line)]))
    return blocks[:MESSAGE_BLOCK_LIMIT]


def place_line(place: IdeaPlace, *, won: bool = False) -> str:
    """`🏆 Challenge winner · :rocket: Customer love · 🏁 Answers <link|How might we …?>`."""
    parts = [":trophy: *Challenge winner*"] if won else []
    if place.theme:
        archived = " (archived)" if place.theme_archived else ""
        emoji = f":{place.theme_emoji}: " if place.theme_emoji else ""
        parts.append(f"{emoji}Theme: *{escape(place.theme)}*{archived}")
    if place.challenge:
        question = escape(truncate(place.challenge, 150))
        link = f"<{place.challenge_link}|{question}>" if place.challenge_link else question
        parts.append(f":checkered_flag: Answers challenge #{place.challenge_id}: {link}")
    return " · ".join(parts)


def source_line(source: ShownSource | None, *, author_id: str) -> str:
    """Where an idea saved from a message came from: the channel, the link and who said it
    for a public channel; for anything else, only that it was a private conversation."""
    if source is None:
        return ""
    if not source.public:
        return ":speech_balloon: From a private conversation"
    conversation = f"<{source.permalink}|a conversation>" if source.permalink else "a conversation"
    line = f":speech_balloon: From {conversation} in <#{source.channel_id}>"
    # Not on an anonymous idea: whoever said it may be who saved it.
    if source.author_id and source.author_id != author_id and not is_anonymous_id(author_id):
        line += f" · said by <@{source.author_id}>"
    return line


def vote_line(votes: int, voter_names: Sequence[str]) -> str:
    """`*3 votes* · Ana, Bo and 1 more`, with names as plain (escaped) text so that
    updating the count never pings anyone."""
    if votes == 0:
        return "No votes yet: be the first."
    counted = f"*{votes} vote{'s' if votes != 1 else ''}*"
    names = [escape(name) for name in voter_names[:votes]]
    if not names:
        return counted
    others = votes - len(names)
    listed = ", ".join(names)
    if others:
        listed += f" and {others} more"
    return f"{counted} · {truncate(listed, 1000)}"


def idea_message(
    idea: Idea,
    *,
    vote_emojis: Sequence[str],
    votes: int = 0,
    voter_names: Sequence[str] = (),
    place: IdeaPlace | None = None,
    help_departments: Sequence[str | None] = (),
) -> dict:
    """`text` and `blocks` for posting or updating an idea's post."""
    return {
        "text": idea_notification(text=idea.text, author_id=idea.author_id),
        "blocks": idea_post(
            idea_id=idea.id or 0,
            text=idea.text,
            author_id=idea.author_id,
            vote_emojis=vote_emojis,
            problem=idea.problem,
            details=idea.details,
            votes=votes,
            voter_names=voter_names,
            status=idea.status,
            owner_id=idea.owner_id,
            place=place,
            won=idea.challenge_won_at is not None,
            help_departments=help_departments,
        ),
    }


def idea_notification(*, text: str, author_id: str) -> str:
    """The fallback text Slack shows in notifications; it is mrkdwn, so it is escaped too."""
    return (
        f"New idea from {author_mention(author_id)}: "
        f"{escape(truncate(text, NOTIFICATION_TEXT_LIMIT))}"
    )
