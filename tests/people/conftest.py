from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest
from sqlmodel import col, select

from storage.models import Idea, VoteReaction
from storage.people_models import Person
from tests.harness import ADMIN, Harness, start_harness

Start = Callable[..., AbstractAsyncContextManager[Harness]]


@pytest.fixture
def start(migrated_url: str) -> Start:
    """The bot with the department settings a test gives (a mapping file needs its path)."""

    @asynccontextmanager
    async def started(**settings: Any) -> AsyncIterator[Harness]:
        harness, close = await start_harness(migrated_url, ADMIN_USER_IDS=ADMIN, **settings)
        try:
            yield harness
        finally:
            await close()

    return started


async def person(h: Harness, user_id: str) -> Person | None:
    async with h.db.session() as session:
        return await session.get(Person, user_id)


async def idea_department(h: Harness, idea: Idea) -> str | None:
    async with h.db.session() as session:
        stored = await session.get(Idea, idea.id)
        assert stored is not None
        return stored.author_department


async def vote_departments(h: Harness, idea: Idea) -> dict[str, str | None]:
    async with h.db.session() as session:
        result = await session.execute(
            select(VoteReaction.voter_id, VoteReaction.voter_department).where(
                col(VoteReaction.idea_id) == idea.id
            )
        )
        return {voter: department for voter, department in result}
