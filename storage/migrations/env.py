"""Alembic environment. Lightbulb runs migrations from code (`storage.migrate`), which
hands over an open connection so that sync Alembic runs inside the async engine."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import storage.anonymous_models  # noqa: F401
import storage.claim_models  # noqa: F401  (registers the tables on SQLModel.metadata)
import storage.duplicate_models  # noqa: F401
import storage.indexes  # noqa: F401
import storage.models  # noqa: F401
import storage.people_models  # noqa: F401
import storage.source_models  # noqa: F401
import storage.team_models  # noqa: F401

connection = context.config.attributes.get("connection")
if connection is None:
    raise SystemExit("Run migrations with `python -m bot migrate`.")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    transaction_per_migration=True,
)
with context.begin_transaction():
    context.run_migrations()
