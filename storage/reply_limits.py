"""At most one answer a while per key, decided in the database so replicas agree."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.claim_models import ReplyLimit


async def claim(*, session: AsyncSession, key: str, now: datetime, every: timedelta) -> bool:
    """True when nobody answered for `key` in the last `every` (this call now has); False when
    someone did. One statement, so two replicas asking at once cannot both win."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(ReplyLimit).values(key=key, last_at=now)
    claimed = await session.execute(
        statement.on_conflict_do_update(
            index_elements=["key"],
            set_={"last_at": statement.excluded.last_at},
            where=col(ReplyLimit.last_at) <= now - every,
        ).returning(col(ReplyLimit.key))
    )
    return claimed.scalar_one_or_none() is not None
