"""Storage on a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from storage import ideas, migrate, votes
from storage.database import Database, DatabaseUrlError, async_database_url, create_engine


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("sqlite:///./lightbulb.db", "sqlite+aiosqlite:///./lightbulb.db"),
        ("sqlite:////var/lib/lb.db", "sqlite+aiosqlite:////var/lib/lb.db"),
        ("postgresql://u:p@db:5432/lb", "postgresql+psycopg://u:p@db:5432/lb"),
        ("postgres://u@db/lb", "postgresql+psycopg://u@db/lb"),
        ("postgresql+asyncpg://u@db/lb", "postgresql+asyncpg://u@db/lb"),
    ],
)
def test_database_urls_map_to_async_drivers(written: str, expected: str) -> None:
    assert async_database_url(written) == expected


@pytest.mark.parametrize("url", ["mysql://u@h/db", "not a url"])
def test_unsupported_database_urls_say_what_to_use(url: str) -> None:
    with pytest.raises(DatabaseUrlError, match="sqlite:///"):
        async_database_url(url)


async def test_sqlite_runs_with_wal_busy_timeout_and_foreign_keys(tmp_path) -> None:  # noqa: ANN001
    engine = create_engine(f"sqlite:///{tmp_path / 'p.db'}")
    async with engine.connect() as connection:
        pragmas = {
            name: (await connection.execute(text(f"PRAGMA {name}"))).scalar()
            for name in ("journal_mode", "busy_timeout", "foreign_keys")
        }
    await engine.dispose()

    assert pragmas == {"journal_mode": "wal", "busy_timeout": 5000, "foreign_keys": 1}


async def test_migrations_turn_sqlite_foreign_keys_off(tmp_path) -> None:  # noqa: ANN001
    engine = create_engine(f"sqlite:///{tmp_path / 'm.db'}", foreign_keys=False)
    async with engine.connect() as connection:
        assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 0
    await engine.dispose()


async def test_migrate_is_idempotent_and_unlocks_serving(database_url: str) -> None:
    with pytest.raises(migrate.SchemaNotReady, match="python -m bot migrate"):
        await migrate.ensure_migrated(database_url)

    first = await migrate.upgrade(database_url)
    second = await migrate.upgrade(database_url)

    head = migrate.head_revision()
    assert first == (None, head) and second == (head, head)
    await migrate.ensure_migrated(database_url)


async def test_only_one_of_many_concurrent_claims_wins(migrated_url: str) -> None:
    db = Database(migrated_url)
    try:
        async with db.session() as session:
            idea = await ideas.create_idea(session=session, author_id="U0ALICE01", text="x y")
        idea_id = idea.id
        assert idea_id is not None

        async def claim() -> bool:
            async with db.session() as session:
                return await ideas.claim_post(session=session, idea_id=idea_id)

        results = await asyncio.gather(*(claim() for _ in range(8)))
        assert sorted(results) == [False] * 7 + [True]

        async with db.session() as session:
            await ideas.record_post_failure(session=session, idea_id=idea_id, error="http_503")
            assert await ideas.claim_post(session=session, idea_id=idea_id)
            await ideas.record_post(
                session=session, idea_id=idea_id, channel_id="C1", message_ts="1.2"
            )
            assert not await ideas.claim_post(session=session, idea_id=idea_id)
            assert await ideas.unposted_ideas(session=session) == []
    finally:
        await db.dispose()


async def test_a_claim_left_by_a_dead_worker_can_be_taken_over(migrated_url: str) -> None:
    db = Database(migrated_url)
    try:
        async with db.session() as session:
            idea = await ideas.create_idea(session=session, author_id="U0ALICE01", text="x y")
            assert idea.id is not None
            assert await ideas.claim_post(session=session, idea_id=idea.id)
        later = ideas.utcnow() + ideas.STALE_POST_CLAIM * 2
        async with db.session() as session:
            assert await ideas.claim_post(session=session, idea_id=idea.id, now=later)
    finally:
        await db.dispose()


async def test_vote_batches_from_replicas_never_deadlock(migrated_url: str) -> None:
    """Replicas write overlapping batches at once (Slack delivers an event twice, to two of
    them): whatever order the changes arrive in, the rows are locked in one order."""
    db = Database(migrated_url)
    try:
        async with db.session() as session:
            idea = await ideas.create_idea(session=session, author_id="U0ALICE01", text="x y")
        idea_id = idea.id or 0
        voters = [f"U{n:08d}" for n in range(300)]

        async def write(order: list[str], round_: int) -> None:
            changes = [
                votes.ReactionChange(idea_id, voter, "+1", True, f"{1700000000 + round_}.000001")
                for voter in order
            ]
            async with db.session() as session:
                await votes.apply_reactions(session=session, changes=changes)

        for round_ in range(10):
            await asyncio.gather(
                write(voters, round_), write(voters[::-1], round_), write(voters[::7], round_)
            )

        async with db.session() as session:
            assert await votes.vote_count(session=session, idea_id=idea_id) == len(voters)
    finally:
        await db.dispose()
