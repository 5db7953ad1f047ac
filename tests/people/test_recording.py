"""Each idea and vote keeps the department its person had when it happened, through the real
endpoint: a later move changes nothing recorded, and a newcomer's is filled in once they
are looked up."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.people import service
from tests.harness import Harness, eventually
from tests.people.conftest import Start, idea_department, person, vote_departments

ANNA, BOB, CARL = "U0ANNA001", "U0BOB0001", "U0CARL001"


async def refresh(h: Harness) -> None:
    await service.refresh(h.runtime, now=datetime.now(UTC))


async def test_ideas_and_votes_keep_the_department_of_their_moment(start: Start) -> None:
    async with start(DEPARTMENT_SOURCE="usergroups", DEPARTMENT_GROUPS="sales,eng") as h:
        h.add_people(ANNA, BOB)
        h.fake.add_usergroup("sales", name="Sales", users=[ANNA])
        h.fake.add_usergroup("eng", name="Engineering", users=[BOB])
        await refresh(h)

        first = await h.share_idea("Free fruit on Fridays", author=ANNA)
        await h.react(first, BOB)
        await h.wait_judged(1)
        assert await idea_department(h, first) == "Sales"
        assert await vote_departments(h, first) == {BOB: "Engineering"}

        # Both move: Anna to engineering, Bob to sales.
        h.fake.add_usergroup("sales", name="Sales", users=[BOB])
        h.fake.add_usergroup("eng", name="Engineering", users=[ANNA])
        await refresh(h)
        moved = await person(h, BOB)
        assert moved is not None and moved.department == "Sales"

        # Bob takes his vote back and gives it again: still the vote he first gave.
        await h.react(first, BOB, added=False)
        await h.react(first, BOB)
        await h.wait_judged(3)
        assert await h.votes_on(first) == 1
        assert await idea_department(h, first) == "Sales"
        assert await vote_departments(h, first) == {BOB: "Engineering"}

        second = await h.share_idea("A quiet room for calls", author=ANNA)
        await h.react(second, BOB)
        await h.wait_judged(4)
        assert await idea_department(h, second) == "Engineering"
        assert await vote_departments(h, second) == {BOB: "Sales"}


async def test_a_newcomers_vote_and_idea_get_their_department_once_looked_up(
    start: Start, tmp_path: Path
) -> None:
    mapping = tmp_path / "titles.txt"
    mapping.write_text("*engineer* = Engineering\n")
    async with start(DEPARTMENT_TITLES=str(mapping)) as h:
        h.add_people(ANNA)
        h.fake.add_user(CARL, title="Site Reliability Engineer")
        idea = await h.share_idea("Free fruit on Fridays", author=ANNA)
        assert await person(h, CARL) is None

        # Slack is slow to say who Carl is: his vote counts at once, with no department yet.
        h.fake.hold("users.info")
        await h.react(idea, CARL)
        await h.wait_judged(1)
        assert await vote_departments(h, idea) == {CARL: None}
        h.fake.release("users.info")

        async def filled_in() -> bool:
            return (await vote_departments(h, idea)) == {CARL: "Engineering"}

        await eventually(filled_in, failure="Carl's vote never got his department")
        carl = await person(h, CARL)
        assert carl is not None and carl.department == "Engineering" and carl.active

        # Anna posted before anyone knew her: her idea is filled in too (she has no title
        # the mapping knows, so her row says so).
        anna = await eventually(lambda: person(h, ANNA), failure="Anna was never looked up")
        assert anna.department is None
        assert await idea_department(h, idea) is None


async def test_a_newcomer_slack_cannot_look_up_is_filled_in_by_the_next_refresh(
    start: Start,
) -> None:
    async with start() as h:
        h.add_people(ANNA)
        h.fake.add_user(CARL, title="Designer")
        idea = await h.share_idea("Free fruit on Fridays", author=ANNA)

        h.fake.fail_next("users.info", error="fatal_error", times=100)
        await h.react(idea, CARL)
        await h.wait_judged(1)

        async def asked_twice() -> bool:
            # Once to judge the vote, once more when the lookup for his department failed.
            calls = h.fake.calls_to("users.info")
            return len([call for call in calls if call.args.get("user") == CARL]) >= 2

        await eventually(asked_twice, failure="Carl was never looked up")
        assert await person(h, CARL) is None
        assert await vote_departments(h, idea) == {CARL: None}

        h.fake.clear_faults()
        await refresh(h)
        assert await vote_departments(h, idea) == {CARL: "designer"}
