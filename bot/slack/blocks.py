"""Block Kit for every message and view Lightbulb shows, built with `slack_sdk.models`
so that Slack's limits are checked before anything is sent."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot import capture, status_rules
from bot.slack import payload
from bot.slack.payload import INPUT_ACTION
from bot.slack.text import (
    MESSAGE_BLOCK_LIMIT,
    NOTIFICATION_TEXT_LIMIT,
    escape,
    slack_length,
    split_escaped,
    truncate,
)
from storage.models import Idea

IDEA_FORM_CALLBACK = "idea_form"
START_EXPERIMENT_ACTION = "idea_start_experiment"
CHANGE_STATUS_ACTION = "idea_change_status"
POST_AS_IDEA_ACTION = "idea_post_anyway"


def sections(mrkdwn: str) -> list[Block]:
    """Already-escaped mrkdwn as one or more sections, each within Slack's length limit."""
    return [SectionBlock(text=MarkdownTextObject(text=chunk)) for chunk in split_escaped(mrkdwn)]


def emoji_list(names: Iterable[str]) -> str:
    return " or ".join(f":{name}:" for name in names)


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
) -> list[Block]:
    """The idea as posted in the ideas channel: what it is, who shared it, where it stands,
    how to vote, and its votes so far. A closed idea keeps its votes and takes no more."""
    blocks: list[Block] = []
    if "\n" not in text and slack_length(text) <= capture.SUMMARY_LIMIT:
        # plain_text is never parsed for mentions or links, so it needs no escaping.
        blocks.append(HeaderBlock(text=PlainTextObject(text=f"💡 {text}", emoji=True)))
    else:
        blocks.extend(sections(f":bulb: {escape(text)}"))
    if problem:
        blocks.extend(sections(f"*The problem it solves*\n{escape(problem)}"))
    if details:
        blocks.extend(sections(f"*Details*\n{escape(details)}"))
    closed = status in status_rules.CLOSED
    badge = status_rules.BADGES.get(status, status)
    how_to_vote = (
        f"{badge}: votes are closed, and the ones it got are kept."
        if closed
        else f"Vote with {emoji_list(vote_emojis)} on this post: one vote per person."
    )
    standing = f" · {badge}" if status != status_rules.NEW and not closed else ""
    owner = f" · owner <@{owner_id}>" if owner_id else ""
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Idea #{idea_id} · shared by <@{author_id}>{standing}{owner} · "
                    f"{how_to_vote}"
                )
            ]
        )
    )
    buttons = [
        ButtonElement(text="Change status", action_id=CHANGE_STATUS_ACTION, value=str(idea_id))
    ]
    if not closed:
        buttons.insert(
            0,
            ButtonElement(
                text="🧪 Start experiment", action_id=START_EXPERIMENT_ACTION, value=str(idea_id)
            ),
        )
    blocks.append(ActionsBlock(elements=buttons))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=vote_line(votes, voter_names))]))
    return blocks[:MESSAGE_BLOCK_LIMIT]


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
    idea: Idea, *, vote_emojis: Sequence[str], votes: int = 0, voter_names: Sequence[str] = ()
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
        ),
    }


def idea_notification(*, text: str, author_id: str) -> str:
    """The fallback text Slack shows in notifications; it is mrkdwn, so it is escaped too."""
    return f"New idea from <@{author_id}>: {escape(truncate(text, NOTIFICATION_TEXT_LIMIT))}"


def _input(
    block_id: str,
    label: str,
    *,
    placeholder: str,
    max_length: int,
    multiline: bool,
    optional: bool = False,
    initial: str = "",
    hint: str | None = None,
) -> InputBlock:
    element = PlainTextInputElement(
        action_id=INPUT_ACTION,
        placeholder=placeholder,
        multiline=multiline,
        max_length=max_length,
        initial_value=initial[:max_length] or None,
    )
    return InputBlock(
        block_id=block_id,
        label=label,
        element=element,
        optional=optional,
        hint=hint,
    )


