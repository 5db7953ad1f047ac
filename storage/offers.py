"""Offers of help on ideas. They know nothing of Slack: callers pass plain values."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage import anonymous
from storage.models import Idea
from storage.people import department_of
from storage.team_models import HelpOffer


async def offer(
    *,
    session: AsyncSession,
    idea_id: int,
    helper_id: str,
    kinds: Sequence[str],
    what: str,
    now: datetime,
) -> tuple[HelpOffer, bool]:
    """Store the offer, or edit the person's earlier one (a withdrawn one stands again). It
    records their department as it is now. Returns the offer and whether it is new; either
    way the author is told of it (again). One statement, so two clicks at once make one row."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = {
        "idea_id": idea_id,
        "helper_id": helper_id,
        "department": await department_of(session=session, user_id=helper_id),
        "kinds": ",".join(kinds),
        "what": what,
        "created_at": now,
        "updated_at": now,
        "withdrawn_at": None,
        "told_at": None,
    }
    statement = insert(HelpOffer).values(values)
    upsert = statement.on_conflict_do_update(
        index_elements=["idea_id", "helper_id"],
        set_={
            name: statement.excluded[name]
            for name in ("kinds", "what", "updated_at", "withdrawn_at", "told_at")
        },
    ).returning(col(HelpOffer.id))
    offer_id = (await session.execute(upsert)).scalar_one()
    row = await session.get(HelpOffer, offer_id, populate_existing=True)
    assert row is not None
    return row, row.created_at == row.updated_at


async def get_offer(*, session: AsyncSession, idea_id: int, helper_id: str) -> HelpOffer | None:
    result = await session.execute(
        select(HelpOffer).where(HelpOffer.idea_id == idea_id, HelpOffer.helper_id == helper_id)
    )
    return result.scalar_one_or_none()


async def withdraw(
    *, session: AsyncSession, idea_id: int, helper_id: str, now: datetime
) -> HelpOffer | None:
    """Mark the person's standing offer withdrawn (it is kept); None when they had none."""
    result = await session.execute(
        sa.update(HelpOffer)
        .where(
            col(HelpOffer.idea_id) == idea_id,
            col(HelpOffer.helper_id) == helper_id,
            col(HelpOffer.withdrawn_at).is_(None),
        )
        .values(withdrawn_at=now)
        .returning(col(HelpOffer.id))
    )
    offer_id = result.scalar_one_or_none()
    return None if offer_id is None else await session.get(HelpOffer, offer_id)


async def standing(*, session: AsyncSession, idea_id: int) -> list[HelpOffer]:
    """The idea's offers not withdrawn, first made first."""
    result = await session.execute(
        select(HelpOffer)
        .where(HelpOffer.idea_id == idea_id, col(HelpOffer.withdrawn_at).is_(None))
        .order_by(col(HelpOffer.created_at), col(HelpOffer.id))
    )
    return list(result.scalars())


async def helper_ids(*, session: AsyncSession, idea_id: int) -> list[str]:
    """Who offered help on the idea and has not withdrawn, first offer first."""
    return [offer.helper_id for offer in await standing(session=session, idea_id=idea_id)]


async def claim_untold(*, session: AsyncSession, idea_id: int, now: datetime) -> list[HelpOffer]:
    """Claim the idea's standing offers its author has not been told of: the caller tells
    them. One statement, so two replicas never both tell the same offer."""
    result = await session.execute(
        sa.update(HelpOffer)
        .where(
            col(HelpOffer.idea_id) == idea_id,
            col(HelpOffer.told_at).is_(None),
            col(HelpOffer.withdrawn_at).is_(None),
        )
        .values(told_at=now)
        .returning(col(HelpOffer.id))
    )
    ids = list(result.scalars())
    if not ids:
        return []
    rows = await session.execute(
        select(HelpOffer)
        .where(col(HelpOffer.id).in_(ids))
        .order_by(col(HelpOffer.created_at), col(HelpOffer.id))
        .execution_options(populate_existing=True)
    )
    return list(rows.scalars())


async def ideas_untold(*, session: AsyncSession, before: datetime) -> list[int]:
    """Ideas with standing offers made or edited before `before` that their authors have not
    been told of (a process stopped before telling them)."""
    result = await session.execute(
        select(HelpOffer.idea_id)
        .where(
            col(HelpOffer.told_at).is_(None),
            col(HelpOffer.withdrawn_at).is_(None),
            col(HelpOffer.updated_at) < before,
        )
        .distinct()
    )
    return sorted(result.scalars())


async def on_ideas(
    *, session: AsyncSession, author_id: str | None, limit: int
) -> list[tuple[Idea, HelpOffer]]:
    """The latest standing offers on `author_id`'s ideas, also those shared anonymously (on
    everyone's with None), newest first."""
    query = (
        select(Idea, HelpOffer)
        .join(HelpOffer, col(HelpOffer.idea_id) == col(Idea.id))
        .where(col(HelpOffer.withdrawn_at).is_(None))
        .order_by(col(HelpOffer.updated_at).desc(), col(HelpOffer.id).desc())
        .limit(limit)
    )
    if author_id is not None:
        query = query.where(anonymous.written_by(author_id))
    return [(idea, offer) for idea, offer in (await session.execute(query)).all()]
