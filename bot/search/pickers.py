"""The options of the searchable idea menus (`external_select`): what Slack lists as someone
types in the experiment form's idea field or the **Add to an idea** form.

Typed `12` or `#12` puts idea #12 first; words search ideas as `/idea search` does; nothing
typed (or only little words) lists the newest open ideas. Only ideas that are in Slack are
offered: the others have no post to link or thread under.
"""

from __future__ import annotations

from slack_sdk.models.blocks import Option

from bot.core.typed import parse_id
from bot.foundation.context import Context
from bot.search.rules import terms
from bot.slack.blocks import OPTION_TEXT_LIMIT
from bot.slack.text import truncate
from storage import idea_choices
from storage.idea_choices import IdeaChoice
from storage.search import Found, search
from storage.vocabulary import CLOSED_STATUSES, OPEN_STATUSES

# Slack takes up to 100 options; a menu people scroll reads best short. Typing narrows it.
SHOWN = 20


async def idea_options(ctx: Context, typed: str, *, closed_too: bool = False) -> list[dict]:
    """Up to SHOWN options for what was typed, the value of each the idea's number. Closed
    ideas are offered only with `closed_too` (evidence may still matter to a parked idea; an
    experiment on a closed one makes no sense), then marked with their status."""
    statuses = None if closed_too else OPEN_STATUSES
    number = parse_id(typed)
    words = terms(typed)
    async with ctx.db.session() as session:
        first = []
        if number is not None:
            first = await idea_choices.posted_ideas(
                session=session, ids=[number], statuses=statuses
            )
        if words:
            matches = await search(
                session=session,
                terms=words,
                kinds={Found.IDEA},
                idea_statuses=statuses,
                posted_ideas_only=True,
                limit=SHOWN,
            )
            found = await idea_choices.posted_ideas(
                session=session, ids=[match.id for match in matches], statuses=statuses
            )
        else:
            found = await idea_choices.newest_posted_ideas(
                session=session, limit=SHOWN, statuses=OPEN_STATUSES
            )
    chosen = list({choice.id: choice for choice in [*first, *found]}.values())[:SHOWN]
    return [option(choice).to_dict() for choice in chosen]


def option(choice: IdeaChoice) -> Option:
    """`#12 Free fruit on Fridays`, on one line and within Slack's 75 characters; a closed
    idea says so at the end. Option text is plain: nothing in it needs escaping."""
    summary = " ".join(choice.text.split())
    closed = f" ({choice.status})" if choice.status in CLOSED_STATUSES else ""
    text = truncate(f"#{choice.id} {summary}", OPTION_TEXT_LIMIT - len(closed)) + closed
    return Option(value=str(choice.id), text=text)
