"""Job `introductions` (INTRODUCTIONS=on), through the real app and fake Slack: a group DM
between an idea's author and two people from two other departments who offered to help,
sent once, within everyone's working hours, never twice to the same people about the same
idea, nobody more than once a week."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from bot.ideas.blocks import START_EXPERIMENT_ACTION
from bot.offers import introduction_rules as rules
from bot.offers.introductions import AUTHOR_AWAY, TOO_FEW, IntroductionReport
from scheduler.jobs import run_job
from storage.models import Experiment, Idea, IdeaMute
from storage.people_models import Person
from storage.team_models import HelpOffer, Introduction, IntroductionSeat
from storage.vocabulary import ExperimentStatus, IdeaStatus
from tests.harness import ADMIN, Harness, start_harness

JOB = "introductions"
AUTHOR, ENGINEER = "U0AUTHOR1", "U0ENGINE1"
SALES, SALES2, SUPPORT, DESIGN = "U0SALES01", "U0SALES02", "U0SUPPT01", "U0DESIGN1"
NEW_YORK, ROBOT, GONE = "U0NEWYRK1", "U0ROBOT01", "U0GONE001"
DEPARTMENTS = {
    AUTHOR: "Engineering",
    ENGINEER: "Engineering",
    SALES: "Sales",
    SALES2: "Sales",
    SUPPORT: "Support",
    DESIGN: "Design",
    NEW_YORK: "Support",
    ROBOT: "Support",
    GONE: "Design",
}
TUESDAY_10_UTC = datetime(2026, 12, 1, 10, tzinfo=UTC)
WEEK = "2026-W49"

on = pytest.mark.settings(INTRODUCTIONS="on")


async def people(lab: Harness) -> None:
    for user_id in DEPARTMENTS:
        tz = "America/New_York" if user_id == NEW_YORK else "UTC"
        lab.fake.add_user(user_id, tz=tz, is_bot=user_id == ROBOT)
    async with lab.db.session() as session:
        for user_id, department in DEPARTMENTS.items():
            session.add(Person(user_id=user_id, department=department, active=user_id != GONE))


async def offers(lab: Harness, idea: Idea, *helpers: str, what: str = "") -> None:
    """Standing offers on the idea, in this order, with the helper's department."""
    assert idea.id is not None
    async with lab.db.session() as session:
        for minute, helper in enumerate(helpers):
            at = TUESDAY_10_UTC - timedelta(days=1) + timedelta(minutes=minute)
            session.add(
                HelpOffer(
                    idea_id=idea.id,
                    helper_id=helper,
                    department=DEPARTMENTS[helper],
                    kinds="skills,customers",
                    what=what or f"Time from {helper}",
                    created_at=at,
                    updated_at=at,
                )
            )


async def idea_with_offers(lab: Harness, *helpers: str, text: str = "Faster refunds") -> Idea:
    idea = await lab.share_idea(text, author=AUTHOR)
    await offers(lab, idea, *helpers)
    return idea


async def mute(lab: Harness, idea: Idea, user_id: str) -> None:
    assert idea.id is not None
    async with lab.db.session() as session:
        session.add(IdeaMute(idea_id=idea.id, user_id=user_id))


async def run(harness: Harness, now: datetime = TUESDAY_10_UTC) -> IntroductionReport:
    report = await run_job(JOB, harness.runtime, now=now)
    assert isinstance(report, IntroductionReport)
    return report


def group_dms(lab: Harness) -> list[str]:
    """The people of every group DM Slack was asked to open."""
    opened = [call.args["users"] for call in lab.fake.calls_to("conversations.open")]
    return [",".join(users) for users in opened if len(users) > 1]


def posts_in_groups(lab: Harness) -> list[dict]:
    return [c.args for c in lab.fake.calls_to("chat.postMessage") if c.args["channel"][0] == "G"]


async def introductions(lab: Harness) -> list[Introduction]:
    async with lab.db.session() as session:
        return list((await session.execute(select(Introduction))).scalars())


def button(message: dict) -> dict:
    [actions] = [block for block in message["blocks"] if block["type"] == "actions"]
    [element] = actions["elements"]
    return element


