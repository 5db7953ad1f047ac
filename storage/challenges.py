"""Challenges, the ideas submitted to them, and their winners."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import Challenge, Idea, VoteReaction
from storage.vocabulary import ChallengeStatus
from storage.votes import vote_counts


async def create_challenge(
    *,
    session: AsyncSession,
    question: str,
    why: str,
    judged_by: str,
    theme_id: int | None,
    sponsor_id: str,
    opens_on: date,
    closes_on: date,
    target_channel: str,
    created_by: str,
) -> Challenge:
    challenge = Challenge(
        question=question,
        why=why,
        judged_by=judged_by,
        theme_id=theme_id,
        sponsor_id=sponsor_id,
        opens_on=opens_on,
        closes_on=closes_on,
        target_channel=target_channel,
        created_by=created_by,
    )
    session.add(challenge)
    await session.flush()
    return challenge


async def get_challenge(*, session: AsyncSession, challenge_id: int) -> Challenge | None:
    return await session.get(Challenge, challenge_id)


async def in_status(
    *, session: AsyncSession, statuses: Sequence[ChallengeStatus]
) -> list[Challenge]:
    """Challenges in any of these statuses, the soonest to close first."""
    result = await session.execute(
        select(Challenge)
        .where(col(Challenge.status).in_(list(statuses)))
        .order_by(col(Challenge.closes_on), col(Challenge.id))
    )
    return list(result.scalars())


async def challenges_by_id(
    *, session: AsyncSession, challenge_ids: Iterable[int]
) -> dict[int, Challenge]:
    ids = set(challenge_ids)
    if not ids:
        return {}
    result = await session.execute(select(Challenge).where(col(Challenge.id).in_(ids)))
    return {challenge.id or 0: challenge for challenge in result.scalars()}


async def every_challenge(*, session: AsyncSession) -> list[Challenge]:
    result = await session.execute(select(Challenge).order_by(col(Challenge.id)))
    return list(result.scalars())


async def move(
    *,
    session: AsyncSession,
    challenge_id: int,
    from_status: ChallengeStatus,
    to_status: ChallengeStatus,
    **values: object,
) -> bool:
    """Move the challenge on, only from `from_status`: of two replicas doing the same, one
    gets True."""
    result = await session.execute(
        sa.update(Challenge)
        .where(col(Challenge.id) == challenge_id, col(Challenge.status) == from_status)
        .values(status=to_status, **values)
        .returning(col(Challenge.id))
    )
    return result.scalar_one_or_none() is not None


async def update(*, session: AsyncSession, challenge_id: int, **values: object) -> None:
    await session.execute(
        sa.update(Challenge).where(col(Challenge.id) == challenge_id).values(**values)
    )


@dataclass(frozen=True)
class Turnout:
    ideas: int
    voters: int


async def turnout(*, session: AsyncSession, challenge_id: int) -> Turnout:
    """How many ideas the challenge has, and how many different people voted on them."""
    ideas = await session.execute(
        select(sa.func.count()).select_from(Idea).where(col(Idea.challenge_id) == challenge_id)
    )
    voters = await session.execute(
        select(sa.func.count(sa.distinct(col(VoteReaction.voter_id))))
        .select_from(VoteReaction)
        .join(Idea, col(Idea.id) == col(VoteReaction.idea_id))
        .where(col(Idea.challenge_id) == challenge_id, col(VoteReaction.active))
    )
    return Turnout(ideas=int(ideas.scalar_one()), voters=int(voters.scalar_one()))


async def entries(*, session: AsyncSession, challenge_id: int) -> list[tuple[Idea, int]]:
    """The challenge's ideas with their votes, most votes first (the earlier idea first on a
    tie)."""
    result = await session.execute(
        select(Idea).where(col(Idea.challenge_id) == challenge_id).order_by(col(Idea.id))
    )
    ideas = list(result.scalars())
    counts = await vote_counts(session=session, idea_ids=[idea.id or 0 for idea in ideas])
    ranked = sorted(ideas, key=lambda idea: (-counts[idea.id or 0], idea.created_at, idea.id))
    return [(idea, counts[idea.id or 0]) for idea in ranked]


async def unlisted_entries(*, session: AsyncSession, challenge_id: int) -> list[Idea]:
    """Posted ideas of the challenge not yet listed in its card's thread, oldest first."""
    result = await session.execute(
        select(Idea)
        .where(
            col(Idea.challenge_id) == challenge_id,
            col(Idea.message_ts).is_not(None),
            col(Idea.challenge_entry_ts).is_(None),
        )
        .order_by(col(Idea.id))
    )
    return list(result.scalars())


