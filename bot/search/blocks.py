"""What `/idea search` and `/idea learnings` answer: a page of matches, one line each, with
buttons to the next and previous pages; and the answers when there is nothing to show."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
)

from bot.experiments.blocks import OUTCOME_LABELS
from bot.search.rules import NOTHING_TO_SEARCH, terms
from bot.slack.blocks import linked_title, sections, to_dicts
from bot.slack.text import MESSAGE_BLOCK_LIMIT, escape

PAGE_SIZE = 10
NEXT_ACTION = "search_page_next"
PREVIOUS_ACTION = "search_page_previous"
# Nobody reads a thousand pages: a button value claiming more was not made by Lightbulb.
_DEEPEST_OFFSET = 10_000
_ONLY_YOU = "Only you can see this message."
_TITLE_LIMIT = 80


@dataclass(frozen=True)
class PageRequest:
    """One page of one search: the words as `terms` kept them, joined by spaces (so a page
    button's value stays far under Slack's 2,000 characters), and where the page starts."""

    words: str
    offset: int = 0
    learnings: bool = False


def page_value(request: PageRequest) -> str:
    return json.dumps(
        {"words": request.words, "offset": request.offset, "learnings": request.learnings}
    )


def parse_page_value(value: str) -> PageRequest | None:
    """The page a button asks for, or None for a value Lightbulb did not make."""
    try:
        data = json.loads(value)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    words, offset, learnings = data.get("words"), data.get("offset"), data.get("learnings")
    if not isinstance(words, str) or not isinstance(learnings, bool):
        return None
    if not isinstance(offset, int) or isinstance(offset, bool):
        return None
    kept = terms(words)
    if not kept or not 0 <= offset <= _DEEPEST_OFFSET:
        return None
    return PageRequest(" ".join(kept), offset, learnings)


def idea_line(*, idea_id: int, text: str, permalink: str | None, status: str, votes: int) -> str:
    plural = "" if votes == 1 else "s"
    return (
        f"💡 *#{idea_id}* {linked_title(text, permalink, _TITLE_LIMIT)} · "
        f"{escape(status.replace('_', ' '))} · *{votes} vote{plural}*"
    )


def experiment_line(
    *, experiment_id: int, hypothesis: str, permalink: str | None, status: str
) -> str:
    return (
        f"🧪 *Experiment #{experiment_id}* {linked_title(hypothesis, permalink, _TITLE_LIMIT)}"
        f" · {escape(status)}"
    )


def learning_line(*, learned: str, permalink: str | None, outcome: str, experiment_id: int) -> str:
    # "✅ Validated: the hypothesis held" → "✅ Validated": the line has room for the verdict.
    verdict = OUTCOME_LABELS.get(outcome, escape(outcome)).split(":", 1)[0]
    return (
        f"📘 *Learning* {linked_title(learned, permalink, _TITLE_LIMIT)} · {verdict} · "
        f"experiment #{experiment_id}"
    )


def results_message(lines: Sequence[str], *, request: PageRequest, has_next: bool) -> dict:
    """A page of matches (at most `PAGE_SIZE` lines), best first."""
    if not lines:
        return _nothing_found(request)
    what = "Learnings" if request.learnings else "Ideas, experiments and learnings"
    first, last = request.offset + 1, request.offset + len(lines)
    heading = f"*{what} matching* `{escape(request.words)}` ({first}–{last})"
    body = "\n".join([heading, *lines])
    blocks: list[Block] = [*sections(body)]
    buttons = _page_buttons(request, has_next=has_next)
    if buttons:
        blocks.append(ActionsBlock(block_id="search_pages", elements=buttons))
    blocks.append(_footer(request))
    return {"text": body, "blocks": to_dicts(blocks)}


def how_to_search(*, learnings: bool) -> dict:
    """`/idea search` or `/idea learnings` with no words."""
    if learnings:
        body = (
            "Look through what concluded experiments learned with a few words: "
            "`/idea learnings pricing page`. `/idea search &lt;words&gt;` also looks through "
            "ideas and experiments."
        )
    else:
        body = (
            "Look through ideas, experiments and learnings with a few words: "
            "`/idea search onboarding checklist`. A word finds its other forms too "
            "(`onboard` finds “onboarding”). `/idea learnings &lt;words&gt;` looks only "
            "through what concluded experiments learned."
        )
    return _note(body)


def nothing_to_search(words: str) -> dict:
    """Only small words or Slack formatting: say so, and give back what was typed."""
    quoted = "You typed:\n```" + escape(words) + "```"
    blocks = [*sections(NOTHING_TO_SEARCH), *sections(quoted)][: MESSAGE_BLOCK_LIMIT - 1]
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_ONLY_YOU)]))
    return {"text": NOTHING_TO_SEARCH, "blocks": to_dicts(blocks)}


def _nothing_found(request: PageRequest) -> dict:
    words = f"`{escape(request.words)}`"
    if request.offset > 0:
        # The matches moved on since the last page (something was deleted or edited).
        body = f"No more matches for {words}."
    elif request.learnings:
        body = (
            f"No learning matches {words} yet. Try fewer or other words, or "
            f"`/idea search {escape(request.words)}` to look through ideas and experiments too."
        )
    else:
        body = (
            f"Nothing matches {words} yet. Try fewer or other words. If it is new, share it: "
            "`/idea &lt;your idea&gt;`."
        )
    blocks: list[Block] = [*sections(body)]
    buttons = _page_buttons(request, has_next=False)
    if buttons:
        blocks.append(ActionsBlock(block_id="search_pages", elements=buttons))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_ONLY_YOU)]))
    return {"text": body, "blocks": to_dicts(blocks)}


def _page_buttons(request: PageRequest, *, has_next: bool) -> list[ButtonElement]:
    buttons = []
    if request.offset > 0:
        back = PageRequest(request.words, max(0, request.offset - PAGE_SIZE), request.learnings)
        buttons.append(
            ButtonElement(text="‹ Previous", action_id=PREVIOUS_ACTION, value=page_value(back))
        )
    if has_next:
        ahead = PageRequest(request.words, request.offset + PAGE_SIZE, request.learnings)
        buttons.append(
            ButtonElement(
                text=f"Next {PAGE_SIZE} ›", action_id=NEXT_ACTION, value=page_value(ahead)
            )
        )
    return buttons


def _footer(request: PageRequest) -> ContextBlock:
    hint = (
        f"`/idea search {escape(request.words)}` looks through ideas and experiments too."
        if request.learnings
        else f"Only what experiments learned: `/idea learnings {escape(request.words)}`."
    )
    return ContextBlock(elements=[MarkdownTextObject(text=f"{hint} {_ONLY_YOU}")])


def _note(mrkdwn: str) -> dict:
    blocks = [*sections(mrkdwn), ContextBlock(elements=[MarkdownTextObject(text=_ONLY_YOU)])]
    return {"text": mrkdwn, "blocks": to_dicts(blocks)}
