"""`/idea search` and `/idea learnings`: the private answer with the best matches, a page at
a time.

Ideas are searched once they are in Slack (a link to follow, votes to count); experiments in
any state; `/idea learnings` keeps what concluded experiments learned and the experiments
themselves.
"""

from __future__ import annotations

from bot.foundation.context import Context
from bot.search import blocks
from bot.search.blocks import PAGE_SIZE, PageRequest
from bot.search.rules import terms
from storage import search_rows, votes
from storage.search import EVERYTHING, Found, Match, search

_LEARNINGS = frozenset({Found.EXPERIMENT, Found.LEARNING})


async def answer(ctx: Context, *, words: str, learnings_only: bool = False) -> dict:
    """The private answer to `/idea search <words>` (or `/idea learnings <words>`)."""
    if not words.strip():
        return blocks.how_to_search(learnings=learnings_only)
    kept = terms(words)
    if not kept:
        return blocks.nothing_to_search(words)
    return await page(ctx, PageRequest(" ".join(kept), 0, learnings_only))


async def page(ctx: Context, request: PageRequest) -> dict:
    """One page of matches; one more is asked for than shown, to know whether a next exists."""
    async with ctx.db.session() as session:
        matches = await search(
            session=session,
            terms=request.words.split(),
            kinds=_LEARNINGS if request.learnings else EVERYTHING,
            posted_ideas_only=True,
            concluded_experiments_only=request.learnings,
            limit=PAGE_SIZE + 1,
            offset=request.offset,
        )
        shown = matches[:PAGE_SIZE]
        rows = await search_rows.rows_of(session=session, matches=shown)
        counts = await votes.vote_counts(session=session, idea_ids=rows.ideas)
    lines = [line for line in (_line(match, rows, counts) for match in shown) if line]
    return blocks.results_message(lines, request=request, has_next=len(matches) > PAGE_SIZE)


def _line(match: Match, rows: search_rows.FoundRows, counts: dict[int, int]) -> str | None:
    """The match's line, or None for a row deleted between the search and the read."""
    if match.kind is Found.IDEA and (idea := rows.ideas.get(match.id)):
        return blocks.idea_line(
            idea_id=match.id,
            text=idea.text,
            permalink=idea.permalink,
            status=idea.status,
            votes=counts.get(match.id, 0),
        )
    if match.kind is Found.EXPERIMENT and (experiment := rows.experiments.get(match.id)):
        return blocks.experiment_line(
            experiment_id=match.id,
            hypothesis=experiment.hypothesis,
            permalink=experiment.permalink,
            status=experiment.status,
        )
    if match.kind is Found.LEARNING and (learning := rows.learnings.get(match.id)):
        return blocks.learning_line(
            learned=learning.learned,
            permalink=learning.permalink,
            outcome=learning.outcome,
            experiment_id=learning.experiment_id,
        )
    return None
