"""Job `monthly-awards` through the real bot: the Cross-functional spark counts the departments
of an idea's helpers, its experiments' teams and owners, not only its voters'."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import col

from bot.awards import rules, weighing
from bot.awards import service as awards
from storage import experiments as experiment_store
from storage.models import Award, Idea, VoteReaction
from storage.people_models import Person
from storage.team_models import HelpOffer, TeamChange
from storage.vocabulary import ExperimentStatus
from tests.harness import LAB_CHANNEL, Harness, start_harness

AWARDS = "C0AWARDS01"
OCTOBER_ANNOUNCED = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
MID_OCTOBER = datetime(2026, 10, 15, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
# The departments recorded on the votes; the profiles say otherwise: awards never ask Slack.
VOTERS = {
    "U0ENG0001": "Engineering",
    "U0ENG0002": "Engineering",
    "U0ENG0003": "Engineering",
    "U0OPS0001": "Operations",
    "U0LEGAL01": "Legal",
}
OWNER = "U0OWNER01"  # owns the experiment; their department is the one stored for them now


@pytest.fixture
async def hall(migrated_url: str) -> AsyncIterator[Harness]:
    harness, close = await start_harness(
        migrated_url, AWARDS_CHANNEL=AWARDS, EXPERIMENTS_CHANNEL=LAB_CHANNEL
    )
    for person in [*VOTERS, "U0AUTHOR1", "U0AUTHOR2", "U0AUTHOR3", "U0AUTHOR4"]:
        harness.fake.add_user(person, title="Chief Everything Officer")
    try:
        yield harness
    finally:
        await close()


async def october_idea(hall: Harness, text: str, *, author: str, voters: list[str]) -> Idea:
    """An idea posted in mid-October, voted for by `voters` a minute apart, each with the
    department recorded then."""
    idea = await hall.share_idea(text, author=author)
    judged = sum(hall.runtime.votes.verdicts.values())
    for voter in voters:
        await hall.react(idea, voter)
    await hall.wait_judged(judged + len(voters))
    await hall.runtime.votes.drain()
    await hall.runtime.newcomers.drain()
    async with hall.db.session() as session:
        await session.execute(
            sa.update(Idea).where(col(Idea.id) == idea.id).values(created_at=MID_OCTOBER)
        )
        for n, voter in enumerate(voters, start=1):
            await session.execute(
                sa.update(VoteReaction)
                .where(col(VoteReaction.idea_id) == idea.id, col(VoteReaction.voter_id) == voter)
                .values(updated_at=MID_OCTOBER + MINUTE * n, voter_department=VOTERS[voter])
            )
    return idea


async def offer(
    hall: Harness, idea: Idea, helper: str, department: str | None, *, withdrawn: bool = False
) -> None:
    async with hall.db.session() as session:
        session.add(
            HelpOffer(
                idea_id=idea.id or 0,
                helper_id=helper,
                department=department,
                what="Customer calls",
                withdrawn_at=MID_OCTOBER + MINUTE if withdrawn else None,
            )
        )


async def experiment(
    hall: Harness,
    idea: Idea,
    team: list[tuple[str, str | None, bool]],
    *,
    owner: str = OWNER,
    status: str = ExperimentStatus.RUNNING,
) -> None:
    """An experiment testing `idea`, with its team's history: (person, department, joined),
    oldest first."""
    async with hall.db.session() as session:
        tested = await experiment_store.create_experiment(
            session=session,
            hypothesis=f"Testing {idea.text}",
            metric="m",
            owner_id=owner,
            started_by=owner,
            ends_on=MID_OCTOBER.date(),
            idea_id=idea.id,
        )
        tested.status = status
        for person, department, joined in team:
            session.add(
                TeamChange(
                    experiment_id=tested.id or 0,
                    user_id=person,
                    joined=joined,
                    department=department,
                    changed_by=owner,
                )
            )
            await session.flush()  # one id after the other: the latest change is the highest


async def kept(hall: Harness, category: str) -> list[tuple[int, str, int, int | None]]:
    async with hall.db.session() as session:
        awards_kept = (
            await session.execute(
                sa.select(Award).where(col(Award.category) == category).order_by(col(Award.rank))
            )
        ).scalars()
        return [(a.rank, a.title, a.votes, a.departments) for a in awards_kept]


def announced(hall: Harness) -> str:
    [post] = [m for m in hall.fake.messages(AWARDS) if "thread_ts" not in m]
    return "\n".join(
        [post["text"]]
        + [b["text"]["text"] for b in post["blocks"] if isinstance(b.get("text"), dict)]
    )


async def a_month_with_helpers(hall: Harness) -> None:
    """The idea of the month has the most votes, all from Engineering. "Pair sales with
    support" has one Engineering voter, helpers from Sales and Engineering again, a team
    member from Design (who left once and came back) and an owner in Support; a Legal helper
    withdrew and a Finance member was taken off the team. "Voters from two departments" is
    just that. "Offered help, never voted for" has helpers from four departments and no
    vote."""
    async with hall.db.session() as session:
        await session.merge(Person(user_id=OWNER, department="Support"))
    await october_idea(
        hall, "Top idea", author="U0AUTHOR1", voters=["U0ENG0001", "U0ENG0002", "U0ENG0003"]
    )
    helped = await october_idea(
        hall, "Pair sales with support", author="U0AUTHOR2", voters=["U0ENG0001"]
    )
    await october_idea(
        hall, "Voters from two departments", author="U0AUTHOR3", voters=["U0OPS0001", "U0LEGAL01"]
    )
    # Enough ideas for the idea of the month's podium without "Pair sales with support".
    await october_idea(
        hall, "Engineers' wiki", author="U0AUTHOR3", voters=["U0ENG0001", "U0ENG0002"]
    )
    await october_idea(
        hall, "Engineers' lunch", author="U0AUTHOR4", voters=["U0ENG0002", "U0ENG0003"]
    )
    unvoted = await october_idea(
        hall, "Offered help, never voted for", author="U0AUTHOR4", voters=[]
    )
    await offer(hall, helped, "U0HELPER1", "Sales")
    await offer(hall, helped, "U0HELPER2", "Engineering")  # a voter's department already
    await offer(hall, helped, "U0HELPER3", None)  # unknown: counts nowhere
    await offer(hall, helped, "U0HELPER4", "Legal", withdrawn=True)
    await experiment(
        hall,
        helped,
        [
            ("U0DESIGN1", "Design", True),
            ("U0FINANC1", "Finance", True),
            ("U0DESIGN1", "Design", False),
            ("U0FINANC1", "Finance", False),
            ("U0DESIGN1", "Design", True),
        ],
    )
    for n, department in enumerate(["Sales", "Marketing", "Finance", "Security"]):
        await offer(hall, unvoted, f"U0LONELY{n}", department)
    await experiment(hall, unvoted, [("U0DATA001", "Data", True)], owner="U0AUTHOR4")


async def test_helpers_teams_and_owners_make_the_spark(hall: Harness) -> None:
    await a_month_with_helpers(hall)

    report = await awards.run(hall.runtime, now=OCTOBER_ANNOUNCED)

    assert report.delivery.outcome == "posted", report.summary()
    # Engineering (the voter and a helper), Sales, Design and the owner's Support: not the
    # withdrawn Legal offer, not Finance who left the team, not the idea with no vote.
    assert await kept(hall, rules.CROSS_FUNCTIONAL_SPARK) == [
        (1, "Pair sales with support", 1, 4),
        (2, "Voters from two departments", 2, 2),
    ]
    assert await kept(hall, rules.IDEA_OF_THE_MONTH) == [
        (1, "Top idea", 3, 1),
        (2, "Voters from two departments", 2, 2),
        (3, "Engineers' wiki", 2, 1),
    ]
    text = announced(hall)
    assert "<@U0AUTHOR2>" in text and "1 vote, 4 departments taking part" in text
    assert "U0AUTHOR4" not in text


async def test_ideas_helped_outside_the_first_cut_are_still_weighed(
    hall: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a cut of one idea, "Pair sales with support" (one vote, one voter department)
    is outside it."""
    monkeypatch.setattr(weighing, "FIRST_CUT", 1)
    await a_month_with_helpers(hall)

    await awards.run(hall.runtime, now=OCTOBER_ANNOUNCED)

    assert [title for _, title, _, _ in await kept(hall, rules.CROSS_FUNCTIONAL_SPARK)] == [
        "Pair sales with support",
        "Voters from two departments",
    ]


