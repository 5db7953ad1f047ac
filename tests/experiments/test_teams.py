"""Experiment teams through the real HTTP endpoint: picking the team when an experiment starts,
members who manage it like the owner, the team on the card, changing it with the card's
button, and the learning card by DM to the team."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlmodel import col, select

from bot.experiments import blocks as experiment_blocks
from bot.experiments import forms as experiment_forms
from bot.experiments import rules, team
from bot.experiments.team_blocks import TEAM_ACTION, TEAM_FORM
from bot.foundation import retried_posts
from bot.ideas.blocks import START_EXPERIMENT_ACTION
from scheduler.timetable import post_unposted
from storage import offers, people, teams
from storage.models import Experiment, Idea
from storage.people import PersonFacts
from storage.team_models import TeamChange
from tests.experiments.test_experiments import (
    OWNER,
    card_of,
    dms_to,
    experiment_fields,
    texts,
)
from tests.exploration.test_exploration import questions_to, run, this_weeks_friday
from tests.harness import ADMIN, IDEAS_CHANNEL, LAB_CHANNEL, Harness, eventually
from tests.home.test_home import open_home, published, text_of

LAB = LAB_CHANNEL
STARTER = "U0STARTER"
SALES = "U0SALES01"
SUPPORT = "U0SUPPRT1"
DESIGN = "U0DESIGN1"
OUTSIDER = "U0NOSY001"
BOT = "U0BOTTY01"


async def know(lab: Harness, **departments: str | None) -> None:
    """These people in Slack and in the people table, with their departments."""
    lab.add_people(*departments)
    async with lab.db.session() as session:
        await people.upsert(
            session=session,
            people=[
                PersonFacts(user, department, True) for user, department in departments.items()
            ],
            now=datetime.now(UTC),
        )


async def leaves(lab: Harness, user_id: str) -> None:
    """The daily refresh has found the person's account deactivated."""
    async with lab.db.session() as session:
        await people.upsert(
            session=session,
            people=[PersonFacts(user_id, None, False, department_known=False)],
            now=datetime.now(UTC),
        )


async def start_with_team(
    lab: Harness, members: list[str], idea: Idea | None = None, experiment_id: int = 1
) -> Experiment:
    told = len(dms_to(lab, STARTER))
    fields = experiment_fields(idea=str(idea.id) if idea else "")
    fields["team"] = {"type": "multi_users_select", "selected_users": members}
    reply = await lab.submit_view(experiment_forms.EXPERIMENT_FORM, fields, user=STARTER)
    assert reply.text == "", reply.text
    await eventually(lambda: len(dms_to(lab, STARTER)) > told, failure="the starter was never told")
    return await lab.experiment_posted(experiment_id)


def team_line(lab: Harness, experiment: Experiment) -> str:
    [line] = [
        line for line in texts(card_of(lab, experiment)).splitlines() if line.startswith("*Team:*")
    ]
    return line


def thread_of(lab: Harness, experiment: Experiment) -> list[str]:
    return [
        m["text"] for m in lab.fake.messages(LAB) if m.get("thread_ts") == experiment.message_ts
    ]


async def history(lab: Harness, experiment: Experiment) -> list[tuple[str, bool, str]]:
    async with lab.db.session() as session:
        rows = await session.execute(
            select(TeamChange)
            .where(col(TeamChange.experiment_id) == experiment.id)
            .order_by(col(TeamChange.id))
        )
        return [(row.user_id, row.joined, row.changed_by) for row in rows.scalars()]


def opened_fields(call_args: dict) -> dict[str, dict]:
    return {b["block_id"]: b["element"] for b in call_args["view"]["blocks"] if "block_id" in b}


