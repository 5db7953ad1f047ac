"""The migrations build exactly the tables the models describe, on both engines."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import storage.claim_models  # noqa: F401  (registers their tables on SQLModel.metadata)
import storage.indexes  # noqa: F401
import storage.models  # noqa: F401
import storage.people_models  # noqa: F401
import storage.team_models  # noqa: F401
from storage.database import create_engine


def _differences(connection: Connection) -> list:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, SQLModel.metadata)


async def test_the_migrated_schema_matches_the_models(migrated_url: str) -> None:
    engine = create_engine(migrated_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(_differences)
    finally:
        await engine.dispose()

    assert differences == []
