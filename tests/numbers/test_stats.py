"""`/idea stats` through the real endpoint, and the numbers it is made of, on both engines:
a past month counted from what was recorded then, unchanged by later moves and decisions."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import col

from bot.numbers import rules, service
from bot.numbers.facts import Funnel
from storage.models import StatusChange, VoteReaction
from storage.people_models import Person
from storage.vocabulary import IdeaStatus
from tests.harness import Harness, eventually
from tests.numbers.seed import DES1, ENG1, LEG1, at, seed_november

NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)


async def ask(lab: Harness, text: str) -> dict:
    url = lab.fake.response_url("stats")
    reply = await lab.command(text, user=ENG1, response_url=url)
    assert reply.status == 200
    [answer] = await eventually(lambda: lab.fake.responses_to(url))
    return answer


def recorded(answer: dict) -> str:
    """What a reader sees, without what says when it was asked."""
    return json.dumps(answer["blocks"], ensure_ascii=False)


async def test_a_past_month_through_the_endpoint_is_private_and_counted_from_stored_facts(
    lab: Harness,
) -> None:
    await seed_november(lab.db)

    answer = await ask(lab, "stats 2026-11")

    assert answer.get("response_type", "ephemeral") == "ephemeral"
    body = recorded(answer)
    assert "Lightbulb in November 2026" in body
    assert "*4 ideas* from *4 people* (80% of 5) · *3 voters* · 2 departments took part" in body
    assert "4 new → 2 under review (50%) → 1 experimenting (50%) → 1 shipped (100%)" in body
    assert "3.0 days" in body
    assert "2 experiments started · 2 concluded, 1 with a written learning (50%)" in body
    assert "1 of 2 answers had 2 hours or more (50%); 2 of 3 questions answered" in body
    assert "Quiet for 60 days* (no idea, no vote): Legal" in body
    assert "Engineering" in body and "no department" in body
    assert "Only you can see this message" in body


async def test_later_moves_decisions_and_votes_leave_a_past_month_as_it_was(
    lab: Harness,
) -> None:
    await seed_november(lab.db)
    before = await service.compute(
        lab.runtime, rules.month(2026, 11, tz=ZoneInfo("UTC"), now=NOW), now=NOW
    )

    async with lab.db.session() as session:
        await session.execute(
            sa.update(Person).where(col(Person.user_id) == ENG1).values(department="Design")
        )
        session.add(
            StatusChange(
                idea_id=2,
                changed_by="U0ADMIN01",
                from_status=IdeaStatus.DECLINED,
                to_status=IdeaStatus.SHIPPED,
                created_at=at(12, 1, 9),
            )
        )
        session.add(
            VoteReaction(
                idea_id=3,
                voter_id=LEG1,
                voter_department="Legal",
                emoji="+1",
                event_ts="1796000000.000001",
                created_at=at(12, 1, 9),
                updated_at=at(12, 1, 9),
            )
        )
        await session.execute(
            sa.update(VoteReaction).where(col(VoteReaction.voter_id) == DES1).values(active=False)
        )
    after = await service.compute(
        lab.runtime, rules.month(2026, 11, tz=ZoneInfo("UTC"), now=NOW), now=NOW
    )

    def recorded_facts(numbers: object) -> list:
        return [
            (
                one.department,
                one.ideas,
                one.contributors,
                one.voters,
                one.funnel,
                one.median_days_to_decision,
                one.experiments_started,
                one.experiments_concluded,
                one.concluded_with_learning,
                one.exploration_asked,
                one.exploration_answered,
                one.exploration_protected,
            )
            for one in (numbers.programme, *numbers.departments)  # type: ignore[attr-defined]
        ]

    assert recorded_facts(after) == recorded_facts(before)
    assert before.quiet_departments == after.quiet_departments == ("Legal",)
    engineering = next(one for one in after.departments if one.department == "Engineering")
    assert (engineering.ideas, engineering.contributors, engineering.voters) == (2, 2, 1)
    assert engineering.funnel == Funnel(2, 2, 1, 1)
    assert engineering.median_days_to_decision == 4.0  # 2 and 6 days
    assert (engineering.experiments_started, engineering.experiments_concluded) == (1, 2)
    design = next(one for one in after.departments if one.department == "Design")
    assert (design.ideas, design.voters, design.experiments_started) == (1, 1, 1)
    assert after.programme.funnel == Funnel(4, 2, 1, 1)


async def test_this_month_so_far_is_the_default_and_a_bad_period_says_what_to_type(
    lab: Harness,
) -> None:
    await lab.share_idea("Walking meetings", author="U0WALK001")

    answer = await ask(lab, "stats")
    body = recorded(answer)
    month = f"{datetime.now(UTC):%B %Y}"
    assert f"Lightbulb in {month} so far" in body and "*1 idea* from *1 person*" in body

    wrong = await ask(lab, "stats 2026-13")
    assert "I can't read `2026-13` as a period" in wrong["text"]
    assert "`/idea stats 2026-11`" in wrong["text"] and "Traceback" not in wrong["text"]

    later = await ask(lab, "stats 2999")
    assert "2999 has not begun yet" in later["text"]


async def test_a_quarter_and_a_year_add_up_their_months(lab: Harness) -> None:
    await seed_november(lab.db)

    quarter = recorded(await ask(lab, "stats 2026-Q4"))
    year = recorded(await ask(lab, "stats 2026"))

    # October's idea joins November's four; its decision was in November either way.
    assert "Lightbulb in Q4 2026" in quarter and "*5 ideas* from *4 people*" in quarter
    assert "Lightbulb in 2026" in year and "*5 ideas*" in year
    assert "3 experiments started" in year