@on
async def test_the_author_meets_the_first_helpers_of_two_other_departments_once(
    lab: Harness,
) -> None:
    await people(lab)
    idea = await lab.share_idea("Refunds in one click", author=AUTHOR)
    # The earliest offer is from the author's own department: it does not count.
    await offers(lab, idea, ENGINEER, SALES, SALES2, SUPPORT, DESIGN)
    async with lab.db.session() as session:
        await session.execute(
            sa.update(HelpOffer)
            .where(col(HelpOffer.helper_id) == SALES)
            .values(what="I'll bring <!channel> & five customers")
        )

    report = await run(lab)

    assert (report.introduced, report.failed) == (1, 0)
    assert group_dms(lab) == [rules.people_key([AUTHOR, SALES, SUPPORT])]
    [post] = posts_in_groups(lab)
    text = " ".join(block["text"]["text"] for block in post["blocks"] if block["type"] == "section")
    assert f"<@{SALES}> (Sales) and <@{SUPPORT}> (Support) offered to help" in text
    assert f"<@{AUTHOR}> (Engineering)'s idea <{idea.permalink}|Refunds in one click>" in text
    assert "I'll bring &lt;!channel&gt; &amp; five customers" in text
    assert (
        "<!channel>" not in text
        and f"Time from {SUPPORT}" in text
        and "🛠️ Skills, 🤝 Access to customers · " in text
    )
    assert ENGINEER not in text and SALES2 not in text and DESIGN not in text
    assert button(post)["action_id"] == START_EXPERIMENT_ACTION
    assert button(post)["value"] == str(idea.id)
    assert button(post)["text"]["text"] == "🧪 Start an experiment together"
    assert post["text"].startswith(f"Meet <@{SALES}> and <@{SUPPORT}>")
    reply, trigger = await lab.click(
        START_EXPERIMENT_ACTION, button(post)["value"], user=SALES, channel=post["channel"]
    )
    assert reply.status == 200
    [opened] = await lab.fake.wait_for("views.open")
    assert opened.args["trigger_id"] == trigger
    fields = {b["block_id"]: b["element"] for b in opened.args["view"]["blocks"] if "block_id" in b}
    assert fields["idea"]["initial_option"]["value"] == str(idea.id)
    [row] = await introductions(lab)
    assert (row.people, row.week) == (rules.people_key([AUTHOR, SALES, SUPPORT]), WEEK)
    assert row.channel_id == post["channel"] and row.message_ts
    async with lab.db.session() as session:
        seats = (
            await session.execute(select(IntroductionSeat.user_id, IntroductionSeat.week))
        ).all()
    assert sorted(seats) == sorted((user, WEEK) for user in (AUTHOR, SALES, SUPPORT))

    again = await run(lab, TUESDAY_10_UTC + timedelta(hours=1))
    assert again.introduced == 0 and again.skipped[AUTHOR_AWAY] == 1
    assert len(posts_in_groups(lab)) == 1

    # The next week the author meets others: never the same people about the same idea.
    await run(lab, TUESDAY_10_UTC + timedelta(days=7))
    assert group_dms(lab)[1:] == [rules.people_key([AUTHOR, SALES, DESIGN])]


@on
async def test_runs_on_two_replicas_send_one_introduction(lab: Harness, migrated_url: str) -> None:
    await people(lab)
    await idea_with_offers(lab, SALES, SUPPORT)
    other, close = await start_harness(
        migrated_url, slack=lab.fake, ADMIN_USER_IDS=ADMIN, INTRODUCTIONS="on"
    )
    try:
        reports = await asyncio.gather(*(run(replica) for replica in (lab, other, lab, other)))
    finally:
        await close(keep_slack=True)

    assert sum(report.introduced for report in reports) == 1
    assert len(posts_in_groups(lab)) == 1 and len(await introductions(lab)) == 1


async def test_nobody_is_introduced_with_introductions_off(lab: Harness) -> None:
    await people(lab)
    await idea_with_offers(lab, SALES, SUPPORT)

    report = await run(lab)

    assert report.introduced == 0 and "introduced 0" in report.summary()
    assert lab.fake.calls_to("conversations.open") == [] and await introductions(lab) == []


@on
async def test_one_department_besides_the_authors_is_not_enough(lab: Harness) -> None:
    await people(lab)
    await idea_with_offers(lab, SALES, ENGINEER, SALES2)

    report = await run(lab)

    assert report.introduced == 0 and group_dms(lab) == []


@on
async def test_a_person_is_introduced_once_a_week_however_many_ideas(lab: Harness) -> None:
    await people(lab)
    first = await idea_with_offers(lab, SALES, SUPPORT, text="Faster refunds")
    second = await idea_with_offers(lab, SALES2, DESIGN, text="Shorter onboarding")

    report = await run(lab)

    assert (report.introduced, report.skipped[AUTHOR_AWAY]) == (1, 1)
    assert [row.idea_id for row in await introductions(lab)] == [first.id]
    await run(lab, TUESDAY_10_UTC + timedelta(days=1))
    assert len(posts_in_groups(lab)) == 1

    await run(lab, TUESDAY_10_UTC + timedelta(days=7))
    assert [row.idea_id for row in await introductions(lab)] == [first.id, second.id]
    assert group_dms(lab) == [
        rules.people_key([AUTHOR, SALES, SUPPORT]),
        rules.people_key([AUTHOR, SALES2, DESIGN]),
    ]


@on
async def test_everyone_must_be_within_their_working_hours(lab: Harness) -> None:
    await people(lab)
    await idea_with_offers(lab, SALES, NEW_YORK)

    early = await run(lab)  # 05:00 in New York
    assert (early.introduced, early.skipped[TOO_FEW]) == (0, 1)
    evening = await run(lab, TUESDAY_10_UTC.replace(hour=18))  # past 17:00 for the author
    assert (evening.introduced, evening.skipped[AUTHOR_AWAY]) == (0, 1)
    saturday = await run(lab, TUESDAY_10_UTC.replace(day=5, hour=15))
    assert saturday.introduced == 0 and group_dms(lab) == []

    later = await run(lab, TUESDAY_10_UTC.replace(hour=15))  # 10:00 in New York

    assert later.introduced == 1
    assert group_dms(lab) == [rules.people_key([AUTHOR, SALES, NEW_YORK])]