async def test_the_idea_button_prefills_the_team_with_the_ideas_helpers(lab: Harness) -> None:
    await know(lab, **{SALES: "Sales", SUPPORT: "Support", DESIGN: "Design"})
    idea = await lab.share_idea("Shorter stand-ups")
    async with lab.db.session() as session:
        for helper in (SUPPORT, STARTER, SALES, DESIGN):
            await offers.offer(
                session=session,
                idea_id=idea.id or 0,
                helper_id=helper,
                kinds=["time"],
                what="an afternoon a week",
                now=datetime.now(UTC),
            )
    await leaves(lab, DESIGN)

    await lab.click(START_EXPERIMENT_ACTION, str(idea.id), user=STARTER)

    [opened] = await lab.fake.wait_for("views.open")
    fields = opened_fields(opened.args)
    # First offer first; the starter owns it, and whoever has left is not suggested.
    assert fields["team"]["initial_users"] == [SUPPORT, SALES]
    assert fields["team"]["type"] == "multi_users_select"
    assert fields["owner"]["initial_user"] == STARTER


async def test_the_card_shows_the_team_and_their_departments(lab: Harness) -> None:
    await know(lab, **{SALES: "Sales", SUPPORT: "Support", DESIGN: None})

    experiment = await start_with_team(lab, [SALES, OWNER, SUPPORT, DESIGN])

    assert team_line(lab, experiment) == (
        f"*Team:* <@{SALES}> (Sales), <@{SUPPORT}> (Support), <@{DESIGN}>"
    )
    assert f"*Owner:* <@{OWNER}>" in texts(card_of(lab, experiment))
    # The owner leads it and is not one of the team; the starter added each member.
    assert await history(lab, experiment) == [
        (SALES, True, STARTER),
        (SUPPORT, True, STARTER),
        (DESIGN, True, STARTER),
    ]


async def test_a_member_who_left_is_shown_as_such_and_the_team_survives_a_cancel(
    lab: Harness,
) -> None:
    await know(lab, **{SALES: "Sales", SUPPORT: "Support"})
    experiment = await start_with_team(lab, [SALES, SUPPORT])
    await leaves(lab, SUPPORT)

    await lab.click(
        experiment_blocks.CANCEL_ACTION,
        experiment_blocks.button_value(experiment),
        user=SALES,
        channel=LAB,
    )

    await eventually(lambda: "Cancelled by" in texts(card_of(lab, experiment)))
    assert team_line(lab, experiment) == (
        f"*Team:* <@{SALES}> (Sales), <@{SUPPORT}> (no longer here)"
    )


async def test_a_member_posts_updates_and_concludes_and_an_outsider_is_refused(
    lab: Harness,
) -> None:
    await know(lab, **{SALES: "Sales"})
    idea = await lab.share_idea("Shorter stand-ups")
    experiment = await start_with_team(lab, [SALES], idea)
    value = experiment_blocks.button_value(experiment)
    metadata = json.dumps({"experiment_id": experiment.id})

    answered = len(lab.fake.responses)
    await lab.click(experiment_blocks.UPDATE_ACTION, value, user=OUTSIDER, channel=LAB)
    refusal = (await lab.fake.wait_for_responses(count=answered + 1))[-1]
    assert f"<@{OWNER}>" in refusal["text"] and "its team" in refusal["text"]
    assert lab.fake.calls_to("views.open") == []
    outsider = await lab.submit_view(
        experiment_forms.UPDATE_FORM,
        {"update": {"type": "plain_text_input", "value": "sneaky"}},
        user=OUTSIDER,
        private_metadata=metadata,
    )
    assert "its team" in outsider.json()["errors"]["update"]

    _, trigger = await lab.click(experiment_blocks.UPDATE_ACTION, value, user=SALES, channel=LAB)
    [opened] = await lab.fake.wait_for("views.open")
    assert opened.args["trigger_id"] == trigger
    update = await lab.submit_view(
        experiment_forms.UPDATE_FORM,
        {"update": {"type": "plain_text_input", "value": "Week 1: customers love it"}},
        user=SALES,
        private_metadata=metadata,
    )
    assert update.text == ""
    await eventually(
        lambda: any("customers love it" in text for text in thread_of(lab, experiment)),
        failure="the member's update was never threaded under the card",
    )

    concluded = await lab.submit_view(
        experiment_forms.LEARNING_FORM,
        {
            "outcome": {"type": "radio_buttons", "selected_option": {"value": "validated"}},
            "learned": {"type": "plain_text_input", "value": "Fewer, shorter meetings"},
            "next_step": {"type": "plain_text_input", "value": "Roll it out"},
        },
        user=SALES,
        private_metadata=metadata,
    )

    assert concluded.text == ""
    await eventually(lambda: "Concluded" in texts(card_of(lab, experiment)))
    [learning_card] = [m for m in lab.fake.messages(LAB) if "Learning" in texts(m)]
    assert f"Shared by <@{SALES}>" in texts(learning_card)
    assert team_line(lab, experiment) == f"*Team:* <@{SALES}> (Sales)"
    await eventually(
        lambda: any(
            m.get("thread_ts") == idea.message_ts and "concluded" in m["text"]
            for m in lab.fake.messages(IDEAS_CHANNEL)
        ),
        failure="the idea's thread never heard of the learning",
    )
    async with lab.db.session() as session:
        ended = await session.get(Experiment, experiment.id, populate_existing=True)
        tested = await session.get(Idea, idea.id, populate_existing=True)
    assert ended is not None and ended.status == "concluded"
    assert tested is not None and tested.status == "experimenting"


