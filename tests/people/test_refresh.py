"""Reading everyone's department from fake Slack, as the daily job does, from each source;
Slack failing part of the way never wipes what is stored."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.people import service
from scheduler.jobs import JOBS, run_job
from storage import people
from storage.people import PersonFacts
from tests.people.conftest import Start, person

NOW = datetime(2026, 12, 4, 4, 0, tzinfo=UTC)
FIELD = "Xf01DEPT00"


async def test_titles_without_a_mapping_are_departments_as_written(start: Start) -> None:
    async with start() as h:
        h.fake.add_user("U0ENG0001", title="Software Engineer")
        h.fake.add_user("U0ENG0002", title="  software   ENGINEER")
        h.fake.add_user("U0SALES01", title="Sales")
        h.fake.add_user("U0NOTITLE")
        h.fake.add_user("U0ROBOT01", title="Software Engineer", is_bot=True)
        h.fake.add_user("U0GONE001", title="Sales", deleted=True)

        report = await run_job(service.JOB, h.runtime, now=NOW)

        assert report.summary() == (
            "Refreshed 4 people (from title): 3 with a department (software engineer 2, "
            "sales 1), 1 without. 2 bots or deactivated accounts count in no headcount."
        )
        engineer = await person(h, "U0ENG0002")
        assert engineer is not None and engineer.department == "software engineer"
        robot = await person(h, "U0ROBOT01")
        assert robot is not None and not robot.active
        async with h.db.session() as session:
            assert await people.headcounts(session=session) == {
                "software engineer": 2,
                "sales": 1,
            }
            assert await people.departments(session=session) == ["sales", "software engineer"]


async def test_a_title_mapping_names_departments_and_leaves_unmatched_titles_without(
    start: Start, tmp_path: Path
) -> None:
    mapping = tmp_path / "titles.txt"
    mapping.write_text("*engineer* = Engineering\naccount * = Sales\n")
    async with start(DEPARTMENT_TITLES=str(mapping)) as h:
        h.fake.add_user("U0ENG0001", title="Senior Software Engineer")
        h.fake.add_user("U0SALES01", title="Account Executive")
        h.fake.add_user("U0CHEF001", title="Chef")

        report = await service.refresh(h.runtime, now=NOW)

        assert report.departments == {"Engineering": 1, "Sales": 1} and report.without == 1
        chef = await person(h, "U0CHEF001")
        assert chef is not None and chef.department is None and chef.active


async def test_user_groups_in_the_configured_order_name_departments(
    start: Start, caplog: pytest.LogCaptureFixture
) -> None:
    async with start(DEPARTMENT_SOURCE="usergroups", DEPARTMENT_GROUPS="leads,sales,ghosts") as h:
        for user in ("U0ANNA001", "U0BOB0001", "U0CARL001"):
            h.fake.add_user(user)
        h.fake.add_usergroup("sales", name="Sales", users=["U0ANNA001", "U0BOB0001"])
        h.fake.add_usergroup("leads", name="Team leads", users=["U0BOB0001"])
        h.fake.add_usergroup("eng", name="Engineering", users=["U0CARL001"])

        with caplog.at_level(logging.WARNING):
            report = await service.refresh(h.runtime, now=NOW)

        # Bob is in both: the group listed first wins. @eng is not configured.
        assert report.departments == {"Sales": 1, "Team leads": 1} and report.without == 1
        assert report.unknown_groups == ("ghosts",)
        assert "Slack knows no user group @ghosts: check DEPARTMENT_GROUPS." in report.summary()
        assert "@ghosts" in caplog.text
        bob = await person(h, "U0BOB0001")
        assert bob is not None and bob.department == "Team leads"


async def test_a_custom_profile_field_names_departments(start: Start) -> None:
    async with start(DEPARTMENT_SOURCE="field", DEPARTMENT_FIELD=FIELD) as h:
        h.fake.add_user("U0ANNA001", fields={FIELD: "Finance", "Xf01OTHER0": "Paris"})
        h.fake.add_user("U0BOB0001", fields={"Xf01OTHER0": "Lyon"})
        h.fake.add_user("U0ROBOT01", is_bot=True, fields={FIELD: "Robots"})

        report = await service.refresh(h.runtime, now=NOW)

        assert report.departments == {"Finance": 1} and report.without == 1
        anna = await person(h, "U0ANNA001")
        assert anna is not None and anna.department == "Finance"
        # Bots are not asked about: users.profile.get only for people.
        asked = {call.args["user"] for call in h.fake.calls_to("users.profile.get")}
        assert asked == {"U0ANNA001", "U0BOB0001"}


async def test_slack_failing_part_of_the_way_through_the_directory_keeps_the_rest(
    start: Start,
) -> None:
    async with start() as h:
        everyone = [f"U0P{n:06d}" for n in range(service.PAGE_SIZE + 50)]
        for user in everyone:
            h.fake.add_user(user, title="Engineer")
        last = everyone[-1]
        async with h.db.session() as session:
            await people.upsert(session=session, people=[PersonFacts(last, "Sales", True)], now=NOW)
        h.fake.fail_next("users.list", error="fatal_error", after=1)

        report = await service.refresh(h.runtime, now=NOW)

        assert report.failure == "users.list: fatal_error"
        assert report.departments == {"engineer": service.PAGE_SIZE}
        assert "Slack failed part of the way (users.list: fatal_error)" in report.summary()
        first = await person(h, everyone[0])
        assert first is not None and first.department == "engineer"
        kept = await person(h, last)
        assert kept is not None and kept.department == "Sales"


async def test_slack_failing_part_of_the_way_through_profiles_never_wipes_a_department(
    start: Start,
) -> None:
    async with start(DEPARTMENT_SOURCE="field", DEPARTMENT_FIELD=FIELD) as h:
        everyone = [f"U0P{n:06d}" for n in range(12)]
        for user in everyone:
            h.fake.add_user(user, fields={FIELD: "Finance"})
        await service.refresh(h.runtime, now=NOW)
        for user in everyone:
            h.fake.add_user(user, fields={FIELD: "Legal"})
        h.fake.fail_next("users.profile.get", error="fatal_error", after=3)

        report = await service.refresh(h.runtime, now=NOW)

        assert report.failure == "users.profile.get: fatal_error" and report.kept > 0
        stored = [await person(h, user) for user in everyone]
        departments = [p.department for p in stored if p is not None]
        assert len(departments) == len(everyone)
        assert departments.count("Legal") >= 3 and departments.count("Finance") == report.kept
        assert set(departments) == {"Finance", "Legal"}


async def test_a_missing_permission_says_to_reinstall(start: Start) -> None:
    async with start(DEPARTMENT_SOURCE="usergroups", DEPARTMENT_GROUPS="sales") as h:
        h.fake.add_user("U0ANNA001")
        h.fake.fail_next("usergroups.list", error="missing_scope")

        report = await service.refresh(h.runtime, now=NOW)

        assert report.failure == "usergroups.list: missing_scope"
        assert "update it from manifest.yml" in report.summary()
        anna = await person(h, "U0ANNA001")
        assert anna is not None and anna.department is None


def test_the_job_runs_on_its_own_schedule() -> None:
    job = JOBS[service.JOB]
    assert job.setting == "PEOPLE_REFRESH_SCHEDULE" and job.period_of is None
