"""What a person is answered privately: the help, the leaderboards, their own ideas, and what
they typed, handed back when it could not be used."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
)

from bot.ideas import anonymity, rules
from bot.ideas.blocks import POST_AS_IDEA_ACTION
from bot.slack.blocks import emoji_list, sections, to_dicts
from bot.slack.text import MESSAGE_BLOCK_LIMIT, escape, truncate


def help_message(
    *, ideas_channel: str, vote_emojis: Sequence[str], unknown: str = "", anonymous: bool = False
) -> dict:
    """Everything a person can do with Lightbulb, as an ephemeral reply; with what sharing
    anonymously means when ANONYMOUS_IDEAS allows it."""
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
        f"(up to {rules.QUICK_IDEA_LIMIT:,} characters).\n"
        "• `/idea`: open a form with room for a summary, the problem it solves and details.\n"
        f"• Vote by reacting with {emoji_list(vote_emojis)} to an idea's post: one vote per "
        "person per idea, and not for your own.\n"
        "• `/idea top` or `/idea top all`: the ideas with the most votes this month, or ever.\n"
        "• `/idea mine`: your ideas, their votes and where they stand.\n"
        "• `/idea search &lt;words&gt;`: find ideas, experiments and learnings, ten at a "
        "time, privately. `/idea learnings &lt;words&gt;`: only what concluded experiments "
        "learned.\n"
        "• ⋯ → *Save as idea* on any Slack message: the form, filled from it, crediting who "
        "said it. ⋯ → *Add to an idea*: quote a message in an idea's thread as evidence.\n"
        "• 🙋 *I can help* on an idea's post: say what you could bring (skills, time, "
        "customers…); its author hears who offered and may invite you to the experiment. "
        "Click it again to change or withdraw your offer.\n"
        "• `/idea experiment [idea number]`, or the 🧪 button on an idea: test it with a "
        "hypothesis, a metric, an end date and a team; the owner and the team post updates "
        "and, at the end, the learning.\n"
        "• `/idea history &lt;number&gt;`: where an idea stands, and every change with its "
        "reason.\n"
        "• `/idea mute &lt;number&gt;` / `/idea unmute &lt;number&gt;`: stop or restart the DMs "
        "about an idea you shared or voted for.\n"
        "• Admins: `/idea status &lt;number&gt; &lt;status&gt; &lt;reason&gt;`, or *Change status* "
        "on the idea.\n"
        "• Admins: `/idea duplicate 3 of 1` closes #3 into #1; its voters choose whether their "
        "votes move. `/idea duplicate undo 3` within 7 days.\n"
        "• `/idea themes`: where the company is going, and who reviews ideas for each theme. "
        "Pick one in the `/idea` form, or with *Pick a theme* in your idea's ⋯ menu. Admins "
        "manage them with `/idea theme add`, `edit &lt;name&gt;`, `archive &lt;name&gt;`.\n"
        '• `/idea challenges`: the open "How might we …?" challenges; answer one with '
        "*Submit an idea* on its card. Admins and theme owners start one with "
        "`/idea challenge`.\n"
        "• `/idea stats [month, quarter, year or a period like 2026-11]`: the programme's "
        "numbers, per department: ideas, people, voters, the funnel, experiments, learnings.\n"
        "• `/idea retry`: post again any of your ideas that Slack could not post earlier.\n"
        "• Every month the best idea, the idea that brought most departments together and the "
        "most useful learning win an award: `/idea help awards` says how they are chosen.\n"
        "• `/idea help`: this message."
    )
    if anonymous:
        body += f"\n• *Share anonymously* in the `/idea` form: {anonymity.WHERE_IT_IS_KEPT}"
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