async def test_the_learning_card_goes_to_the_team_by_dm_once(lab: Harness) -> None:
    await know(lab, **{SALES: "Sales", SUPPORT: "Support", DESIGN: "Design"})
    lab.add_people(BOT, is_bot=True)
    experiment = await start_with_team(lab, [SALES, SUPPORT, DESIGN])
    async with lab.db.session() as session:
        # A bot on the team all the same: its DM is never sent.
        await teams.change(
            session=session,
            experiment_id=experiment.id or 0,
            team=[BOT],
            changed_by=ADMIN,
            keep_others=True,
        )
    await leaves(lab, DESIGN)
    fields: dict[str, dict] = {
        "outcome": {"type": "radio_buttons", "selected_option": {"value": "invalidated"}},
        "learned": {"type": "plain_text_input", "value": "Nobody missed the meeting"},
        "next_step": {"type": "plain_text_input", "value": "Stop it"},
    }
    metadata = json.dumps({"experiment_id": experiment.id})

    await lab.submit_view(
        experiment_forms.LEARNING_FORM, fields, user=SUPPORT, private_metadata=metadata
    )

    def learning_dms(person: str) -> list[dict]:
        return [dm for dm in dms_to(lab, person) if "Learning from experiment" in dm["text"]]

    await eventually(lambda: learning_dms(OWNER) and learning_dms(SALES))
    again = await lab.submit_view(
        experiment_forms.LEARNING_FORM, fields, user=SALES, private_metadata=metadata
    )
    assert "already concluded" in again.json()["errors"]["learned"]
    await post_unposted(lab.runtime)

    assert len(learning_dms(OWNER)) == 1 and len(learning_dms(SALES)) == 1
    assert "Nobody missed the meeting" in texts(learning_dms(SALES)[0])
    # Not to whoever concluded, nor to a bot, nor to someone who has left.
    assert learning_dms(SUPPORT) == [] and learning_dms(BOT) == [] and learning_dms(DESIGN) == []


