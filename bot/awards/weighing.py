"""Which ideas the awards weigh exactly. A month of a large programme has 100,000 ideas and
a million votes: the database gives each idea ceilings (its standing reactions and the
departments on them, never fewer than its votes and its voters' departments) and returns the
few thousand with the best ceilings; only the ideas whose ceilings could still reach a podium
are tallied exactly, best ceilings first, until `rules.unsettled` says nothing left can
change either podium. When the cut is too short to say, it is read again, wider.

The spark also counts the departments of an idea's helpers, teams and experiment owners. The
few ideas that have any are weighed exactly first, wherever their votes place them: the vote
ceilings of the rest still bound them, in both orders."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.awards import rules
from storage import awards as store
from storage import contributions

Ceiling = tuple[int, int, int]  # idea, reactions, departments
# The ceilings, by idea and by spark, of the ideas outside the cut; None when there are none.
Floors = tuple[tuple[int, int] | None, tuple[int, int] | None]
# Ideas read per ranking: past the largest tie at the top seen on a month of 100,000 ideas
# (about 5,500), so one read is nearly always enough; each wider read is this many times more.
FIRST_CUT = 8000
WIDER = 4


async def candidates(
    session: AsyncSession, start: datetime, end: datetime, last: dict[str, str | None]
) -> list[rules.Candidate]:
    """The ideas posted in [start, end) that can reach a podium, weighed exactly; their
    titles are left for the podium's few to fill in."""
    known: dict[int, rules.Candidate] = {}
    weighed: set[int] = set()  # asked for, even if a vote taken back since left no tally
    spark = await contributions.spark_departments(session=session, start=start, end=end)
    await _tally(session, list(spark), spark, known, weighed)
    cut = FIRST_CUT
    while True:
        ceilings, ideas = await store.vote_ceilings(session=session, start=start, end=end, cut=cut)
        # Ideas outside the cut rank no higher than the cut's last one, in either order.
        floors: Floors = (None, None)
        if ideas > cut:
            floors = (
                sorted(map(_idea_key, ceilings), reverse=True)[cut - 1],
                sorted(map(_spark_key, ceilings), reverse=True)[cut - 1],
            )
        if await _weigh(session, ceilings, floors, known, weighed, last, spark):
            return list(known.values())
        cut *= WIDER


async def _weigh(
    session: AsyncSession,
    ceilings: list[Ceiling],
    floors: Floors,
    known: dict[int, rules.Candidate],
    weighed: set[int],
    last: dict[str, str | None],
    spark: dict[int, set[str]],
) -> bool:
    """Weigh the cut's ideas tier by tier until the podiums are settled (True), or until a
    tier reaches the cut's edge, where ideas outside it may tie (False: read wider)."""
    by_votes = sorted(ceilings, key=_idea_key, reverse=True)
    by_spread = sorted(ceilings, key=_spark_key, reverse=True)
    while True:
        by_votes = [c for c in by_votes if c[0] not in weighed]
        by_spread = [c for c in by_spread if c[0] not in weighed]
        need = rules.unsettled(
            list(known.values()),
            idea_ceiling=_highest(_idea_key(by_votes[0]) if by_votes else None, floors[0]),
            spark_ceiling=_highest(_spark_key(by_spread[0]) if by_spread else None, floors[1]),
            last_idea_winner=last[rules.IDEA_OF_THE_MONTH],
            last_spark_winner=last[rules.CROSS_FUNCTIONAL_SPARK],
        )
        if need is None:
            return True
        order, key, floor = (
            (by_votes, _idea_key, floors[0])
            if need == rules.IDEA_OF_THE_MONTH
            else (by_spread, _spark_key, floors[1])
        )
        if not order or key(order[0]) == floor:
            return False
        tier = [c[0] for c in order if key(c) == key(order[0])]
        await _tally(session, tier, spark, known, weighed)


async def _tally(
    session: AsyncSession,
    idea_ids: list[int],
    spark: dict[int, set[str]],
    known: dict[int, rules.Candidate],
    weighed: set[int],
) -> None:
    """Weigh these ideas exactly; `spark` holds the spark departments of those that count
    more than their voters'."""
    weighed.update(idea_ids)
    for tally in await store.idea_tallies(session=session, idea_ids=idea_ids):
        known[tally.idea_id] = rules.Candidate(
            key=tally.idea_id,
            author_id=tally.author_id,
            title="",
            permalink=None,
            votes=tally.votes,
            departments=tally.departments or None,
            reached_at=tally.reached_at,
            spark_departments=len(spark[tally.idea_id]) if tally.idea_id in spark else None,
        )


def _highest(*keys: tuple[int, int] | None) -> tuple[int, int] | None:
    present = [key for key in keys if key is not None]
    return max(present) if present else None


def _idea_key(ceiling: Ceiling) -> tuple[int, int]:
    _, reactions, departments = ceiling
    return reactions, min(departments, reactions)


def _spark_key(ceiling: Ceiling) -> tuple[int, int]:
    _, reactions, departments = ceiling
    return min(departments, reactions), reactions
