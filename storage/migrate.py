"""Alembic, driven from code: `python -m bot migrate` and the start-up schema check."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection

from storage.database import create_engine, redacted

MIGRATIONS = Path(__file__).parent / "migrations"
# Serialises concurrent `migrate` runs from several replicas on one PostgreSQL database.
PG_MIGRATION_LOCK = 0x11647B


class SchemaNotReady(Exception):
    """The database is not at the newest migration."""


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migrations found"
    return head


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _upgrade(connection: Connection) -> tuple[str | None, str | None]:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": PG_MIGRATION_LOCK})
    before = _current(connection)
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
    return before, _current(connection)


async def upgrade(url: str) -> tuple[str | None, str | None]:
    """Apply every pending migration; returns the revisions before and after. Idempotent."""
    engine = create_engine(url, foreign_keys=False)
    try:
        async with engine.begin() as connection:
            return await connection.run_sync(_upgrade)
    finally:
        await engine.dispose()


async def current_revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_current)
    finally:
        await engine.dispose()


async def ensure_migrated(url: str) -> None:
    """Raise `SchemaNotReady` with an operator-facing message unless the schema is current."""
    current, head = await current_revision(url), head_revision()
    if current != head:
        state = "has no Lightbulb tables yet" if current is None else f"is at revision {current}"
        raise SchemaNotReady(
            f"The database {redacted(url)} {state}; this version needs {head}. "
            "Run `python -m bot migrate` first (or start with `serve --migrate`)."
        )