async def test_the_team_button_adds_and_removes_with_notes_once_and_a_history(
    lab: Harness,
) -> None:
    await know(lab, **{SALES: "Sales", SUPPORT: "Support", DESIGN: "Design"})
    experiment = await start_with_team(lab, [SALES, SUPPORT])
    value = experiment_blocks.button_value(experiment)

    await lab.click(TEAM_ACTION, value, user=SALES, channel=LAB)
    [refusal] = await lab.fake.wait_for_responses()
    assert "change its team" in refusal["text"] and f"<@{OWNER}>" in refusal["text"]
    assert lab.fake.calls_to("views.open") == []

    for count, user in enumerate((OWNER, ADMIN), start=1):
        _, trigger = await lab.click(TEAM_ACTION, value, user=user, channel=LAB)
        opened = (await lab.fake.wait_for("views.open", count=count))[-1].args
        assert opened["trigger_id"] == trigger and opened["view"]["callback_id"] == TEAM_FORM
        assert opened_fields(opened)["team"]["initial_users"] == [SALES, SUPPORT]

    metadata = json.dumps({"experiment_id": experiment.id})
    picked = {"team": {"type": "multi_users_select", "selected_users": [SALES, DESIGN]}}
    outsider = await lab.submit_view(TEAM_FORM, picked, user=SUPPORT, private_metadata=metadata)
    assert "change its team" in outsider.json()["errors"]["team"]

    for _ in range(2):  # Slack sending the same submission twice
        reply = await lab.submit_view(
            TEAM_FORM, picked, user=OWNER, private_metadata=metadata, view_id="V0TEAM001"
        )
        assert reply.text == ""
    joined = f"👥 <@{DESIGN}> joined the team (added by <@{OWNER}>)."
    left = f"👥 <@{SUPPORT}> left the team (removed by <@{OWNER}>)."
    await eventually(
        lambda: joined in thread_of(lab, experiment) and left in thread_of(lab, experiment)
    )
    await eventually(
        lambda: team_line(lab, experiment) == f"*Team:* <@{SALES}> (Sales), <@{DESIGN}> (Design)"
    )
    same = await lab.submit_view(TEAM_FORM, picked, user=ADMIN, private_metadata=metadata)
    assert same.text == ""
    await post_unposted(lab.runtime)

    notes = [text for text in thread_of(lab, experiment) if text.startswith("👥")]
    assert notes.count(joined) == 1 and notes.count(left) == 1 and len(notes) == 2
    assert await history(lab, experiment) == [
        (SALES, True, STARTER),
        (SUPPORT, True, STARTER),
        (DESIGN, True, OWNER),
        (SUPPORT, False, OWNER),
    ]
    # A member removed manages it no more; one added does.
    answered = len(lab.fake.responses)
    await lab.click(experiment_blocks.CONCLUDE_ACTION, value, user=SUPPORT, channel=LAB)
    removed = (await lab.fake.wait_for_responses(count=answered + 1))[-1]
    assert "its team" in removed["text"]
    _, trigger = await lab.click(experiment_blocks.CONCLUDE_ACTION, value, user=DESIGN, channel=LAB)
    opened = (await lab.fake.wait_for("views.open", count=3))[-1].args
    assert opened["trigger_id"] == trigger


async def test_a_bot_a_departed_person_or_too_many_are_inline_errors_on_the_team(
    lab: Harness,
) -> None:
    await know(lab, **{SALES: "Sales", DESIGN: "Design"})
    lab.fake.add_user(BOT, name="deploybot", is_bot=True)
    lab.fake.add_user("U0GONE001", name="gone-gina", deleted=True)

    def with_team(members: list[str]) -> dict[str, dict]:
        fields = experiment_fields(hypothesis="We believe pairing sales and support helps")
        fields["team"] = {"type": "multi_users_select", "selected_users": members}
        return fields

    reply = await lab.submit_view(
        experiment_forms.EXPERIMENT_FORM, with_team([SALES, BOT, "U0GONE001"]), user=STARTER
    )

    # Only the team is wrong: Slack keeps everything typed, with the error next to the team.
    assert reply.json()["response_action"] == "errors"
    assert reply.json()["errors"] == {
        "team": "deploybot is a bot: pick people. gone-gina has left (the account is "
        "deactivated): pick people who are still here."
    }

    crowd = [f"U0CROWD{n:02d}" for n in range(rules.TEAM_LIMIT + 1)]
    too_many = await lab.submit_view(
        experiment_forms.EXPERIMENT_FORM, with_team([OWNER, *crowd]), user=STARTER
    )
    assert f"at most {rules.TEAM_LIMIT} people" in too_many.json()["errors"]["team"]

    await leaves(lab, DESIGN)
    experiment = await start_with_team(lab, [SALES])
    departed = await lab.submit_view(
        TEAM_FORM,
        {"team": {"type": "multi_users_select", "selected_users": [SALES, DESIGN]}},
        user=OWNER,
        private_metadata=json.dumps({"experiment_id": experiment.id}),
    )
    assert "deactivated" in departed.json()["errors"]["team"]
    async with lab.db.session() as session:
        assert await teams.member_ids(session=session, experiment_id=experiment.id or 0) == [SALES]


