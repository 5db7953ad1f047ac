"""What the monthly awards read and what they keep.

A month of a large programme holds a million vote reactions: the database aggregates them per
idea and returns the best few thousand, and the exact tallies are read only for the ideas that
can still reach a podium (see `bot.awards.weighing`). Idea text is read for the podium alone."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.ideas import as_utc
from storage.models import Award, Experiment, Idea, Learning, VoteReaction


@dataclass(frozen=True)
class IdeaTally:
    """An idea posted in the month, with its standing votes as the awards weigh them."""

    idea_id: int
    author_id: str
    votes: int  # distinct people with a vote standing
    departments: int  # distinct departments, one a voter: that of their first standing reaction
    reached_at: datetime  # when the last of them voted (their first standing reaction)


@dataclass(frozen=True)
class Turnout:
    """Who took part in the month: ideas posted, distinct voters, and distinct departments
    among the voters and the authors, as recorded when they voted or posted."""

    ideas: int
    voters: int
    departments: int


def _posted_between(start: datetime, end: datetime) -> list[sa.ColumnElement[bool]]:
    return [
        col(Idea.created_at) >= start,
        col(Idea.created_at) < end,
        col(Idea.message_ts).is_not(None),
    ]


async def vote_ceilings(
    *, session: AsyncSession, start: datetime, end: datetime, cut: int
) -> tuple[list[tuple[int, int, int]], int]:
    """(idea, standing reactions, distinct departments on them): ceilings on its votes and
    its voters' departments, for the `cut` ideas posted in [start, end) best by each
    (reactions first, then departments first), ranked by the database; and how many ideas
    have a vote standing. The month's ideas are a range of ids, then checked one by one."""
    posted = _posted_between(start, end)
    # The range needs no message_ts: that would read each idea's row, not just an index.
    first, last = (
        select(bound(col(Idea.id))).where(*posted[:2]) for bound in (sa.func.min, sa.func.max)
    )
    per_idea = (
        select(
            col(VoteReaction.idea_id).label("idea_id"),
            sa.func.count().label("reactions"),
            sa.func.count(sa.distinct(col(VoteReaction.voter_department))).label("departments"),
        )
        .where(
            col(VoteReaction.idea_id).between(first.scalar_subquery(), last.scalar_subquery()),
            col(VoteReaction.active) == sa.true(),
        )
        .group_by(col(VoteReaction.idea_id))
        # Checked per idea, not per vote: a million look-ups would be ten times as many.
        .having(col(VoteReaction.idea_id).in_(select(col(Idea.id)).where(*posted)))
        # Read three times below, computed once: both engines keep such a CTE.
        .cte("per_idea")
    )
    reactions, departments = per_idea.c.reactions, per_idea.c.departments
    ranked = [
        select(per_idea.c.idea_id, reactions, departments)
        .order_by(*order)
        .limit(cut)
        .subquery()
        .select()
        for order in (
            (reactions.desc(), departments.desc()),
            (departments.desc(), reactions.desc()),
        )
    ]
    # The number of ideas rides along as a row no idea has (its id is never negative).
    counted = select(sa.literal(-1), sa.func.count(), sa.literal(0)).select_from(per_idea)
    rows = (await session.execute(sa.union(*ranked, counted))).all()
    ideas = next((row[1] for row in rows if row[0] == -1), 0)
    return [(row[0], row[1], row[2]) for row in rows if row[0] != -1], ideas


def _distinct(column: Any) -> sa.CTE:
    """The distinct values of an indexed column, one index seek each (a loose index scan)."""
    first = select(sa.func.min(column).label("value")).cte("known", recursive=True)
    following = select(select(sa.func.min(column)).where(column > first.c.value).scalar_subquery())
    return first.union_all(following.where(first.c.value.is_not(None)))


async def idea_tallies(*, session: AsyncSession, idea_ids: Sequence[int]) -> list[IdeaTally]:
    """The exact tallies of these ideas' standing votes: each voter once, in the department
    of their first standing reaction, since that reaction."""
    # Ideas whose voters each have one standing reaction (nearly all) are tallied flat;
    # the others again, with each voter's first reaction picked out.
    flat = sa.select(
        sa.type_coerce(col(VoteReaction.idea_id), sa.Integer).label("idea_id"),
        sa.func.count().label("reactions"),
        sa.func.count(sa.distinct(col(VoteReaction.voter_id))).label("votes"),
        sa.func.count(sa.distinct(col(VoteReaction.voter_department))).label("departments"),
        sa.func.max(col(VoteReaction.updated_at)).label("reached_at"),
    ).where(
        _among(session, col(VoteReaction.idea_id), idea_ids),
        col(VoteReaction.active) == sa.true(),
    )
    rows = (await session.execute(flat.group_by(col(VoteReaction.idea_id)))).all()
    tallied = {row.idea_id: row for row in rows if row.reactions == row.votes}
    twice = [row.idea_id for row in rows if row.reactions != row.votes]
    if twice:
        tallied |= {row.idea_id: row for row in await _first_reactions(session, twice)}
    among = _among(session, col(Idea.id), list(tallied))
    authors = await session.execute(select(col(Idea.id), col(Idea.author_id)).where(among))
    return [
        IdeaTally(
            idea_id or 0,
            author_id,
            tallied[idea_id].votes,
            tallied[idea_id].departments,
            as_utc(tallied[idea_id].reached_at),
        )
        for idea_id, author_id in authors
    ]


