"""Marking an idea a duplicate of another, undoing it, and moving votes by consent.

Marking and undoing each change the idea's status with the same compare-and-set as any status
change (`storage.statuses.change_status`) in the same transaction as their own row, so two
admins, or two replicas, never mark or undo one idea twice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage import statuses
from storage.duplicate_models import DuplicateMark, MovedVote
from storage.models import IdeaMute, VoteReaction
from storage.vocabulary import DUPLICATE

# Far more than any real chain: a guard, should rows ever point in a circle.
LONGEST_CHAIN = 100


async def get_mark(*, session: AsyncSession, mark_id: int) -> DuplicateMark | None:
    return await session.get(DuplicateMark, mark_id)


async def standing_mark(*, session: AsyncSession, idea_id: int) -> DuplicateMark | None:
    """The mark that makes the idea a duplicate now, if one does."""
    result = await session.execute(
        select(DuplicateMark)
        .where(col(DuplicateMark.idea_id) == idea_id, col(DuplicateMark.undone_at).is_(None))
        .order_by(col(DuplicateMark.id).desc())
        .limit(1)
    )
    return result.scalars().first()


async def chain(*, session: AsyncSession, idea_id: int) -> list[int]:
    """The idea, then the idea it duplicates, and so on to one that is no duplicate."""
    ideas = [idea_id]
    while len(ideas) <= LONGEST_CHAIN:
        mark = await standing_mark(session=session, idea_id=ideas[-1])
        if mark is None or mark.duplicate_of in ideas:
            break
        ideas.append(mark.duplicate_of)
    return ideas


async def mark(
    *,
    session: AsyncSession,
    idea_id: int,
    expected_status: str,
    duplicate_of: int,
    marked_by: str,
    reason: str,
) -> DuplicateMark | None:
    """Close the idea as a duplicate; None when its status was no longer `expected_status`
    (someone changed it meanwhile): nothing is written."""
    change = await statuses.change_status(
        session=session,
        idea_id=idea_id,
        expected=expected_status,
        to=DUPLICATE,
        reason=reason,
        changed_by=marked_by,
        owner_id=None,
    )
    if change is None:
        return None
    row = DuplicateMark(
        idea_id=idea_id,
        duplicate_of=duplicate_of,
        previous_status=expected_status,
        marked_by=marked_by,
    )
    session.add(row)
    await session.flush()
    return row


async def undo(
    *, session: AsyncSession, mark_id: int, undone_by: str, now: datetime, reason: str
) -> DuplicateMark | None:
    """Reopen the idea with the status it had and take back the votes moved from it; None
    when the mark was undone already."""
    claimed = await session.execute(
        sa.update(DuplicateMark)
        .where(col(DuplicateMark.id) == mark_id, col(DuplicateMark.undone_at).is_(None))
        .values(undone_at=now, undone_by=undone_by)
        .returning(col(DuplicateMark.id))
    )
    if claimed.scalar_one_or_none() is None:
        return None
    row = await session.get(DuplicateMark, mark_id, populate_existing=True)
    assert row is not None  # just claimed
    await statuses.change_status(
        session=session,
        idea_id=row.idea_id,
        expected=DUPLICATE,
        to=row.previous_status,
        reason=reason,
        changed_by=undone_by,
        owner_id=None,
    )
    await session.execute(
        sa.update(MovedVote)
        .where(col(MovedVote.duplicate_id) == mark_id, col(MovedVote.undone_at).is_(None))
        .values(undone_at=now)
    )
    return row


async def move_vote(
    *, session: AsyncSession, mark_id: int, voter_id: str, from_idea: int, to_idea: int
) -> bool:
    """Record the voter's consent; False when they gave it already for this mark."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # RETURNING, not rowcount: psycopg 3 reports -1 for ON CONFLICT DO NOTHING.
    inserted = await session.execute(
        insert(MovedVote)
        .values(duplicate_id=mark_id, voter_id=voter_id, from_idea_id=from_idea, to_idea_id=to_idea)
        .on_conflict_do_nothing(index_elements=["duplicate_id", "voter_id"])
        .returning(col(MovedVote.id))
    )
    return inserted.scalar_one_or_none() is not None


