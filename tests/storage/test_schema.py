"""The migrations build exactly the tables the models describe, on both engines."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import storage.anonymous_models  # noqa: F401
import storage.claim_models  # noqa: F401  (registers their tables on SQLModel.metadata)
import storage.duplicate_models  # noqa: F401
import storage.indexes  # noqa: F401
import storage.models  # noqa: F401
import storage.people_models  # noqa: F401
import storage.source_models  # noqa: F401
import storage.team_models  # noqa: F401
from storage.database import create_engine
from storage.search_schema import is_search_object


def _differences(connection: Connection) -> list:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_name": _described_by_models}
    )
    return compare_metadata(context, SQLModel.metadata)


def _described_by_models(name: str | None, _kind: str, _parents: dict) -> bool:
    return not is_search_object(name)


async def test_the_migrated_schema_matches_the_models(migrated_url: str) -> None:
    engine = create_engine(migrated_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(_differences)
    finally:
        await engine.dispose()

    assert differences == []
