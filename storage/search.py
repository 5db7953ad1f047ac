"""Full-text search over ideas, experiments and learnings, on either engine.

One function answers every search (the `/idea search` answer, the idea pickers, similar
ideas before posting): SQLite's FTS5 tables ranked by bm25, or PostgreSQL's `tsvector`
columns ranked by `ts_rank`, as built by migration 0014 (`storage.search_schema`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from storage.search_schema import EXPERIMENTS, IDEAS, LEARNINGS, SearchedTable
from storage.vocabulary import ExperimentStatus


class Found(StrEnum):
    IDEA = "idea"
    EXPERIMENT = "experiment"
    LEARNING = "learning"


EVERYTHING = frozenset(Found)
_TABLES: dict[Found, SearchedTable] = {
    Found.IDEA: IDEAS,
    Found.EXPERIMENT: EXPERIMENTS,
    Found.LEARNING: LEARNINGS,
}
# bm25 weights per column, in SearchedTable.columns order (PostgreSQL weighs by setweight).
_BM25_WEIGHTS = {
    Found.IDEA: "10.0, 3.0, 1.0",
    Found.EXPERIMENT: "5.0, 1.0",
    Found.LEARNING: "5.0, 2.0",
}


@dataclass(frozen=True)
class Match:
    kind: Found
    id: int
    score: float  # higher is better; comparable within one search only


async def search(
    *,
    session: AsyncSession,
    terms: Sequence[str],
    kinds: Collection[Found] = EVERYTHING,
    idea_statuses: Collection[str] | None = None,
    posted_ideas_only: bool = False,
    concluded_experiments_only: bool = False,
    limit: int = 10,
    offset: int = 0,
) -> list[Match]:
    """The best matches for any of `terms` (plain words, as `bot.search.rules.terms` makes
    them: letters and digits only, each matched as a prefix), best first.

    `idea_statuses` keeps ideas in those statuses; `posted_ideas_only` keeps ideas that are in
    Slack; `concluded_experiments_only` keeps experiments that concluded. Ask for `limit + 1`
    to learn whether there is a next page.
    """
    if not terms or not kinds:
        return []
    postgres = session.bind is not None and session.bind.dialect.name == "postgresql"
    parts = []
    params: dict[str, object] = {"limit": limit, "offset": offset}
    if postgres:
        params["query"] = " | ".join(f"{term}:*" for term in terms)
    else:
        params["query"] = " OR ".join(f'"{term}"*' for term in terms)
    for kind in Found:
        if kind not in kinds:
            continue
        table = _TABLES[kind]
        where = _filters(kind, idea_statuses, posted_ideas_only, concluded_experiments_only, params)
        if postgres:
            parts.append(
                f"SELECT '{kind.value}' AS kind, t.id AS id, "
                f"ts_rank(t.{table.vector}, q.query) AS score "
                f"FROM {table.name} t, to_tsquery('english', :query) AS q(query) "
                f"WHERE t.{table.vector} @@ q.query{where}"
            )
        else:
            parts.append(
                f"SELECT '{kind.value}' AS kind, t.id AS id, "
                f"-bm25({table.fts}, {_BM25_WEIGHTS[kind]}) AS score "
                f"FROM {table.fts} JOIN {table.name} t ON t.id = {table.fts}.rowid "
                f"WHERE {table.fts} MATCH :query{where}"
            )
    statement = sa.text(
        " UNION ALL ".join(f"SELECT * FROM ({part}) AS p{n}" for n, part in enumerate(parts))
        + " ORDER BY score DESC, id DESC LIMIT :limit OFFSET :offset"
    )
    if idea_statuses is not None:
        statement = statement.bindparams(sa.bindparam("statuses", expanding=True))
    rows = (await session.execute(statement, params)).all()
    return [Match(Found(row.kind), int(row.id), float(row.score)) for row in rows]


def _filters(
    kind: Found,
    idea_statuses: Collection[str] | None,
    posted_ideas_only: bool,
    concluded_experiments_only: bool,
    params: dict[str, object],
) -> str:
    where = ""
    if kind is Found.IDEA:
        if idea_statuses is not None:
            params["statuses"] = list(idea_statuses) or [""]
            where += " AND t.status IN :statuses"
        if posted_ideas_only:
            where += " AND t.permalink IS NOT NULL"
    if kind is Found.EXPERIMENT and concluded_experiments_only:
        params["concluded"] = ExperimentStatus.CONCLUDED.value
        where += " AND t.status = :concluded"
    return where
