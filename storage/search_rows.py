"""The rows behind a page of search matches, read in one query per kind.

`storage.search.search` answers with kinds and ids only (one UNION over three tables); a
page shows each match's text, status and link, so its rows are read here together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import Experiment, Idea, Learning
from storage.search import Found, Match


@dataclass
class FoundRows:
    ideas: dict[int, Idea] = field(default_factory=dict)
    experiments: dict[int, Experiment] = field(default_factory=dict)
    learnings: dict[int, Learning] = field(default_factory=dict)


async def rows_of(*, session: AsyncSession, matches: Iterable[Match]) -> FoundRows:
    """Each match's row by kind and id; a row deleted since the search is simply missing."""
    ids: dict[Found, set[int]] = {kind: set() for kind in Found}
    for match in matches:
        ids[match.kind].add(match.id)
    rows = FoundRows()
    if ids[Found.IDEA]:
        found = await session.execute(select(Idea).where(col(Idea.id).in_(ids[Found.IDEA])))
        rows.ideas = {idea.id or 0: idea for idea in found.scalars()}
    if ids[Found.EXPERIMENT]:
        found_experiments = await session.execute(
            select(Experiment).where(col(Experiment.id).in_(ids[Found.EXPERIMENT]))
        )
        rows.experiments = {row.id or 0: row for row in found_experiments.scalars()}
    if ids[Found.LEARNING]:
        found_learnings = await session.execute(
            select(Learning).where(col(Learning.id).in_(ids[Found.LEARNING]))
        )
        rows.learnings = {row.id or 0: row for row in found_learnings.scalars()}
    return rows
