"""The Home tab's numbers through the real endpoint: this month by recorded departments, and
the last six months' ideas and contributors as a trend line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.models import Idea, VoteReaction
from storage.people_models import Person
from tests.harness import Harness
from tests.home.test_home import open_home, published, text_of
from tests.numbers.seed import seed_november


async def test_the_home_shows_this_month_by_recorded_department_and_a_trend(lab: Harness) -> None:
    await seed_november(lab.db)
    now = datetime.now(UTC)
    async with lab.db.session() as session:
        session.add_all(
            [
                Idea(
                    id=100 + n,
                    text=f"This month {n}",
                    author_id=author,
                    author_department=department,
                    created_at=now - timedelta(minutes=n),
                    channel_id="C0IDEAS01",
                    message_ts=f"1796000000.{n:06d}",
                )
                for n, (author, department) in enumerate(
                    [("U0NEW0001", "Finance"), ("U0NEW0001", "Finance"), ("U0NEW0002", "Ops")]
                )
            ]
        )
        session.add(Person(user_id="U0NEW0001", department="Marketing"))  # moved since
        await session.flush()
        session.add(
            VoteReaction(
                idea_id=100,
                voter_id="U0NEW0002",
                voter_department="Ops",
                emoji="+1",
                event_ts="1796000001.000001",
                created_at=now,
                updated_at=now,
            )
        )

    await open_home(lab, "U0NEW0001")

    body = text_of(await published(lab))
    assert "*3 ideas* from *2 people*" in body and "*1 voter*" in body
    assert "2 departments took part" in body  # Finance and Ops, as recorded
    # Six months, oldest first, ending with this one (in the programme's timezone, UTC here).
    assert body.count(" · ", body.index("Ideas by month:"), body.index("Contributors by")) == 5
    assert f"{now:%b} 3\\nContributors by month:" in body and f"{now:%b} 2\\n" in body
    assert "More, by department: `/idea stats`" in body