@on
async def test_people_who_muted_the_idea_are_not_introduced_about_it(lab: Harness) -> None:
    await people(lab)
    idea = await idea_with_offers(lab, SALES, SUPPORT, DESIGN)
    await mute(lab, idea, SUPPORT)

    await run(lab)
    assert group_dms(lab) == [rules.people_key([AUTHOR, SALES, DESIGN])]

    other = await idea_with_offers(lab, SALES2, SUPPORT, text="A muted author")
    await mute(lab, other, AUTHOR)
    report = await run(lab, TUESDAY_10_UTC + timedelta(days=7))
    # The first idea's only pair left has met; the second idea's author muted it.
    assert (report.introduced, report.skipped[TOO_FEW], report.skipped[AUTHOR_AWAY]) == (0, 1, 1)
    assert [row.idea_id for row in await introductions(lab)] == [idea.id]


@on
async def test_bots_and_deactivated_helpers_are_skipped(lab: Harness) -> None:
    await people(lab)
    await idea_with_offers(lab, ROBOT, GONE, SALES, SUPPORT)

    report = await run(lab)

    assert report.introduced == 1
    assert group_dms(lab) == [rules.people_key([AUTHOR, SALES, SUPPORT])]


@on
async def test_an_idea_with_an_experiment_or_declined_gets_no_introduction(lab: Harness) -> None:
    await people(lab)
    tested = await idea_with_offers(lab, SALES, SUPPORT, text="Refunds tested already")
    declined = await idea_with_offers(lab, SALES, SUPPORT, text="Refunds by fax, declined")
    async with lab.db.session() as session:
        session.add(
            Experiment(
                idea_id=tested.id,
                hypothesis="h",
                metric="m",
                owner_id=AUTHOR,
                started_by=AUTHOR,
                ends_on=TUESDAY_10_UTC.date() + timedelta(days=14),
                status=ExperimentStatus.CANCELLED,
            )
        )
        await session.execute(
            sa.update(Idea).where(col(Idea.id) == declined.id).values(status=IdeaStatus.DECLINED)
        )

    report = await run(lab)

    assert report.introduced == 0 and sum(report.skipped.values()) == 0
    assert group_dms(lab) == []


@on
async def test_an_introduction_slack_refused_is_sent_by_the_next_run_once(lab: Harness) -> None:
    await people(lab)
    await idea_with_offers(lab, SALES, SUPPORT)
    lab.fake.fail_next("chat.postMessage", error="channel_not_found")

    first = await run(lab)
    assert (first.introduced, first.failed, posts_in_groups(lab)[0]["channel"][0]) == (0, 1, "G")
    [row] = await introductions(lab)
    assert row.message_ts is None

    second = await run(lab, TUESDAY_10_UTC + timedelta(hours=1))
    third = await run(lab, TUESDAY_10_UTC + timedelta(hours=2))

    assert (second.sent_again, second.introduced, third.sent_again) == (1, 0, 0)
    assert len(posts_in_groups(lab)) == 2  # the refused one and the one Slack took
    [row] = await introductions(lab)
    assert row.message_ts and row.channel_id == posts_in_groups(lab)[1]["channel"]


@on
async def test_an_introduction_unsent_all_week_is_dropped(lab: Harness) -> None:
    await people(lab)
    await idea_with_offers(lab, SALES, SUPPORT)
    lab.fake.fail_next("conversations.open", error="user_disabled")
    assert (await run(lab)).failed == 1

    next_week = await run(lab, TUESDAY_10_UTC + timedelta(days=7))

    assert (next_week.dropped, next_week.introduced) == (1, 1)
    [row] = await introductions(lab)
    assert row.week == "2026-W50" and row.message_ts
    assert len(posts_in_groups(lab)) == 1


def test_pairs_come_from_two_departments_in_offer_order_and_never_repeat() -> None:
    helpers = rules.from_other_departments(
        [(AUTHOR, "Sales"), ("U1", "Sales"), ("U2", None), ("U3", "Sales"), ("U4", "Design")],
        author_id=AUTHOR,
        author_department="Engineering",
    )
    assert [helper.user_id for helper in helpers] == ["U1", "U3", "U4"]
    first = rules.pick_pair(helpers, author_id=AUTHOR, introduced=set())
    assert first is not None and [h.user_id for h in first] == ["U1", "U4"]
    second = rules.pick_pair(
        helpers, author_id=AUTHOR, introduced={rules.people_key([AUTHOR, "U1", "U4"])}
    )
    assert second is not None and [h.user_id for h in second] == ["U3", "U4"]
    assert rules.pick_pair(helpers[:2], author_id=AUTHOR, introduced=set()) is None
