"""Which ideas the awards weigh exactly. A month of a large programme has 100,000 ideas and
a million votes: the database gives each idea ceilings (its standing reactions and the
departments on them, never fewer than its votes and its voters' departments), and only the
ideas whose ceilings could still reach a podium are tallied exactly, best ceilings first,
until `rules.unsettled` says nothing left can change either podium."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.awards import rules
from storage import awards as store

Ceiling = tuple[int, int, int]  # idea, reactions, departments


async def candidates(
    session: AsyncSession, start: datetime, end: datetime, last: dict[str, str | None]
) -> list[rules.Candidate]:
    """The ideas posted in [start, end) that can reach a podium, weighed exactly; their
    titles are left for the podium's few to fill in."""
    ceilings = await store.vote_ceilings(session=session, start=start, end=end)
    by_votes = sorted(ceilings, key=_idea_key, reverse=True)
    by_spread = sorted(ceilings, key=_spark_key, reverse=True)
    known: dict[int, rules.Candidate] = {}
    weighed: set[int] = set()  # asked for, even if a vote taken back since left no tally
    while True:
        by_votes = [c for c in by_votes if c[0] not in weighed]
        by_spread = [c for c in by_spread if c[0] not in weighed]
        need = rules.unsettled(
            list(known.values()),
            idea_ceiling=_idea_key(by_votes[0]) if by_votes else None,
            spark_ceiling=_spark_key(by_spread[0]) if by_spread else None,
            last_idea_winner=last[rules.IDEA_OF_THE_MONTH],
            last_spark_winner=last[rules.CROSS_FUNCTIONAL_SPARK],
        )
        if need is None:
            return list(known.values())
        order, key = (
            (by_votes, _idea_key) if need == rules.IDEA_OF_THE_MONTH else (by_spread, _spark_key)
        )
        tier = [c[0] for c in order if key(c) == key(order[0])]
        weighed.update(tier)
        for tally in await store.idea_tallies(session=session, idea_ids=tier):
            known[tally.idea_id] = rules.Candidate(
                key=tally.idea_id,
                author_id=tally.author_id,
                title="",
                permalink=None,
                votes=tally.votes,
                departments=tally.departments or None,
                reached_at=tally.reached_at,
            )


def _idea_key(ceiling: Ceiling) -> tuple[int, int]:
    _, reactions, departments = ceiling
    return reactions, min(departments, reactions)


def _spark_key(ceiling: Ceiling) -> tuple[int, int]:
    _, reactions, departments = ceiling
    return min(departments, reactions), reactions
