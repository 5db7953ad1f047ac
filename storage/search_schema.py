"""The full-text search objects that migration 0014 adds beside the models' tables.

The models do not describe them (an FTS5 table or a generated `tsvector` column has no
SQLModel form), so the schema check and the search queries both read their names here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SearchedTable:
    name: str
    # The first column weighs most: a summary, a hypothesis, what was learned.
    columns: tuple[str, ...]

    @property
    def fts(self) -> str:
        """SQLite: the FTS5 table over `columns`, kept by triggers."""
        return f"{self.name}_fts"

    @property
    def vector(self) -> str:
        """PostgreSQL: the generated `tsvector` column."""
        return "search_vector"

    @property
    def index(self) -> str:
        """PostgreSQL: the GIN index on `vector`."""
        return f"ix_search_{self.name}"


IDEAS = SearchedTable("ideas", ("text", "problem", "details"))
EXPERIMENTS = SearchedTable("experiments", ("hypothesis", "metric"))
LEARNINGS = SearchedTable("learnings", ("learned", "next_step"))
SEARCHED = (IDEAS, EXPERIMENTS, LEARNINGS)


def is_search_object(name: str | None) -> bool:
    """Whether a table, column or index is one of search's own (the schema check skips them)."""
    if name is None:
        return False
    return name == "search_vector" or any(
        name == table.index or name.startswith(table.fts) for table in SEARCHED
    )