async def moved_vote(*, session: AsyncSession, mark_id: int, voter_id: str) -> MovedVote | None:
    result = await session.execute(
        select(MovedVote).where(
            col(MovedVote.duplicate_id) == mark_id, col(MovedVote.voter_id) == voter_id
        )
    )
    return result.scalars().first()


async def muted(*, session: AsyncSession, idea_id: int) -> set[str]:
    """Who asked to hear no more about the idea."""
    result = await session.execute(select(IdeaMute.user_id).where(IdeaMute.idea_id == idea_id))
    return set(result.scalars())


# Counting moved votes beside the reactions (`storage.votes`).


def ballots(ideas: Sequence[int] | None = None) -> sa.Subquery:
    """(idea_id, voter_id) for each standing vote: active reactions and votes moved here by
    consent from a duplicate (`storage.duplicates`), less the votes moved away. A person with
    both a reaction and a moved vote on an idea appears twice: count them distinctly.
    `ideas` narrows both halves before they meet, so each reads only its index."""
    moved = MovedVote.metadata.tables[MovedVote.__tablename__]
    reacting: list[sa.ColumnElement[bool]] = [col(VoteReaction.active) == sa.true()]
    moving: list[sa.ColumnElement[bool]] = [moved.c.undone_at.is_(None)]
    if ideas is not None:
        reacting.append(col(VoteReaction.idea_id).in_(list(ideas)))
        moving.append(moved.c.to_idea_id.in_(list(ideas)))
    both = sa.union_all(
        sa.select(
            col(VoteReaction.idea_id).label("idea_id"),
            col(VoteReaction.voter_id).label("voter_id"),
        ).where(*reacting),
        sa.select(moved.c.to_idea_id.label("idea_id"), moved.c.voter_id.label("voter_id")).where(
            *moving
        ),
    ).subquery("cast_votes")
    moved_away = (
        sa.select(moved.c.id)
        .where(
            moved.c.from_idea_id == both.c.idea_id,
            moved.c.voter_id == both.c.voter_id,
            moved.c.undone_at.is_(None),
        )
        .exists()
    )
    return sa.select(both.c.idea_id, both.c.voter_id).where(~moved_away).subquery("ballots")


def moved_votes(ideas: Sequence[int] | None = None) -> sa.Subquery:
    """(idea_id, n): what moved votes add to an idea's count of reactions (`n` may be
    negative). Read from the few moved votes, so that counting the many reactions stays the
    plain indexed count it always was: a voter moved here counts unless they also react here
    or moved on; a reacting voter who moved away no longer counts."""
    moved = MovedVote.metadata.tables[MovedVote.__tablename__]
    away = moved.alias("away")

    def reacts(idea: sa.ColumnElement[int]) -> sa.Exists:
        return (
            sa.select(col(VoteReaction.id))
            .where(
                col(VoteReaction.idea_id) == idea,
                col(VoteReaction.voter_id) == moved.c.voter_id,
                col(VoteReaction.active) == sa.true(),
            )
            .exists()
        )

    moved_on = (
        sa.select(away.c.id)
        .where(
            away.c.from_idea_id == moved.c.to_idea_id,
            away.c.voter_id == moved.c.voter_id,
            away.c.undone_at.is_(None),
        )
        .exists()
    )
    gained = sa.select(
        moved.c.to_idea_id.label("idea_id"),
        sa.func.count(sa.distinct(moved.c.voter_id)).label("n"),
    ).where(moved.c.undone_at.is_(None), ~reacts(moved.c.to_idea_id), ~moved_on)
    lost = sa.select(
        moved.c.from_idea_id.label("idea_id"),
        (-sa.func.count(sa.distinct(moved.c.voter_id))).label("n"),
    ).where(moved.c.undone_at.is_(None), reacts(moved.c.from_idea_id))
    if ideas is not None:
        gained = gained.where(moved.c.to_idea_id.in_(list(ideas)))
        lost = lost.where(moved.c.from_idea_id.in_(list(ideas)))
    both = sa.union_all(
        gained.group_by(moved.c.to_idea_id), lost.group_by(moved.c.from_idea_id)
    ).subquery("moved_both")
    return (
        sa.select(both.c.idea_id, sa.func.sum(both.c.n).label("n"))
        .group_by(both.c.idea_id)
        .subquery("moved_votes_net")
    )