async def test_the_idea_of_the_month_still_weighs_the_voters_departments_alone(
    hall: Harness,
) -> None:
    """Two votes each: the helpers' departments break no tie for the idea of the month."""
    helped = await october_idea(
        hall, "Engineers with helpers", author="U0AUTHOR1", voters=["U0ENG0001", "U0ENG0002"]
    )
    await october_idea(
        hall, "Voters from two departments", author="U0AUTHOR2", voters=["U0OPS0001", "U0LEGAL01"]
    )
    await offer(hall, helped, "U0HELPER1", "Sales")
    await offer(hall, helped, "U0HELPER2", "Design")

    await awards.run(hall.runtime, now=OCTOBER_ANNOUNCED)

    assert await kept(hall, rules.IDEA_OF_THE_MONTH) == [
        (1, "Voters from two departments", 2, 2),
        (2, "Engineers with helpers", 2, 1),
    ]
    assert await kept(hall, rules.CROSS_FUNCTIONAL_SPARK) == [(1, "Engineers with helpers", 2, 3)]


async def test_without_helpers_the_spark_is_the_voters_alone(hall: Harness) -> None:
    """A helper from the same department as the only voter adds nothing: no spark."""
    await october_idea(hall, "Top idea", author="U0AUTHOR1", voters=["U0ENG0001", "U0ENG0002"])
    lone = await october_idea(hall, "Engineers only", author="U0AUTHOR2", voters=["U0ENG0003"])
    await offer(hall, lone, "U0HELPER1", "Engineering")
    await experiment(hall, lone, [("U0HELPER2", None, True)], owner="U0NOBODY1")

    await awards.run(hall.runtime, now=OCTOBER_ANNOUNCED)

    assert await kept(hall, rules.CROSS_FUNCTIONAL_SPARK) == []
    assert [title for _, title, _, _ in await kept(hall, rules.IDEA_OF_THE_MONTH)] == [
        "Top idea",
        "Engineers only",
    ]


async def test_a_cancelled_experiments_team_counts_no_more(hall: Harness) -> None:
    """Its team from Sales and Design would make a spark of three departments."""
    await october_idea(hall, "Top idea", author="U0AUTHOR1", voters=["U0ENG0001", "U0ENG0002"])
    lone = await october_idea(hall, "Called off", author="U0AUTHOR2", voters=["U0ENG0003"])
    await experiment(
        hall,
        lone,
        [("U0HELPER1", "Sales", True), ("U0HELPER2", "Design", True)],
        owner="U0NOBODY1",
        status=ExperimentStatus.CANCELLED,
    )

    await awards.run(hall.runtime, now=OCTOBER_ANNOUNCED)

    assert await kept(hall, rules.CROSS_FUNCTIONAL_SPARK) == []


async def test_help_awards_states_the_spark_rule(hall: Harness) -> None:
    reply = await hall.command("help awards")

    text = reply.json()["text"]
    assert "offer of help" in text and "current team" in text and "owner" in text
    assert "at least one vote" in text
