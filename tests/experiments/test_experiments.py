"""Experiments through the real HTTP endpoint: start, update, conclude, and who may."""

from __future__ import annotations

import json
from datetime import date, timedelta

from bot.experiments import blocks as experiment_blocks
from bot.experiments import forms as experiment_forms
from bot.experiments.team_blocks import TEAM_ACTION
from bot.ideas.blocks import START_EXPERIMENT_ACTION
from scheduler.timetable import post_unposted
from storage import experiments as store
from storage.models import Experiment, Idea
from tests.harness import ADMIN, IDEAS_CHANNEL, LAB_CHANNEL, Harness, eventually

LAB = LAB_CHANNEL
OWNER = "U0OWNER01"
FUTURE = (date.today() + timedelta(days=30)).isoformat()


def experiment_fields(
    *,
    hypothesis: str = "We believe <b>shorter</b> stand-ups will free time, measured by survey",
    metric: str = "minutes in meetings per week",
    owner: str = OWNER,
    ends_on: str | None = FUTURE,
    idea: str = "",
) -> dict[str, dict]:
    return {
        "hypothesis": {"type": "plain_text_input", "value": hypothesis},
        "metric": {"type": "plain_text_input", "value": metric},
        "owner": {"type": "users_select", "selected_user": owner},
        "ends_on": {"type": "datepicker", "selected_date": ends_on},
        "idea": picked_idea(idea),
    }


def picked_idea(value: str) -> dict:
    """The experiment form's idea menu (`external_select`) as Slack sends it: the option
    picked, whose value is the idea's number, or none."""
    chosen = {"text": {"type": "plain_text", "text": f"#{value}"}, "value": value}
    return {"type": "external_select", "selected_option": chosen if value else None}


def dms_to(lab: Harness, person: str) -> list[dict]:
    return [c.args for c in lab.fake.calls_to("chat.postMessage") if c.args["channel"] == person]


async def start_experiment(lab: Harness, idea: Idea | None = None) -> Experiment:
    """Start an experiment through the form and wait until the starter is told, the last
    thing the form does, so none of its posts is still to come."""
    told = len(dms_to(lab, "U0STARTER"))
    await lab.submit_view(
        experiment_forms.EXPERIMENT_FORM,
        experiment_fields(idea=str(idea.id) if idea else ""),
        user="U0STARTER",
    )
    await eventually(
        lambda: len(dms_to(lab, "U0STARTER")) > told, failure="the starter was never told"
    )
    return await lab.experiment_posted()


def card_of(lab: Harness, experiment: Experiment) -> dict:
    assert experiment.message_ts is not None
    return lab.fake.message(LAB, experiment.message_ts)


def texts(message: dict) -> str:
    parts = [message.get("text") or ""]
    for block in message.get("blocks") or []:
        text = block.get("text")
        if isinstance(text, dict):
            parts.append(text["text"])
        parts += [e.get("text", "") for e in block.get("elements", []) if isinstance(e, dict)]
    return "\n".join(str(p) for p in parts)


