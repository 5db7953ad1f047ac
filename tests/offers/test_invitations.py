""" "🧪 Invite to the experiment" in the author's DM of offers: the experiment form with the
helper on its team when nothing runs yet; the team of the running experiment when the author
may change it; otherwise who to ask."""

from __future__ import annotations

import json

from sqlmodel import col, select

from bot.experiments import forms as experiment_forms
from bot.offers import blocks as offer_blocks
from storage.team_models import TeamChange
from tests.experiments.test_experiments import experiment_fields
from tests.harness import Harness
from tests.offers.test_offers import AUTHOR, SALES, SUPPORT, click_answers, offer, people

DM = "D0AUTHOR1"


async def start(lab: Harness, idea_id: int, *, owner: str) -> None:
    await lab.submit_view(
        experiment_forms.EXPERIMENT_FORM,
        experiment_fields(idea=str(idea_id), owner=owner),
        user=owner,
    )
    await lab.experiment_posted()


async def team_rows(lab: Harness) -> list[tuple[str, bool, str]]:
    async with lab.db.session() as session:
        rows = await session.execute(select(TeamChange).order_by(col(TeamChange.id)))
        return [(row.user_id, row.joined, row.changed_by) for row in rows.scalars()]


async def test_with_no_experiment_the_form_opens_with_the_helper_on_the_team(
    lab: Harness,
) -> None:
    await people(lab)
    idea = await lab.share_idea("Customer shadowing days", author=AUTHOR)
    await offer(lab, idea, SALES)
    await offer(lab, idea, SUPPORT)

    _, trigger = await lab.click(
        offer_blocks.INVITE_ACTION,
        offer_blocks.offer_value(idea.id or 0, SUPPORT),
        user=AUTHOR,
        channel=DM,
    )

    [opened] = await lab.fake.wait_for("views.open")
    view = opened.args["view"]
    assert (opened.args["trigger_id"], view["callback_id"]) == (
        trigger,
        experiment_forms.EXPERIMENT_FORM,
    )
    form = {b["block_id"]: b["element"] for b in view["blocks"] if "block_id" in b}
    assert form["team"]["initial_users"] == [SUPPORT]
    assert form["idea"]["initial_option"]["value"] == str(idea.id)
    assert form["owner"]["initial_user"] == AUTHOR


async def test_the_helper_joins_the_running_experiment_of_its_owner_once(lab: Harness) -> None:
    await people(lab)
    idea = await lab.share_idea("Support rotations for engineers", author=AUTHOR)
    await offer(lab, idea, SALES)
    await start(lab, idea.id or 0, owner=AUTHOR)
    value = offer_blocks.offer_value(idea.id or 0, SALES)

    await lab.click(offer_blocks.INVITE_ACTION, value, user=AUTHOR, channel=DM)
    await click_answers(lab)
    await lab.click(offer_blocks.INVITE_ACTION, value, user=AUTHOR, channel=DM)

    first, second = (answer["text"] for answer in await click_answers(lab, 2))
    assert f"<@{SALES}> joined the team of experiment #1" in first
    assert f"<@{SALES}> is on the team of experiment #1 already" in second
    joined = [row for row in await team_rows(lab) if row[0] == SALES]
    assert joined == [(SALES, True, AUTHOR)]


async def test_an_author_who_does_not_run_the_experiment_is_told_who_does(
    lab: Harness,
) -> None:
    await people(lab)
    lab.add_people("U0OWNER01")
    idea = await lab.share_idea("A guild for data people", author=AUTHOR)
    await offer(lab, idea, SALES)
    await start(lab, idea.id or 0, owner="U0OWNER01")

    await lab.click(
        offer_blocks.INVITE_ACTION,
        offer_blocks.offer_value(idea.id or 0, SALES),
        user=AUTHOR,
        channel=DM,
    )

    [answer] = await click_answers(lab)
    assert "run by <@U0OWNER01>" in answer["text"] and "👥 Team" in answer["text"]
    assert SALES not in json.dumps(await team_rows(lab))


async def test_the_experiment_command_suggests_the_ideas_helpers_as_the_team(
    lab: Harness,
) -> None:
    await people(lab)
    idea = await lab.share_idea("Call five customers a week", author=AUTHOR)
    await offer(lab, idea, SALES)
    await offer(lab, idea, SUPPORT)

    await lab.command(f"experiment {idea.id}", user=AUTHOR, trigger_id="trigger-team")

    [opened] = await lab.fake.wait_for("views.open")
    form = {b["block_id"]: b["element"] for b in opened.args["view"]["blocks"] if "block_id" in b}
    assert opened.args["trigger_id"] == "trigger-team"
    assert form["team"]["initial_users"] == [SALES, SUPPORT]
    assert form["idea"]["initial_option"]["value"] == str(idea.id)
