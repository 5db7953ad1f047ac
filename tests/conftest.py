from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from hypothesis import settings

from storage import migrate
from tests.databases import fresh_postgres_database
from tests.harness import ADMIN, LAB_CHANNEL, Harness, start_harness

# Generated examples are judged on what they do, never on how fast a busy machine runs them:
# the tests share the cores, and a slow example is not a wrong one.
settings.register_profile("lightbulb", deadline=None)
settings.load_profile("lightbulb")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # noqa: ANN001
    """Each storage-touching test runs on a SQLite file and on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'lightbulb.db'}"
    else:
        with fresh_postgres_database() as url:
            yield url


@pytest.fixture
async def migrated_url(database_url: str) -> str:
    await migrate.upgrade(database_url)
    return database_url


@pytest.fixture
async def bot(migrated_url: str) -> AsyncIterator[Harness]:
    harness, close = await start_harness(migrated_url)
    try:
        yield harness
    finally:
        await close()


@pytest.fixture
async def lab(migrated_url: str, request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    """The bot with its own experiments channel and an admin; a test may add settings with
    `@pytest.mark.settings(NAME="value")`."""
    marker = request.node.get_closest_marker("settings")
    extra = marker.kwargs if marker else {}
    harness, close = await start_harness(
        migrated_url, EXPERIMENTS_CHANNEL=LAB_CHANNEL, ADMIN_USER_IDS=ADMIN, **extra
    )
    try:
        yield harness
    finally:
        await close()
