"""November 2026 as stored facts, written directly: people, ideas with their recorded
departments, votes, status changes, experiments, learnings and exploration check-ins.

What the numbers of November must be, worked out by hand:
- ideas shared: Engineering 2 (2 people), Design 1, no department 1; 4 contributors in all
  (October's idea does not count)
- voters: Design 1, Engineering 1, no department 1; 3 in all (a vote taken back still counts)
- funnel: 4 new → 2 under review → 1 experimenting → 1 shipped (Design's idea was reviewed in
  December, after the period)
- first decisions in November: 2, 6, 1 and 4 days (October's idea, decided 1 November):
  median 3.0 days
- experiments: 2 started (Engineering by its idea, Design by its owner), 2 concluded (both
  Engineering), 1 with a learning written by the end of November
- exploration: 3 asked, 1 with 2 hours or more
- Legal has a person and no idea or vote since September: quiet
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.database import Database
from storage.models import Experiment, Idea, Learning, StatusChange, VoteReaction
from storage.people_models import ExplorationCheckin, Person
from storage.vocabulary import ExperimentStatus, IdeaStatus

ENG1, ENG2, DES1, LEG1, NODEP = "U0ENG0001", "U0ENG0002", "U0DES0001", "U0LEG0001", "U0NODEP01"
GONE = "U0GONE001"


def at(month: int, day: int, hour: int = 10, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def _idea(n: int, author: str, department: str | None, created: datetime) -> Idea:
    return Idea(
        id=n,
        text=f"Idea {n}",
        author_id=author,
        author_department=department,
        created_at=created,
        channel_id="C0IDEAS01",
        message_ts=f"1790000000.{n:06d}",
    )


def _change(idea_id: int, to: str, when: datetime, source: str = IdeaStatus.NEW) -> StatusChange:
    return StatusChange(
        idea_id=idea_id, changed_by="U0ADMIN01", from_status=source, to_status=to, created_at=when
    )


def _vote(
    idea_id: int, voter: str, department: str | None, when: datetime, active: bool = True
) -> VoteReaction:
    return VoteReaction(
        idea_id=idea_id,
        voter_id=voter,
        voter_department=department,
        emoji="+1",
        active=active,
        event_ts=f"{when.timestamp():.6f}",
        created_at=when,
        updated_at=when,
    )


def _experiment(
    n: int, idea_id: int | None, owner: str, created: datetime, concluded: datetime | None = None
) -> Experiment:
    return Experiment(
        id=n,
        idea_id=idea_id,
        hypothesis=f"Hypothesis {n}",
        metric="a metric",
        owner_id=owner,
        started_by=owner,
        ends_on=date(2026, 12, 31),
        status=ExperimentStatus.CONCLUDED if concluded else ExperimentStatus.RUNNING,
        created_at=created,
        concluded_at=concluded,
    )


async def seed_november(db: Database) -> None:
    async with db.session() as session:
        await _write(session)


async def _write(session: AsyncSession) -> None:
    people = [
        Person(user_id=ENG1, department="Engineering"),
        Person(user_id=ENG2, department="Engineering"),
        Person(user_id=DES1, department="Design"),
        Person(user_id=LEG1, department="Legal"),
        Person(user_id=NODEP, department=None),
        Person(user_id=GONE, department="Sales", active=False),
    ]
    ideas = [
        _idea(1, ENG1, "Engineering", at(11, 2)),
        _idea(2, ENG2, "Engineering", at(11, 3)),
        _idea(3, DES1, "Design", at(11, 5)),
        _idea(4, NODEP, None, at(11, 6)),
        _idea(5, ENG1, "Engineering", at(10, 28)),
    ]
    session.add_all(people)
    session.add_all(ideas)
    await session.flush()
    session.add_all(
        [
            _change(1, IdeaStatus.UNDER_REVIEW, at(11, 4)),
            _change(1, IdeaStatus.EXPERIMENTING, at(11, 10), IdeaStatus.UNDER_REVIEW),
            _change(1, IdeaStatus.SHIPPED, at(11, 20), IdeaStatus.EXPERIMENTING),
            _change(2, IdeaStatus.UNDER_REVIEW, at(11, 9)),
            _change(2, IdeaStatus.DECLINED, at(11, 12), IdeaStatus.UNDER_REVIEW),
            _change(3, IdeaStatus.UNDER_REVIEW, at(12, 2)),
            _change(4, IdeaStatus.PARKED, at(11, 7)),
            _change(5, IdeaStatus.UNDER_REVIEW, at(11, 1)),
            _vote(1, DES1, "Design", at(11, 3)),
            _vote(1, ENG2, "Engineering", at(11, 3)),
            _vote(2, NODEP, None, at(11, 4)),
            _vote(2, DES1, "Design", at(11, 4), active=False),
            _vote(5, LEG1, "Legal", at(9, 25)),
            _experiment(1, 1, ENG1, at(11, 10), concluded=at(11, 25)),
            _experiment(2, None, DES1, at(11, 12)),
            _experiment(3, 5, ENG1, at(10, 1), concluded=at(11, 15)),
        ]
    )
    await session.flush()
    session.add_all(
        [
            _learning(1, at(11, 26)),
            _learning(3, at(12, 2)),
            _checkin(ENG1, "Engineering", "more"),
            _checkin(DES1, "Design", "none"),
            _checkin(ENG2, "Engineering", None),
        ]
    )


def _learning(experiment_id: int, when: datetime) -> Learning:
    return Learning(
        experiment_id=experiment_id,
        outcome="confirmed",
        learned="It worked",
        next_step="Roll it out",
        author_id=ENG1,
        created_at=when,
    )


def _checkin(user: str, department: str, answer: str | None) -> ExplorationCheckin:
    return ExplorationCheckin(
        user_id=user,
        week="2026-W46",
        department=department,
        asked_at=at(11, 13, 14),
        answer=answer,
        answered_at=at(11, 13, 15) if answer else None,
    )