async def test_the_idea_button_opens_a_form_prefilled_with_the_idea(lab: Harness) -> None:
    idea = await lab.share_idea("Shorter stand-ups")
    assert idea.message_ts is not None
    post = lab.fake.message(IDEAS_CHANNEL, idea.message_ts)
    [button] = [
        element
        for block in post["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element.get("action_id") == START_EXPERIMENT_ACTION
    ]
    assert button["action_id"] == START_EXPERIMENT_ACTION and button["value"] == str(idea.id)

    reply, trigger = await lab.click(START_EXPERIMENT_ACTION, str(idea.id), user="U0STARTER")

    assert reply.status == 200
    [opened] = await lab.fake.wait_for("views.open")
    assert opened.args["trigger_id"] == trigger
    fields = {b["block_id"]: b["element"] for b in opened.args["view"]["blocks"] if "block_id" in b}
    assert fields["idea"]["initial_option"]["value"] == str(idea.id)
    assert fields["idea"]["initial_option"]["text"]["text"] == f"#{idea.id} {idea.text}"
    assert fields["owner"]["initial_user"] == "U0STARTER"
    assert date.fromisoformat(fields["ends_on"]["initial_date"]) > date.today()


async def test_the_experiment_command_opens_the_form_with_the_idea_it_names(
    lab: Harness,
) -> None:
    await lab.command("experiment", trigger_id="trigger-exp")
    [opened] = await lab.fake.wait_for("views.open")
    assert opened.args["trigger_id"] == "trigger-exp"
    assert opened.args["view"]["callback_id"] == experiment_forms.EXPERIMENT_FORM

    await lab.command("Experiment #12", trigger_id="trigger-exp-12")
    [_, opened] = await lab.fake.wait_for("views.open", count=2)
    assert opened.args["trigger_id"] == "trigger-exp-12"
    fields = {b["block_id"]: b["element"] for b in opened.args["view"]["blocks"] if "block_id" in b}
    assert fields["idea"]["initial_option"]["value"] == "12"


async def test_starting_posts_the_card_links_the_idea_and_marks_it_experimenting(
    lab: Harness,
) -> None:
    idea = await lab.share_idea("Shorter stand-ups")

    experiment = await start_experiment(lab, idea)

    card = card_of(lab, experiment)
    body = texts(card)
    assert "&lt;b&gt;shorter&lt;/b&gt;" in body and "<b>" not in body
    assert idea.permalink and f"<@{OWNER}>" in body and idea.permalink in body
    buttons = [
        e["action_id"] for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert buttons == [
        experiment_blocks.UPDATE_ACTION,
        experiment_blocks.CONCLUDE_ACTION,
        TEAM_ACTION,
        experiment_blocks.CANCEL_ACTION,
    ]

    def linked_in_idea_thread() -> bool:
        return any(
            m.get("thread_ts") == idea.message_ts and experiment.permalink in m["text"]
            for m in lab.fake.messages(IDEAS_CHANNEL)
        )

    def starter_told() -> bool:
        return any(
            c.args["channel"] == "U0STARTER" and "is shared" in c.args["text"]
            for c in lab.fake.calls_to("chat.postMessage")
        )

    await eventually(linked_in_idea_thread)
    await eventually(starter_told)
    async with lab.db.session() as session:
        marked = await session.get(Idea, idea.id)
    assert marked is not None and marked.status == "experimenting"


async def test_an_empty_hypothesis_and_a_past_end_date_are_inline_errors(lab: Harness) -> None:
    yesterday = (date.today() - timedelta(days=2)).isoformat()

    reply = await lab.submit_view(
        experiment_forms.EXPERIMENT_FORM, experiment_fields(hypothesis="  ", ends_on=yesterday)
    )

    body = reply.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"hypothesis", "ends_on"}
    assert "in the past" in body["errors"]["ends_on"]
    assert lab.fake.calls_to("chat.postMessage") == []


async def test_an_unknown_idea_number_is_an_inline_error(lab: Harness) -> None:
    reply = await lab.submit_view(experiment_forms.EXPERIMENT_FORM, experiment_fields(idea="#99"))

    assert reply.json()["errors"] == {"idea": "There is no idea #99. Leave it empty, or fix it."}


async def test_only_the_owner_or_an_admin_may_update_or_conclude(lab: Harness) -> None:
    experiment = await start_experiment(lab)
    value = experiment_blocks.button_value(experiment)

    await lab.click(experiment_blocks.UPDATE_ACTION, value, user="U0NOSY001", channel=LAB)
    [refusal] = await lab.fake.wait_for_responses()
    assert f"<@{OWNER}>" in refusal["text"] and refusal["response_type"] == "ephemeral"
    assert refusal.get("replace_original") is False
    assert lab.fake.calls_to("views.open") == []

    for user in (OWNER, ADMIN):
        _, trigger = await lab.click(
            experiment_blocks.CONCLUDE_ACTION, value, user=user, channel=LAB
        )
        opened = await lab.fake.wait_for("views.open", count=1 + (user == ADMIN))
        assert opened[-1].args["trigger_id"] == trigger
        assert opened[-1].args["view"]["callback_id"] == experiment_forms.LEARNING_FORM

    stale = await lab.submit_view(
        experiment_forms.UPDATE_FORM,
        {"update": {"type": "plain_text_input", "value": "sneaky"}},
        user="U0NOSY001",
        private_metadata=json.dumps({"experiment_id": experiment.id}),
    )
    assert "update" in stale.json()["errors"]


async def test_the_owners_update_is_threaded_under_the_card(lab: Harness) -> None:
    experiment = await start_experiment(lab)
    posted = len(lab.fake.calls_to("chat.postMessage"))

    reply = await lab.submit_view(
        experiment_forms.UPDATE_FORM,
        {"update": {"type": "plain_text_input", "value": "Week 1: 12% fewer minutes <!here>"}},
        user=OWNER,
        private_metadata=json.dumps({"experiment_id": experiment.id}),
    )

    assert reply.status == 200 and reply.text == ""
    calls = await lab.fake.wait_for("chat.postMessage", count=posted + 1)
    update = calls[-1].args
    assert update["channel"] == LAB and update["thread_ts"] == experiment.message_ts
    assert "12% fewer minutes &lt;!here&gt;" in texts(update)


async def test_concluding_shares_the_learning_as_a_result_once(lab: Harness) -> None:
    idea = await lab.share_idea("Shorter stand-ups")
    experiment = await start_experiment(lab, idea)
    learning_fields: dict[str, dict] = {
        "outcome": {"type": "radio_buttons", "selected_option": {"value": "invalidated"}},
        "learned": {"type": "plain_text_input", "value": "People used the time for <!channel>"},
        "next_step": {"type": "plain_text_input", "value": "Try async updates instead"},
    }
    metadata = json.dumps({"experiment_id": experiment.id})

    reply = await lab.submit_view(
        experiment_forms.LEARNING_FORM, learning_fields, user=OWNER, private_metadata=metadata
    )

    assert reply.status == 200
    await lab.fake.wait_for("chat.update")
    learning_cards = [m for m in lab.fake.messages(LAB) if "Learning" in texts(m)]
    assert len(learning_cards) == 1
    body = texts(learning_cards[0])
    assert "did not hold, and that is a result" in body
    assert "&lt;!channel&gt;" in body and "Try async updates instead" in body
    card = card_of(lab, experiment)
    assert not [b for b in card["blocks"] if b["type"] == "actions"]
    assert "Concluded" in texts(card)

    def concluded_in_idea_thread() -> bool:
        thread = lab.fake.messages(IDEAS_CHANNEL)
        return any(
            m.get("thread_ts") == idea.message_ts and "concluded" in m["text"] for m in thread
        )

    await eventually(concluded_in_idea_thread)

    again = await lab.submit_view(
        experiment_forms.LEARNING_FORM, learning_fields, user=ADMIN, private_metadata=metadata
    )
    assert "already concluded" in again.json()["errors"]["learned"]
    async with lab.db.session() as session:
        concluded = await store.get_experiment(session=session, experiment_id=1)
    assert concluded is not None and concluded.status == "concluded"


async def test_the_owner_or_an_admin_can_cancel_and_the_idea_is_told(lab: Harness) -> None:
    idea = await lab.share_idea("Shorter stand-ups")
    experiment = await start_experiment(lab, idea)
    value = experiment_blocks.button_value(experiment)
    [cancel] = [
        e
        for b in card_of(lab, experiment)["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == experiment_blocks.CANCEL_ACTION
    ]
    assert cancel["confirm"]["style"] == "danger"
    answered = len(lab.fake.responses)

    await lab.click(experiment_blocks.CANCEL_ACTION, value, user="U0NOSY001", channel=LAB)
    refusal = (await lab.fake.wait_for_responses(count=answered + 1))[-1]
    assert f"<@{OWNER}>" in refusal["text"] and "cancel" in refusal["text"]

    await lab.click(experiment_blocks.CANCEL_ACTION, value, user=ADMIN, channel=LAB)
    done = (await lab.fake.wait_for_responses(count=answered + 2))[-1]
    assert "is cancelled" in done["text"]
    card = card_of(lab, experiment)
    assert f"Cancelled by <@{ADMIN}>" in texts(card)
    assert not [b for b in card["blocks"] if b["type"] == "actions"]

    def cancelled_in_idea_thread() -> bool:
        return any(
            m.get("thread_ts") == idea.message_ts and "was cancelled" in m["text"]
            for m in lab.fake.messages(IDEAS_CHANNEL)
        )

    await eventually(cancelled_in_idea_thread)
    async with lab.db.session() as session:
        cancelled = await store.get_experiment(session=session, experiment_id=1)
        reopened = await session.get(Idea, idea.id, populate_existing=True)
    assert cancelled is not None and cancelled.status == "cancelled"
    assert reopened is not None and reopened.status == "new"

    await lab.click(experiment_blocks.CANCEL_ACTION, value, user=OWNER, channel=LAB)
    again = (await lab.fake.wait_for_responses(count=answered + 3))[-1]
    assert "already ended" in again["text"]


async def test_the_learning_form_checks_every_field(lab: Harness) -> None:
    experiment = await start_experiment(lab)

    reply = await lab.submit_view(
        experiment_forms.LEARNING_FORM,
        {
            "outcome": {"type": "radio_buttons", "selected_option": None},
            "learned": {"type": "plain_text_input", "value": " "},
            "next_step": {"type": "plain_text_input", "value": "Carry on"},
        },
        user=OWNER,
        private_metadata=json.dumps({"experiment_id": experiment.id}),
    )

    assert set(reply.json()["errors"]) == {"outcome", "learned"}


async def test_a_card_slack_refused_is_posted_later_once(lab: Harness) -> None:
    idea = await lab.share_idea("Shorter stand-ups")
    lab.fake.not_in_channels.add(LAB)

    await lab.submit_view(
        experiment_forms.EXPERIMENT_FORM, experiment_fields(idea=str(idea.id)), user="U0STARTER"
    )

    def starter_warned() -> bool:
        return any(
            c.args["channel"] == "U0STARTER" and "is saved, but" in c.args["text"]
            for c in lab.fake.calls_to("chat.postMessage")
        )

    await eventually(starter_warned)
    assert lab.fake.messages(LAB) == []
    lab.fake.not_in_channels.discard(LAB)

    await post_unposted(lab.runtime)
    await post_unposted(lab.runtime)

    [card] = lab.fake.messages(LAB)
    assert "Experiment #1" in texts(card)
    async with lab.db.session() as session:
        experiment = await store.get_experiment(session=session, experiment_id=1)
    assert experiment is not None
    assert experiment.message_ts == card["ts"] and experiment.permalink
    linked = [
        m
        for m in lab.fake.messages(IDEAS_CHANNEL)
        if m.get("thread_ts") == idea.message_ts and experiment.permalink in m["text"]
    ]
    assert len(linked) == 1
