"""People and their departments, and copying a department onto the ideas and votes recorded
before the person was known. They know nothing of Slack: callers pass plain values."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import Idea, VoteReaction
from storage.people_models import Person
from storage.team_models import HelpOffer, TeamChange

# Well under SQLite's and PostgreSQL's limits on bound parameters in one statement.
CHUNK = 2000


@dataclass(frozen=True)
class PersonFacts:
    """What was read about one person. `department_known` is false when Slack could not say
    (a failed look-up): their stored department is then kept as it is."""

    user_id: str
    department: str | None
    active: bool
    department_known: bool = True


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


async def known(*, session: AsyncSession, user_ids: Iterable[str]) -> set[str]:
    """Those of `user_ids` with a row in `people`."""
    found: set[str] = set()
    for chunk in _chunks(sorted(set(user_ids))):
        result = await session.execute(select(Person.user_id).where(col(Person.user_id).in_(chunk)))
        found.update(result.scalars())
    return found


async def upsert(
    *, session: AsyncSession, people: Sequence[PersonFacts], now: datetime
) -> list[str]:
    """Insert or update every person; returns the ids that had no row before, whose ideas
    and votes recorded without a department are then `backfill`ed."""
    latest = {person.user_id: person for person in people}
    if not latest:
        return []
    before = await known(session=session, user_ids=latest)
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    for with_department in (True, False):
        rows = [
            {
                "user_id": p.user_id,
                "department": p.department if with_department else None,
                "active": p.active,
                "updated_at": now,
            }
            # In key order, so two replicas refreshing at once lock rows in the same order.
            for _, p in sorted(latest.items())
            if p.department_known is with_department
        ]
        if rows:
            await session.execute(_upsert(dialect, with_department), rows)
    return sorted(set(latest) - before)


@functools.cache
def _upsert(dialect: str, with_department: bool) -> sa.Insert:
    table = Person.metadata.tables[Person.__tablename__]
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table)
    changes = {"active": statement.excluded.active, "updated_at": statement.excluded.updated_at}
    if with_department:
        changes["department"] = statement.excluded.department
    return statement.on_conflict_do_update(index_elements=["user_id"], set_=changes)


async def backfill(*, session: AsyncSession, user_ids: Sequence[str]) -> int:
    """Copy these people's stored departments onto their ideas, vote reactions, offers of help
    and team changes recorded with none (before they were known). Rows that have a department
    keep it. Returns how many rows were filled."""
    filled = 0
    people = Person.metadata.tables[Person.__tablename__]
    for chunk in _chunks(sorted(set(user_ids))):
        for table, department_column, person_column in (
            (Idea.metadata.tables[Idea.__tablename__], "author_department", "author_id"),
            (
                VoteReaction.metadata.tables[VoteReaction.__tablename__],
                "voter_department",
                "voter_id",
            ),
            (HelpOffer.metadata.tables[HelpOffer.__tablename__], "department", "helper_id"),
            (TeamChange.metadata.tables[TeamChange.__tablename__], "department", "user_id"),
        ):
            department = (
                select(people.c.department)
                .where(people.c.user_id == table.c[person_column])
                .scalar_subquery()
            )
            result = await session.execute(
                sa.update(table)
                .where(table.c[department_column].is_(None), table.c[person_column].in_(chunk))
                .values({department_column: department})
            )
            filled += max(getattr(result, "rowcount", 0) or 0, 0)
    return filled


async def get(*, session: AsyncSession, user_id: str) -> Person | None:
    return await session.get(Person, user_id)


async def inactive(*, session: AsyncSession, user_ids: Iterable[str]) -> set[str]:
    """Those of `user_ids` stored as bots or deactivated accounts."""
    result = await session.execute(
        select(col(Person.user_id)).where(
            col(Person.user_id).in_(sorted(set(user_ids))), sa.not_(col(Person.active))
        )
    )
    return set(result.scalars())


async def department_of(*, session: AsyncSession, user_id: str) -> str | None:
    """The person's stored department; None when they have none or are not known yet."""
    result = await session.execute(select(Person.department).where(Person.user_id == user_id))
    return result.scalar_one_or_none()


async def count(*, session: AsyncSession) -> int:
    result = await session.execute(select(sa.func.count()).select_from(Person))
    return int(result.scalar_one())


async def headcounts(*, session: AsyncSession) -> dict[str, int]:
    """Active people per department (bots, deactivated accounts and people without a
    department count nowhere), most first."""
    result = await session.execute(
        select(Person.department, sa.func.count())
        .where(col(Person.active), col(Person.department).is_not(None))
        .group_by(col(Person.department))
        .order_by(sa.func.count().desc(), col(Person.department))
    )
    return {str(department): int(n) for department, n in result}


async def departments(*, session: AsyncSession) -> list[str]:
    """Every department someone is in now, in alphabetical order."""
    result = await session.execute(
        select(Person.department)
        .where(col(Person.department).is_not(None))
        .distinct()
        .order_by(col(Person.department))
    )
    return [str(department) for department in result.scalars()]
