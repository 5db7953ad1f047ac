"""Whole tables as rows of plain columns, oldest first, for the export: votes, experiments,
learnings, people, offers of help and team changes. Columns, not ORM objects, so that a
million votes stay light."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from storage.models import Experiment, Learning, VoteReaction
from storage.people_models import Person
from storage.team_models import HelpOffer, TeamChange

TABLES: dict[str, type[SQLModel]] = {
    "votes": VoteReaction,
    "experiments": Experiment,
    "learnings": Learning,
    "people": Person,
    "offers": HelpOffer,
    "teams": TeamChange,
}


async def rows(*, session: AsyncSession, what: str, columns: Sequence[str]) -> Sequence[sa.Row]:
    """Every row of the table named `what` (a key of TABLES), with these columns."""
    table = SQLModel.metadata.tables[TABLES[what].__tablename__]  # type: ignore[index]
    key = table.c.id if "id" in table.c else table.c.user_id
    result = await session.execute(sa.select(*(table.c[name] for name in columns)).order_by(key))
    return result.all()