async def test_inviting_helpers_to_the_running_experiment(lab: Harness) -> None:
    await know(lab, **{SALES: "Sales", SUPPORT: "Support"})
    lab.add_people(BOT, is_bot=True)
    idea = await lab.share_idea("Shorter stand-ups")
    started = await start_with_team(lab, [SALES], idea)

    running = await team.running_experiment_for_idea(lab.runtime, idea.id or 0)
    assert running is not None and running.id == started.id
    joined = await team.add_members(
        lab.runtime,
        experiment=running,
        user_ids=[SALES, OWNER, BOT, SUPPORT],
        changed_by="U0AUTHOR1",
    )

    assert joined == [SUPPORT]
    assert team_line(lab, started) == f"*Team:* <@{SALES}> (Sales), <@{SUPPORT}> (Support)"
    assert f"👥 <@{SUPPORT}> joined the team (added by <@U0AUTHOR1>)." in thread_of(lab, started)
    assert retried_posts.TEAM_CHANGE_REPLY in retried_posts.JOBS


@pytest.mark.settings(EXPLORATION_GROUPS="explorers")
async def test_members_find_the_experiment_in_their_home_and_exploration_menu(
    lab: Harness,
) -> None:
    await know(lab, **{SALES: "Sales", SUPPORT: "Support"})
    lab.fake.add_usergroup("explorers", name="Explorers", users=[SALES, SUPPORT])
    experiment = await start_with_team(lab, [SALES, SUPPORT])
    await lab.submit_view(
        TEAM_FORM,
        {"team": {"type": "multi_users_select", "selected_users": [SALES]}},
        user=OWNER,
        private_metadata=json.dumps({"experiment_id": experiment.id}),
    )
    await eventually(lambda: team_line(lab, experiment) == f"*Team:* <@{SALES}> (Sales)")

    await open_home(lab, SALES)
    home = text_of(await published(lab))
    assert "Your experiments" in home and f"#{experiment.id} " in home
    await open_home(lab, SUPPORT)
    assert "Your experiments" not in text_of(await published(lab, count=2))

    await run(lab, this_weeks_friday())

    def menu_of(person: str) -> list[str]:
        [question] = questions_to(lab, person)
        return [
            option["value"]
            for block in question["blocks"]
            if block["type"] == "actions"
            for element in block["elements"]
            if element["type"] == "static_select"
            for option in element["options"]
        ]

    assert [value.rsplit(":", 1)[1] for value in menu_of(SALES)] == [str(experiment.id)]
    assert menu_of(SUPPORT) == []


def test_who_manages_and_who_changes_the_team() -> None:
    admins = frozenset({ADMIN})
    crew = frozenset({SALES})
    assert rules.can_manage(SALES, OWNER, admins, crew)
    assert not rules.can_manage(SUPPORT, OWNER, admins, crew)
    assert rules.can_manage(ADMIN, OWNER, admins, crew) and rules.can_manage(OWNER, OWNER, admins)
    assert not rules.can_change_team(SALES, OWNER, admins)
    assert rules.can_change_team(OWNER, OWNER, admins) and rules.can_change_team(
        ADMIN, OWNER, admins
    )


def test_the_team_is_picked_without_the_owner_and_within_the_limit() -> None:
    assert rules.team_without_owner([SALES, OWNER, SALES, "", SUPPORT], OWNER) == [SALES, SUPPORT]
    twelve = [f"U0CREW{n:03d}" for n in range(rules.TEAM_LIMIT)]
    assert rules.team_size_problem(twelve) is None
    assert "13 are picked" in (rules.team_size_problem([*twelve, SALES]) or "")