async def record_entry(*, session: AsyncSession, idea_id: int, message_ts: str) -> None:
    await session.execute(
        sa.update(Idea).where(col(Idea.id) == idea_id).values(challenge_entry_ts=message_ts)
    )


async def mark_winners(
    *, session: AsyncSession, challenge_id: int, idea_ids: Iterable[int], now: datetime
) -> None:
    await session.execute(
        sa.update(Idea)
        .where(col(Idea.challenge_id) == challenge_id, col(Idea.id).in_(list(idea_ids)))
        .values(challenge_won_at=now)
    )


async def winners(*, session: AsyncSession, challenge_id: int) -> list[Idea]:
    result = await session.execute(
        select(Idea)
        .where(col(Idea.challenge_id) == challenge_id, col(Idea.challenge_won_at).is_not(None))
        .order_by(col(Idea.id))
    )
    return list(result.scalars())


async def closing_between(*, session: AsyncSession, start: date, end: date) -> list[Challenge]:
    """Open challenges whose closing day falls in [start, end]."""
    result = await session.execute(
        select(Challenge)
        .where(
            col(Challenge.status) == ChallengeStatus.OPEN,
            col(Challenge.closes_on) >= start,
            col(Challenge.closes_on) <= end,
        )
        .order_by(col(Challenge.closes_on), col(Challenge.id))
    )
    return list(result.scalars())


async def extend(*, session: AsyncSession, challenge_id: int, closes_on: date, until: date) -> bool:
    """Give an open challenge that closes on `closes_on` one more week, once: of two replicas
    doing the same, one gets True."""
    result = await session.execute(
        sa.update(Challenge)
        .where(
            col(Challenge.id) == challenge_id,
            col(Challenge.status) == ChallengeStatus.OPEN,
            col(Challenge.closes_on) == closes_on,
            col(Challenge.extended).is_(False),
        )
        .values(closes_on=until, extended=True)
        .returning(col(Challenge.id))
    )
    return result.scalar_one_or_none() is not None


async def departments_by_entry(*, session: AsyncSession, challenge_id: int) -> dict[int, int]:
    """How many departments the current voters of each of the challenge's ideas came from,
    as recorded when they voted (ideas without a department among their voters are left
    out)."""
    result = await session.execute(
        select(VoteReaction.idea_id, sa.func.count(sa.distinct(col(VoteReaction.voter_department))))
        .join(Idea, col(Idea.id) == col(VoteReaction.idea_id))
        .where(
            col(Idea.challenge_id) == challenge_id,
            col(VoteReaction.active),
            col(VoteReaction.voter_department).is_not(None),
        )
        .group_by(col(VoteReaction.idea_id))
    )
    return {idea_id: int(departments) for idea_id, departments in result}


async def decided_since(*, session: AsyncSession, since: datetime) -> list[Challenge]:
    """Challenges whose winners were decided at or after `since`."""
    result = await session.execute(
        select(Challenge)
        .where(
            col(Challenge.status) == ChallengeStatus.DECIDED,
            col(Challenge.decided_at) >= since,
        )
        .order_by(col(Challenge.id))
    )
    return list(result.scalars())


async def decide(
    *,
    session: AsyncSession,
    challenge_id: int,
    idea_ids: Iterable[int],
    decided_by: str | None,
    now: datetime,
) -> bool:
    """Move a closed challenge to decided and mark its winners, in one transaction: of two
    submissions (or a submission and the people's choice), one gets True."""
    if not await move(
        session=session,
        challenge_id=challenge_id,
        from_status=ChallengeStatus.CLOSED,
        to_status=ChallengeStatus.DECIDED,
        decided_by=decided_by,
        decided_at=now,
    ):
        return False
    await mark_winners(session=session, challenge_id=challenge_id, idea_ids=idea_ids, now=now)
    return True


async def challenge_ids_of(*, session: AsyncSession, idea_ids: Iterable[int]) -> set[int]:
    """The challenges these ideas were submitted to."""
    ids = set(idea_ids)
    if not ids:
        return set()
    result = await session.execute(
        select(Idea.challenge_id).where(col(Idea.id).in_(ids), col(Idea.challenge_id).is_not(None))
    )
    return {challenge_id for challenge_id in result.scalars() if challenge_id is not None}


async def with_card(*, session: AsyncSession) -> list[Challenge]:
    """Challenges whose card is in Slack, whatever their status, oldest first."""
    result = await session.execute(
        select(Challenge).where(col(Challenge.message_ts).is_not(None)).order_by(col(Challenge.id))
    )
    return list(result.scalars())
