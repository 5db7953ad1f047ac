"""What people read about themes: the `/idea themes` list, the admins' confirmations, and the
owner's weekly DM of ideas waiting for a first decision."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.ideas.anonymity import author_mention
from bot.ideas.blocks import CHANGE_STATUS_ACTION
from bot.slack.blocks import linked_title, sections, to_dicts
from bot.slack.text import MESSAGE_BLOCK_LIMIT, escape, truncate
from bot.themes import rules
from storage.models import Idea, Theme

VISION_SHOWN = 300
# Each idea is a section with its button; the rest of the DM takes a handful of blocks.
REVIEW_IDEAS_SHOWN = 40


def label(theme: Theme) -> str:
    """`:rocket: *Customer love*`, with " (archived)" when it is."""
    archived = " (archived)" if theme.archived_at is not None else ""
    return f":{theme.emoji}: *{escape(theme.name)}*{archived}"


def plain_label(theme: Theme) -> str:
    """`:rocket: *Customer love*`, whether archived or not."""
    return f":{theme.emoji}: *{escape(theme.name)}*"


def _ideas(count: int) -> str:
    return f"{count} idea{'' if count == 1 else 's'}"


def theme_list(themes: Sequence[Theme], counts: Mapping[int, int]) -> str:
    """`/idea themes`: the active themes in full, the archived ones in a line."""
    active = [theme for theme in themes if theme.archived_at is None]
    archived = [theme for theme in themes if theme.archived_at is not None]
    if not active and not archived:
        return (
            "There are no themes yet. Admins add one with `/idea theme add`: a name, how it "
            "serves the company's vision, and an owner who reviews its ideas."
        )
    lines = [f"*Themes* ({len(active)})" if active else "*No active themes.*"]
    for theme in active:
        lines.append(
            f"{label(theme)} · owner <@{theme.owner_id}> · {_ideas(counts.get(theme.id or 0, 0))}"
            f"\n>{escape(truncate(' '.join(theme.vision.split()), VISION_SHOWN))}"
        )
    if archived:
        shown = ", ".join(
            f":{theme.emoji}: {escape(theme.name)} ({_ideas(counts.get(theme.id or 0, 0))})"
            for theme in archived
        )
        lines.append(f"_Archived_ (their ideas keep them): {shown}")
    lines.append("Point an idea at a theme in the `/idea` form, or with ⋯ on its post.")
    return "\n".join(lines)


def unknown_theme(name: str, themes: Sequence[Theme]) -> str:
    names = ", ".join(f"`{escape(theme.name)}`" for theme in themes)
    known = f"The themes are: {names}." if themes else "There are no themes yet."
    return f"There is no theme called “{escape(name)}”. {known}"


def saved(theme: Theme, *, new: bool) -> str:
    done = "added" if new else "saved"
    return (
        f":white_check_mark: Theme {label(theme)} is {done}. <@{theme.owner_id}> reviews its "
        "ideas. People can pick it in the `/idea` form; `/idea themes` lists it."
    )


def now_owner(theme: Theme, *, by: str) -> str:
    """The DM to a theme's new owner."""
    return (
        f":wave: <@{by}> made you the owner of the theme {label(theme)}.\n"
        f">{escape(truncate(theme.vision, VISION_SHOWN))}\n"
        "Each new idea in it needs your first decision (*Change status* on its post); every "
        "week I send you what is waiting."
    )


def archived_reply(theme: Theme, ideas: int) -> str:
    return (
        f":file_cabinet: Theme {plain_label(theme)} is archived: it is out of the pickers, and its "
        f"{_ideas(ideas)} keep it, marked “(archived)”. "
        f"`/idea theme unarchive {escape(theme.name)}` brings it back."
    )


def unarchived_reply(theme: Theme, ideas: int) -> str:
    return (
        f":white_check_mark: Theme {label(theme)} is back in the pickers, with its {_ideas(ideas)}."
    )


@dataclass(frozen=True)
class Waiting:
    """An idea waiting for its owner's first decision, and where it stands against the time."""

    idea: Idea
    theme: Theme
    waited: int  # days since it was shared
    overdue: int | None  # days past the time to decide, when it is past


def _waiting_line(item: Waiting, within: int) -> str:
    idea = item.idea
    if item.overdue is not None:
        when = rules.overdue_mark(item.overdue)
    else:
        left = within - item.waited
        when = f"{left} day{'' if left == 1 else 's'} left" if left else "due today"
    return (
        f"#{idea.id} {linked_title(idea.text, idea.permalink, 120)} · :{item.theme.emoji}: "
        f"{escape(item.theme.name)} · shared by {author_mention(idea.author_id)} · {when}"
    )


def review_dm(items: Sequence[Waiting], *, within: int) -> dict:
    """One DM to a theme owner: the overdue ideas first, then the others waiting."""
    overdue = [item for item in items if item.overdue is not None]
    waiting = [item for item in items if item.overdue is None]
    head = (
        f":inbox_tray: *{_ideas(len(items))} in your themes "
        f"{'is' if len(items) == 1 else 'are'} waiting for your first decision*"
    )
    if overdue:
        head += f", {len(overdue)} of {'it' if len(items) == 1 else 'them'} overdue"
    blocks: list[Block] = [
        *sections(
            f"{head}.\nLightbulb promises a first decision within {within} days of sharing. "
            "*Change status* tells the author and voters, with your reason."
        )
    ]
    shown = 0
    for title, group in (("*Overdue*", overdue), ("*Waiting*", waiting)):
        if not group:
            continue
        blocks.extend(sections(f"{title} ({len(group)})"))
        for item in group[: REVIEW_IDEAS_SHOWN - shown]:
            blocks.append(
                SectionBlock(
                    text=MarkdownTextObject(text=_waiting_line(item, within)),
                    accessory=ButtonElement(
                        text="Change status",
                        action_id=CHANGE_STATUS_ACTION,
                        value=str(item.idea.id),
                    ),
                )
            )
            shown += 1
    if shown < len(items):
        blocks.extend(sections(f"…and {len(items) - shown} more, oldest shown first."))
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(text="You get this because you own a theme: `/idea themes`.")
            ]
        )
    )
    text = f"{_ideas(len(items))} waiting for your first decision"
    if overdue:
        text += f" ({len(overdue)} overdue)"
    return {"text": text, "blocks": to_dicts(blocks[:MESSAGE_BLOCK_LIMIT])}