def idea_form(draft: capture.IdeaDraft | None = None, *, notice: str | None = None) -> View:
    """The `/idea` form. `draft` prefills it so that nothing a person typed is lost."""
    draft = draft or capture.IdeaDraft(text="")
    blocks: list[Block] = []
    if notice:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=notice)))
    blocks += [
        _input(
            capture.FORM_SUMMARY,
            "Your idea, in one line",
            placeholder="e.g. A shared on-call calendar in Slack",
            max_length=capture.SUMMARY_LIMIT,
            multiline=False,
            initial=draft.text,
        ),
        _input(
            capture.FORM_PROBLEM,
            "The problem it solves",
            placeholder="Who has this problem, and what does it cost them today?",
            max_length=capture.PROBLEM_LIMIT,
            multiline=True,
            initial=draft.problem,
        ),
        _input(
            capture.FORM_DETAILS,
            "Details",
            placeholder="How it could work, links, first steps…",
            max_length=capture.DETAILS_LIMIT,
            multiline=True,
            optional=True,
            initial=draft.details,
            hint="Everyone in the ideas channel will see this idea and can vote for it.",
        ),
    ]
    return View(
        type="modal",
        callback_id=IDEA_FORM_CALLBACK,
        title=PlainTextObject(text="New idea"),
        submit=PlainTextObject(text="Share idea"),
        close=PlainTextObject(text="Cancel"),
        blocks=blocks,
    )


def form_values(view: dict) -> capture.IdeaDraft:
    """Read the form's fields out of a `view_submission` payload's `view`."""
    return capture.IdeaDraft(
        text=payload.text_input(view, capture.FORM_SUMMARY),
        problem=payload.text_input(view, capture.FORM_PROBLEM),
        details=payload.text_input(view, capture.FORM_DETAILS),
    )


def help_message(*, ideas_channel: str, vote_emojis: Sequence[str], unknown: str = "") -> dict:
    """Everything a person can do with Lightbulb, as an ephemeral reply."""
    intro = ""
    if unknown:
        intro = (
            f"I don't know `/idea {escape(unknown)}`. If it is an idea, post it with the button "
            "(or describe it in a few more words, like `/idea Free fruit on Fridays`). "
            "Here is what I can do:"
        )
    body = (
        "*Lightbulb turns ideas into action.*\n"
        f"• `/idea &lt;your idea&gt;`: post an idea to <#{ideas_channel}> "
        f"(up to {capture.QUICK_IDEA_LIMIT:,} characters).\n"
        "• `/idea`: open a form with room for a summary, the problem it solves and details.\n"
        f"• Vote by reacting with {emoji_list(vote_emojis)} to an idea's post: one vote per "
        "person per idea, and not for your own.\n"
        "• `/idea top` or `/idea top all`: the ideas with the most votes this month, or ever.\n"
        "• `/idea mine`: your ideas, their votes and where they stand.\n"
        "• `/idea experiment [idea number]`, or the 🧪 button on an idea: test it with a "
        "hypothesis, a metric and an end date; the owner posts updates and, at the end, "
        "the learning.\n"
        "• `/idea history &lt;number&gt;`: where an idea stands, and every change with its "
        "reason.\n"
        "• `/idea mute &lt;number&gt;` / `/idea unmute &lt;number&gt;`: stop or restart the DMs "
        "about an idea you shared or voted for.\n"
        "• Admins: `/idea status &lt;number&gt; &lt;status&gt; &lt;reason&gt;`, or *Change status* "
        "on the idea.\n"
        "• `/idea retry`: post again any of your ideas that Slack could not post earlier.\n"
        "• Every month the best idea, the idea that brought most departments together and the "
        "most useful learning win an award: `/idea help awards` says how they are chosen.\n"
        "• `/idea help`: this message."
    )
    blocks: list[Block] = []
    if unknown:
        # One word may be an idea after all ("Kanban"): one click posts it, nothing retyped.
        post_anyway = ButtonElement(
            text="Post it as an idea anyway", action_id=POST_AS_IDEA_ACTION, value=unknown
        )
        blocks += [*sections(intro), ActionsBlock(elements=[post_anyway])]
    blocks += [*sections(body), DividerBlock()]
    blocks.append(
        ContextBlock(elements=[MarkdownTextObject(text="Only you can see this message.")])
    )
    return {"text": f"{intro}\n\n{body}" if intro else body, "blocks": to_dicts(blocks)}


