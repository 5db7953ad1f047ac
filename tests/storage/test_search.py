"""Full-text search on a real SQLite file and a real PostgreSQL database: the index follows
every insert, edit and delete, ranks the closer match first, and filters as asked."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from storage import ideas
from storage.database import Database
from storage.models import Experiment, Learning
from storage.search import Found, search
from storage.vocabulary import ExperimentStatus, IdeaStatus


async def _idea(db: Database, text: str, details: str | None = None) -> int:
    async with db.session() as session:
        idea = await ideas.create_idea(
            session=session, author_id="U0ALICE01", text=text, details=details
        )
        assert idea.id is not None
        return idea.id


async def test_search_finds_stems_and_prefixes_and_ranks_the_summary_first(
    migrated_url: str,
) -> None:
    db = Database(migrated_url)
    try:
        in_details = await _idea(db, "Quarterly plan", details="better onboarding for customers")
        in_summary = await _idea(db, "Onboarding checklist for new customers")
        await _idea(db, "Free fruit on Fridays")
        async with db.session() as session:
            found = await search(session=session, terms=["onboarded"])
            prefix = await search(session=session, terms=["onboa"])
        assert [match.id for match in found] == [in_summary, in_details]
        assert {match.id for match in prefix} == {in_summary, in_details}
    finally:
        await db.engine.dispose()


async def test_the_index_follows_edits_and_deletes(migrated_url: str) -> None:
    db = Database(migrated_url)
    try:
        idea_id = await _idea(db, "Standing desks")
        async with db.session() as session:
            await session.execute(
                sa.text("UPDATE ideas SET text = 'Walking meetings' WHERE id = :id"),
                {"id": idea_id},
            )
        async with db.session() as session:
            assert await search(session=session, terms=["desks"]) == []
            assert [m.id for m in await search(session=session, terms=["walking"])] == [idea_id]
            await session.execute(sa.text("DELETE FROM ideas WHERE id = :id"), {"id": idea_id})
        async with db.session() as session:
            assert await search(session=session, terms=["walking"]) == []
    finally:
        await db.engine.dispose()


async def test_experiments_learnings_and_filters(migrated_url: str) -> None:
    db = Database(migrated_url)
    try:
        idea_id = await _idea(db, "Pricing page test")
        async with db.session() as session:
            running = Experiment(
                idea_id=idea_id,
                hypothesis="A pricing banner lifts trials",
                metric="trials",
                owner_id="U0ALICE01",
                started_by="U0ALICE01",
                ends_on=date(2026, 12, 31),
            )
            done = Experiment(
                idea_id=idea_id,
                hypothesis="Annual pricing sells",
                metric="revenue",
                owner_id="U0ALICE01",
                started_by="U0ALICE01",
                ends_on=date(2026, 12, 31),
                status=ExperimentStatus.CONCLUDED,
            )
            session.add_all([running, done])
            await session.flush()
            session.add(
                Learning(
                    experiment_id=done.id or 0,
                    outcome="failed",
                    learned="Pricing annual scared people",
                    next_step="try monthly",
                    author_id="U0ALICE01",
                )
            )
            await session.execute(
                sa.text("UPDATE ideas SET status = :s WHERE id = :id"),
                {"s": IdeaStatus.DECLINED.value, "id": idea_id},
            )
        async with db.session() as session:
            everything = await search(session=session, terms=["pricing"])
            concluded = await search(
                session=session,
                terms=["pricing"],
                kinds={Found.EXPERIMENT, Found.LEARNING},
                concluded_experiments_only=True,
            )
            open_ideas = await search(
                session=session,
                terms=["pricing"],
                kinds={Found.IDEA},
                idea_statuses=[IdeaStatus.NEW],
            )
            unposted = await search(session=session, terms=["pricing"], posted_ideas_only=True)
            page = await search(session=session, terms=["pricing"], limit=2, offset=2)
        assert sorted(m.kind for m in everything) == [
            "experiment",
            "experiment",
            "idea",
            "learning",
        ]
        assert sorted((m.kind, m.id) for m in concluded) == [
            (Found.EXPERIMENT, done.id),
            (Found.LEARNING, 1),
        ]
        assert open_ideas == []
        assert Found.IDEA not in {m.kind for m in unposted}
        assert len(page) == 2 and page[0] not in everything[:2]
    finally:
        await db.engine.dispose()