async def _first_reactions(session: AsyncSession, idea_ids: Sequence[int]) -> Sequence[sa.Row]:
    reaction = sa.func.row_number().over(
        partition_by=(col(VoteReaction.idea_id), col(VoteReaction.voter_id)),
        order_by=(col(VoteReaction.updated_at), col(VoteReaction.voter_department)),
    )
    firsts = (
        select(
            col(VoteReaction.idea_id).label("idea_id"),
            col(VoteReaction.updated_at).label("since"),
            col(VoteReaction.voter_department).label("department"),
            reaction.label("nth"),
        )
        .where(
            _among(session, col(VoteReaction.idea_id), idea_ids),
            col(VoteReaction.active) == sa.true(),
        )
        .subquery("firsts")
    )
    result = await session.execute(
        select(
            firsts.c.idea_id,
            sa.func.count().label("votes"),
            sa.func.count(sa.distinct(firsts.c.department)).label("departments"),
            sa.func.max(firsts.c.since).label("reached_at"),
        )
        .where(firsts.c.nth == 1)
        .group_by(firsts.c.idea_id)
    )
    return result.all()


def _among(session: AsyncSession, column: Any, ids: Sequence[int]) -> sa.ColumnElement[bool]:
    """`column` is one of `ids`, bound as one array (JSON text on SQLite): thousands of
    parameters would cost more to bind than the query to run, and overflow SQLite's limit."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam(None, list(ids), type_=postgresql.ARRAY(sa.Integer)))
    listed = sa.func.json_each(json.dumps(list(ids))).table_valued("value")
    return column.in_(select(listed.c.value))


async def idea_cards(
    *, session: AsyncSession, idea_ids: Sequence[int]
) -> dict[int, tuple[str, str | None]]:
    """Text and permalink of a few ideas (the podium's)."""
    result = await session.execute(
        select(col(Idea.id), col(Idea.text), col(Idea.permalink)).where(col(Idea.id).in_(idea_ids))
    )
    return {idea_id or 0: (text, permalink) for idea_id, text, permalink in result}


async def turnout(*, session: AsyncSession, start: datetime, end: datetime) -> Turnout:
    """Ideas posted in [start, end); everyone whose vote, standing now, was cast then; and
    the departments recorded on those votes and on those ideas."""
    ideas = await session.scalar(
        select(sa.func.count()).select_from(Idea).where(*_posted_between(start, end))
    )
    in_month = [
        col(VoteReaction.active) == sa.true(),
        col(VoteReaction.updated_at) >= start,
        col(VoteReaction.updated_at) < end,
    ]
    # A distinct subquery, not count(distinct): SQLite skips through its index voter by
    # voter and PostgreSQL hashes, where count(distinct) would sort a million votes.
    voting = select(col(VoteReaction.voter_id)).where(*in_month).distinct().subquery("voting")
    voters = await session.scalar(select(sa.func.count()).select_from(voting))
    # Each department ever recorded is asked "heard from this month?": a few look-ups that
    # stop at the first vote or idea, instead of a distinct over the month's million votes.
    voted = _distinct(col(VoteReaction.voter_department))
    known = sa.union(
        select(voted.c.value),
        select(col(Idea.author_department)).distinct(),
    ).subquery("departments")
    heard = sa.or_(
        sa.exists().where(col(VoteReaction.voter_department) == known.c.value, *in_month),
        sa.exists().where(
            col(Idea.author_department) == known.c.value, *_posted_between(start, end)
        ),
    )
    departments = await session.scalar(
        select(sa.func.count()).select_from(known).where(known.c.value.is_not(None), heard)
    )
    return Turnout(ideas=ideas or 0, voters=voters or 0, departments=departments or 0)


async def learnings_shared_between(
    *, session: AsyncSession, start: datetime, end: datetime
) -> list[tuple[Learning, Experiment]]:
    result = await session.execute(
        select(Learning, Experiment)
        .join(Experiment, col(Experiment.id) == col(Learning.experiment_id))
        .where(
            col(Learning.created_at) >= start,
            col(Learning.created_at) < end,
            col(Learning.message_ts).is_not(None),
        )
        .order_by(col(Learning.id))
    )
    return [(row[0], row[1]) for row in result]


async def for_period(*, session: AsyncSession, period: str) -> list[Award]:
    result = await session.execute(
        select(Award).where(Award.period == period).order_by(col(Award.category), col(Award.rank))
    )
    return list(result.scalars())


async def winner(*, session: AsyncSession, period: str, category: str) -> str | None:
    result = await session.execute(
        select(Award.winner_id).where(
            Award.period == period, Award.category == category, Award.rank == 1
        )
    )
    return result.scalars().first()


async def keep(*, session: AsyncSession, awards: Sequence[Award]) -> None:
    """Store the results once: a second computation of the same period changes nothing."""
    if not awards:
        return
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    rows = [a.model_dump(exclude={"id", "congratulated_at"}) for a in awards]
    await session.execute(
        insert(Award).on_conflict_do_nothing(index_elements=["period", "category", "rank"]),
        rows,
    )


async def claim_congratulation(*, session: AsyncSession, award_id: int, now: datetime) -> bool:
    claimed = await session.execute(
        sa.update(Award)
        .where(col(Award.id) == award_id, col(Award.congratulated_at).is_(None))
        .values(congratulated_at=now)
        .returning(col(Award.id))
    )
    return claimed.scalar_one_or_none() is not None


async def release_congratulation(*, session: AsyncSession, award_id: int) -> None:
    await session.execute(
        sa.update(Award).where(col(Award.id) == award_id).values(congratulated_at=None)
    )


async def everything(*, session: AsyncSession) -> list[Award]:
    result = await session.execute(
        select(Award).order_by(col(Award.period), col(Award.category), col(Award.rank))
    )
    return list(result.scalars())


def by_category(awards: Sequence[Award]) -> dict[str, list[Award]]:
    grouped: dict[str, list[Award]] = defaultdict(list)
    for award in awards:
        grouped[award.category].append(award)
    return grouped
