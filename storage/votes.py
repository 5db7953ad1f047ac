"""Service functions for votes. A vote is derived from reaction rows, never counted up or
down, so redelivered or reordered events cannot make a count drift."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage import anonymous, duplicates
from storage.models import Idea, VoteReaction, utcnow
from storage.people_models import Person


@dataclass(frozen=True)
class ReactionChange:
    """A vote emoji put on (`active`) or taken off an idea by one person at `event_ts`."""

    idea_id: int
    voter_id: str
    emoji: str
    active: bool
    event_ts: str


async def apply_reactions(*, session: AsyncSession, changes: Sequence[ReactionChange]) -> None:
    """Apply many changes in one statement. Which rows really changed is not returned:
    learning it would cost every write a RETURNING, and no caller needs it.

    Idempotent: a change whose `event_ts` is not newer than the row's is skipped, so
    redeliveries and late retries are no-ops whatever order they arrive in.

    A new row records the voter's department from `people` as it is now; a row taken back and
    put on again keeps the department of its first vote. Voters not in `people` yet get none,
    filled in once they are looked up (`storage.people.backfill`).
    """
    latest: dict[tuple[int, str, str], ReactionChange] = {}
    for change in changes:
        key = (change.idea_id, change.voter_id, change.emoji)
        if key not in latest or latest[key].event_ts < change.event_ts:
            latest[key] = change
    if not latest:
        return
    now = utcnow()
    rows = [
        {
            "idea_id": c.idea_id,
            "voter_id": c.voter_id,
            "voter_key": c.voter_id,
            "emoji": c.emoji,
            "active": c.active,
            "event_ts": c.event_ts,
            "created_at": now,
            "updated_at": now,
        }
        # In key order, whatever order the changes came in: replicas writing overlapping
        # batches at once then lock rows in the same order, and never deadlock.
        for _key, c in sorted(latest.items())
    ]
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    await session.execute(_upsert(dialect), rows)


@functools.cache
def _upsert(dialect: str) -> sa.Insert:
    """One statement per dialect, executed with many rows by the driver itself: compiled once
    and cached, where a multi-row VALUES clause would be compiled anew for every batch size.
    No RETURNING, which would route every row back through SQLAlchemy."""
    table = VoteReaction.metadata.tables[VoteReaction.__tablename__]
    people = Person.metadata.tables[Person.__tablename__]
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # Read inside the insert, by primary key: no round trip, nothing to cache or go stale.
    # The parameter has its own name: `voter_id` is taken by the column's own value.
    department = (
        sa.select(people.c.department)
        .where(people.c.user_id == sa.bindparam("voter_key"))
        .scalar_subquery()
    )
    statement = insert(table).values(voter_department=department)
    return statement.on_conflict_do_update(
        index_elements=["idea_id", "voter_id", "emoji"],
        set_={
            "active": statement.excluded.active,
            "event_ts": statement.excluded.event_ts,
            "updated_at": statement.excluded.updated_at,
        },
        where=table.c.event_ts < statement.excluded.event_ts,
    )


def _vote_count() -> sa.ColumnElement[int]:
    return sa.func.count(sa.distinct(col(VoteReaction.voter_id)))


async def vote_count(*, session: AsyncSession, idea_id: int) -> int:
    return (await vote_counts(session=session, idea_ids=[idea_id]))[idea_id]


async def first_voters(*, session: AsyncSession, idea_id: int, limit: int) -> list[str]:
    """Up to `limit` people with a vote on the idea, earliest first (rows are created when a
    person first reacts, so row order is arrival order)."""
    ballots = duplicates.ballots([idea_id])
    voting = sa.select(ballots.c.voter_id)
    result = await session.execute(
        select(VoteReaction.voter_id)
        .where(
            col(VoteReaction.idea_id) == idea_id,
            col(VoteReaction.active),
            col(VoteReaction.voter_id).in_(voting),
        )
        .order_by(col(VoteReaction.id))
        .limit(limit * 4)
    )
    first = list(dict.fromkeys(result.scalars()))[:limit]
    if len(first) < limit:
        # Votes moved here by consent come after the reactions, in no particular order.
        rest = await session.execute(voting.order_by(ballots.c.voter_id))
        first = list(dict.fromkeys([*first, *rest.scalars()]))[:limit]
    return first


async def voters(*, session: AsyncSession, idea_id: int) -> set[str]:
    """Everyone whose vote on the idea stands: by reaction, or moved here by consent."""
    ballots = duplicates.ballots([idea_id])
    return set((await session.execute(sa.select(ballots.c.voter_id))).scalars())


async def active_reactions(*, session: AsyncSession, idea_id: int) -> set[tuple[str, str]]:
    """(voter, emoji) pairs now active on the idea."""
    result = await session.execute(
        select(VoteReaction.voter_id, VoteReaction.emoji).where(
            col(VoteReaction.idea_id) == idea_id, col(VoteReaction.active)
        )
    )
    return {(row[0], row[1]) for row in result}


async def vote_counts(*, session: AsyncSession, idea_ids: Iterable[int]) -> dict[int, int]:
    ids = list(idea_ids)
    if not ids:
        return {}
    result = await session.execute(
        select(VoteReaction.idea_id, _vote_count())
        .where(col(VoteReaction.idea_id).in_(ids), col(VoteReaction.active))
        .group_by(col(VoteReaction.idea_id))
    )
    counts = {idea_id: 0 for idea_id in ids}
    counts.update({row[0]: int(row[1]) for row in result})
    moved = duplicates.moved_votes(ids)
    for idea_id, n in await session.execute(sa.select(moved.c.idea_id, moved.c.n)):
        counts[idea_id] = counts.get(idea_id, 0) + int(n)
    return counts


async def idea_by_post(*, session: AsyncSession, channel_id: str, message_ts: str) -> Idea | None:
    result = await session.execute(
        select(Idea).where(Idea.channel_id == channel_id, Idea.message_ts == message_ts)
    )
    return result.scalars().first()


async def leaderboard(
    *, session: AsyncSession, since: datetime | None = None, limit: int = 10
) -> list[tuple[Idea, int]]:
    """Posted ideas by votes, most first; ties go to the idea posted first."""
    votes = (
        select(VoteReaction.idea_id, _vote_count().label("votes"))
        .where(col(VoteReaction.active))
        .group_by(col(VoteReaction.idea_id))
        .subquery()
    )
    moved = duplicates.moved_votes()
    count = sa.func.coalesce(votes.c.votes, 0) + sa.func.coalesce(moved.c.n, 0)
    query = (
        select(Idea, count)
        .outerjoin(votes, votes.c.idea_id == Idea.id)
        .outerjoin(moved, moved.c.idea_id == Idea.id)
        .where(col(Idea.message_ts).is_not(None))
        .order_by(count.desc(), col(Idea.created_at), col(Idea.id))
        .limit(limit)
    )
    if since is not None:
        query = query.where(col(Idea.created_at) >= since)
    result = await session.execute(query)
    return [(row[0], int(row[1])) for row in result]


async def ideas_of(
    *, session: AsyncSession, author_id: str, limit: int = 20
) -> tuple[list[tuple[Idea, int]], int]:
    """An author's newest ideas with their votes, and how many ideas they have in all; with
    the anonymous ones they shared, for their own eyes only."""
    theirs = anonymous.written_by(author_id)
    total = await session.execute(select(sa.func.count()).select_from(Idea).where(theirs))
    ideas = list(
        (
            await session.execute(
                select(Idea)
                .where(theirs)
                .order_by(col(Idea.created_at).desc(), col(Idea.id).desc())
                .limit(limit)
            )
        ).scalars()
    )
    counts = await vote_counts(session=session, idea_ids=[i.id for i in ideas if i.id])
    return [(idea, counts.get(idea.id or 0, 0)) for idea in ideas], int(total.scalar_one())


async def posted_since(*, session: AsyncSession, since: datetime) -> list[Idea]:
    """Ideas with a post in Slack created at or after `since`, oldest first."""
    result = await session.execute(
        select(Idea)
        .where(col(Idea.message_ts).is_not(None), col(Idea.created_at) >= since)
        .order_by(col(Idea.id))
    )
    return list(result.scalars())


async def active_since(*, session: AsyncSession, since: datetime, limit: int) -> list[Idea]:
    """Posted ideas voted on or posted at or after `since`, most recent activity first: a
    brand-new idea has no stored vote to show that votes on it were acknowledged."""
    latest = sa.func.max(VoteReaction.updated_at)
    recent = (
        select(VoteReaction.idea_id, latest.label("latest"))
        .where(col(VoteReaction.updated_at) >= since)
        .group_by(col(VoteReaction.idea_id))
        .subquery()
    )
    result = await session.execute(
        select(Idea)
        .outerjoin(recent, recent.c.idea_id == Idea.id)
        .where(
            col(Idea.message_ts).is_not(None),
            sa.or_(recent.c.latest.is_not(None), col(Idea.posted_at) >= since),
        )
        .order_by(sa.func.coalesce(recent.c.latest, Idea.posted_at).desc())
        .limit(limit)
    )
    return list(result.scalars())