def private_note(mrkdwn: str) -> dict:
    """A reply only the person who asked can see."""
    blocks = [
        *sections(mrkdwn),
        ContextBlock(elements=[MarkdownTextObject(text="Only you can see this message.")]),
    ]
    return {"text": mrkdwn, "blocks": to_dicts(blocks)}


def linked_title(text: str, permalink: str | None, limit: int = 80) -> str:
    """User text on one line, escaped and shortened, linked to its post when there is one."""
    title = escape(truncate(" ".join(text.split()), limit))
    return f"<{permalink}|{title}>" if permalink else title


def _idea_link(idea_id: int, text: str, permalink: str | None) -> str:
    title = escape(truncate(text.replace("\n", " "), 80))
    return f"<{permalink}|{title}>" if permalink else f"{title} (not posted yet)"


def _votes(count: int) -> str:
    return f"{count} vote{'s' if count != 1 else ''}"


def leaderboard_message(
    entries: Sequence[tuple[int, str, str | None, int]], *, label: str, other_period: str
) -> dict:
    """`/idea top`: (idea id, text, permalink, votes) rows, most votes first."""
    if not entries:
        body = (
            f"No ideas {label} yet. Be the first: `/idea &lt;your idea&gt;`. "
            f"Or see `/idea top {other_period}`."
        )
        return {"text": body, "blocks": to_dicts(sections(body))}
    lines = [f"*Top ideas {escape(label)}*"]
    for rank, (idea_id, text, permalink, count) in enumerate(entries, start=1):
        lines.append(
            f"{rank}. {_idea_link(idea_id, text, permalink)} · *{_votes(count)}* · #{idea_id}"
        )
    body = "\n".join(lines)
    footer = f"Also: `/idea top {other_period}`. Only you can see this message."
    blocks = [*sections(body), ContextBlock(elements=[MarkdownTextObject(text=footer)])]
    return {"text": body, "blocks": to_dicts(blocks)}


def my_ideas_message(
    entries: Sequence[tuple[int, str, str | None, int, str]], *, total: int
) -> dict:
    """`/idea mine`: (idea id, text, permalink, votes, status) rows, newest first."""
    if not entries:
        body = (
            "You haven't shared an idea yet. Try `/idea &lt;your idea&gt;`, or `/idea` for the "
            "form."
        )
        return {"text": body, "blocks": to_dicts(sections(body))}
    lines = [f"*Your ideas* ({total})"]
    for idea_id, text, permalink, count, status in entries:
        lines.append(
            f"• {_idea_link(idea_id, text, permalink)} · *{_votes(count)}* · "
            f"{status.replace('_', ' ')} · #{idea_id}"
        )
    if total > len(entries):
        lines.append(f"…and {total - len(entries)} older ones.")
    body = "\n".join(lines)
    return {"text": body, "blocks": to_dicts(sections(body))}


def handed_back(*, problem: str, text: str, next_step: str) -> dict:
    """A private reply that names what is wrong and gives the person their text back."""
    intro = f":warning: {problem} {next_step} Here is what you wrote, so nothing is lost:"
    quoted = "```" + escape(text) + "```"
    blocks = [*sections(intro), *sections(quoted)][:MESSAGE_BLOCK_LIMIT]
    return {"text": intro, "blocks": [block.to_dict() for block in blocks]}


def to_dicts(blocks: Sequence[Block]) -> list[dict]:
    return [block.to_dict() for block in blocks]
