"""Similar ideas before posting: "Vote for one of these instead, or post yours anyway".

The same idea posted three times splits its votes three ways. Before an idea is posted, the
search looks for ideas like it (`similar_rules` decides what is like it); the person sees
them once, and then posts theirs with one more click if it is different after all.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from sqlalchemy.exc import SQLAlchemyError

from bot.foundation import claims
from bot.foundation.context import Context
from bot.ideas import replies
from bot.ideas import rules as capture
from bot.search import similar_blocks, similar_rules
from bot.search.similar_blocks import SimilarIdea
from storage import search_rows, votes
from storage.search import Found, search
from storage.vocabulary import OPEN_STATUSES

log = logging.getLogger(__name__)

# Ideas read to find the few that are similar: the best-ranked share the most words.
_CANDIDATES = 25


async def similar_ideas(
    ctx: Context, draft: capture.IdeaDraft, *, author_id: str
) -> list[SimilarIdea]:
    """Up to three posted ideas, still open and not `author_id`'s own (nobody votes for their
    own), that are like `draft`, best match first. Empty when the database fails: the idea
    is then posted, or handed back, as it would have been without this step."""
    wanted, summary = similar_rules.draft_terms(draft.text, draft.problem)
    if len(wanted) < similar_rules.FEWEST_TERMS:
        return []
    try:
        return await _similar(ctx, wanted, summary, author_id)
    except SQLAlchemyError as error:
        log.warning("could not look for similar ideas: %r", error)
        return []


async def _similar(
    ctx: Context, wanted: list[str], summary: list[str], author_id: str
) -> list[SimilarIdea]:
    found: list[SimilarIdea] = []
    async with ctx.db.session() as session:
        matches = await search(
            session=session,
            terms=wanted,
            kinds={Found.IDEA},
            idea_statuses=OPEN_STATUSES,
            posted_ideas_only=True,
            limit=_CANDIDATES,
        )
        rows = await search_rows.rows_of(session=session, matches=matches)
        for match in matches:
            idea = rows.ideas.get(match.id)
            if idea is None or idea.id is None or idea.author_id == author_id:
                continue
            if similar_rules.is_similar(wanted, summary, f"{idea.text}\n{idea.problem or ''}"):
                found.append(SimilarIdea(idea.id, idea.text, idea.permalink, idea.status, 0))
            if len(found) == similar_rules.SHOWN:
                break
        counts = await votes.vote_counts(session=session, idea_ids=[i.id for i in found])
    return [replace(idea, votes=counts.get(idea.id, 0)) for idea in found]


async def form_to_show(
    ctx: Context, draft: capture.IdeaDraft, *, author_id: str
) -> tuple[capture.IdeaDraft, str] | None:
    """For a submitted idea form: the draft to rebuild the form from (remembering what was
    shown) and the notice listing the similar ideas; None when the idea can be posted (none
    are similar, or they were shown already)."""
    if draft.similar_shown:
        return None
    found = await similar_ideas(ctx, draft, author_id=author_id)
    if not found:
        return None
    shown = replace(draft, similar_shown=tuple(idea.id for idea in found))
    return shown, similar_blocks.form_notice(found)


async def quick_idea_offer(ctx: Context, *, author_id: str, text: str, key: str) -> dict | None:
    """For `/idea <text>`: the private answer listing similar ideas, with **Post mine
    anyway** (carrying `text`, posted once per `key`) and **Cancel**; None when none are
    similar."""
    found = await similar_ideas(ctx, capture.IdeaDraft(text), author_id=author_id)
    if not found:
        return None
    return similar_blocks.quick_offer(found, text=text, key=key)


async def post_anyway(ctx: Context, *, author_id: str, text: str, key: str) -> dict | None:
    """**Post mine anyway**: share the quick idea as `/idea` would have, and say how it went;
    None when this offer's button was clicked before (it posts once)."""
    problem = capture.quick_idea_problem(text)
    if problem is not None:
        return {"text": problem}
    if not await claims.first_click(ctx, key=f"similar-anyway:{key}:{author_id}"):
        return None
    return await replies.share(ctx, author_id=author_id, draft=capture.IdeaDraft(text.strip()))
