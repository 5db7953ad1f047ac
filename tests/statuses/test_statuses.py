"""Idea statuses through the real HTTP endpoint: who may change them, reasons, the post, the
thread, the DMs (once, batched, never to the muted or departed) and the history."""

from __future__ import annotations

import asyncio
import json

from bot.ideas.blocks import CHANGE_STATUS_ACTION, START_EXPERIMENT_ACTION
from bot.statuses import blocks as status_blocks
from storage import statuses, votes
from storage.models import Idea
from storage.votes import ReactionChange
from tests.harness import ADMIN, IDEAS_CHANNEL, Harness, eventually, settled

AUTHOR, VOTER, GONE = "U0AUTHOR1", "U0VOTER01", "U0GONE001"


async def voted_idea(lab: Harness, text: str = "Free fruit on Fridays") -> Idea:
    """An idea with three votes: a colleague, the admin, and someone who has since left."""
    lab.add_people(VOTER, ADMIN, AUTHOR)
    lab.fake.add_user(GONE, deleted=True)
    idea = await lab.share_idea(text, author=AUTHOR)
    judged = sum(lab.runtime.votes.verdicts.values())
    await lab.react(idea, VOTER)
    await lab.react(idea, ADMIN)
    await lab.wait_judged(judged + 2)
    await lab.runtime.votes.drain()
    async with lab.db.session() as session:
        await votes.apply_reactions(
            session=session,
            changes=[ReactionChange(idea.id or 0, GONE, "+1", True, "1700000000.000001")],
        )
    return idea


def form_values(status: str, reason: str = "", owner: str | None = None) -> dict[str, dict]:
    return {
        "status": {"type": "static_select", "selected_option": {"value": status}},
        "reason": {"type": "plain_text_input", "value": reason},
        "owner": {"type": "users_select", "selected_user": owner},
    }


def dms_to(lab: Harness, person: str) -> list[dict]:
    return [c.args for c in lab.fake.calls_to("chat.postMessage") if c.args["channel"] == person]


def post_text(lab: Harness, idea: Idea) -> str:
    assert idea.message_ts is not None
    message = lab.fake.message(IDEAS_CHANNEL, idea.message_ts)
    return json.dumps(message["blocks"], ensure_ascii=False)


def thread_of(lab: Harness, idea: Idea) -> list[dict]:
    return [m for m in lab.fake.messages(IDEAS_CHANNEL) if m.get("thread_ts") == idea.message_ts]


def thread_replies_asked(lab: Harness) -> int:
    """How many replies in threads the bot has sent, answered or not."""
    return sum("thread_ts" in c.args for c in lab.fake.calls_to("chat.postMessage"))


async def test_only_admins_may_change_a_status(lab: Harness) -> None:
    idea = await lab.share_idea("Free fruit on Fridays", author=AUTHOR)

    await lab.click(CHANGE_STATUS_ACTION, str(idea.id), user=VOTER)
    responses = await lab.fake.wait_for_responses(count=2)
    assert "Only Lightbulb admins" in responses[-1]["text"]
    assert responses[-1]["response_type"] == "ephemeral"
    assert lab.fake.calls_to("views.open") == []

    reply = await lab.command(f"status {idea.id} shipped Done", user=VOTER)
    assert reply.status == 200
    answer = (await lab.fake.wait_for_responses(count=3))[-1]
    assert "Only Lightbulb admins" in answer["text"]
    async with lab.db.session() as session:
        unchanged = await session.get(Idea, idea.id, populate_existing=True)
    assert unchanged is not None and unchanged.status == "new"


async def test_the_admin_gets_the_form_and_reasons_are_required(lab: Harness) -> None:
    idea = await lab.share_idea("Free fruit on Fridays", author=AUTHOR)

    _, trigger = await lab.click(CHANGE_STATUS_ACTION, str(idea.id), user=ADMIN)

    [opened] = await lab.fake.wait_for("views.open")
    assert opened.args["trigger_id"] == trigger
    view = opened.args["view"]
    assert view["callback_id"] == status_blocks.STATUS_FORM
    metadata = view["private_metadata"]
    declined = await lab.submit_view(
        status_blocks.STATUS_FORM,
        form_values("declined", " "),
        user=ADMIN,
        private_metadata=metadata,
    )
    assert "Say why it is declined" in declined.json()["errors"]["reason"]
    same = await lab.submit_view(
        status_blocks.STATUS_FORM, form_values("new"), user=ADMIN, private_metadata=metadata
    )
    assert "already new" in same.json()["errors"]["status"]


async def test_a_status_the_form_never_offered_is_refused_next_to_the_field(
    lab: Harness,
) -> None:
    idea = await voted_idea(lab)
    metadata = json.dumps({"idea_id": idea.id})

    def sent() -> int:
        return len(lab.fake.calls_to("chat.postMessage")) + len(lab.fake.calls_to("chat.update"))

    sent_before = sent()
    before = asyncio.all_tasks()

    for forged in ("pwned", "", "NEW", "under_review", "shipped " * 10):
        reply = await lab.submit_view(
            status_blocks.STATUS_FORM,
            form_values(forged, "Trust me", owner=VOTER),
            user=ADMIN,
            private_metadata=metadata,
        )
        assert reply.status == 200, forged
        assert reply.json()["response_action"] == "errors", forged
        assert "not a status Lightbulb knows" in reply.json()["errors"]["status"], forged
    await settled(before)
    await lab.runtime.notices.drain()

    async with lab.db.session() as session:
        stored = await session.get(Idea, idea.id, populate_existing=True)
        changes = await statuses.history(session=session, idea_id=idea.id or 0)
    assert stored is not None and (stored.status, stored.owner_id) == ("new", None)
    assert changes == []
    assert sent() == sent_before


async def test_a_forged_owner_is_not_stored(lab: Harness) -> None:
    idea = await voted_idea(lab)

    reply = await lab.submit_view(
        status_blocks.STATUS_FORM,
        form_values("under review", "Looking into it", owner="U" + "X" * 40),
        user=ADMIN,
        private_metadata=json.dumps({"idea_id": idea.id}),
    )

    assert reply.status == 200

    async def reviewed() -> Idea | None:
        async with lab.db.session() as session:
            stored = await session.get(Idea, idea.id, populate_existing=True)
        return stored if stored is not None and stored.status == "under review" else None

    stored = await eventually(reviewed)
    assert stored.owner_id is None


async def test_a_change_updates_the_post_the_thread_and_tells_people_once(lab: Harness) -> None:
    idea = await voted_idea(lab)
    metadata = json.dumps({"idea_id": idea.id})

    reply = await lab.submit_view(
        status_blocks.STATUS_FORM,
        form_values("shipped", "Live in every office <!here>", owner=VOTER),
        user=ADMIN,
        private_metadata=metadata,
    )
    assert reply.status == 200 and reply.text == ""

    def post_shows_shipped() -> bool:
        return "votes are closed" in post_text(lab, idea)

    await eventually(post_shows_shipped)
    body = post_text(lab, idea)
    assert "🚀 Shipped" in body and f"owner <@{VOTER}>" in body
    assert START_EXPERIMENT_ACTION not in body and "*3 votes*" in body
    # The reply and the refreshed post are sent independently: either can land first.
    thread = await eventually(lambda: thread_of(lab, idea), failure="no reply in the thread")
    assert len(thread) == 1 and "Live in every office &lt;!here&gt;" in thread[0]["text"]

    def told() -> bool:
        return len(dms_to(lab, AUTHOR)) == 1 and len(dms_to(lab, VOTER)) == 1

    await eventually(told)
    await lab.runtime.notices.drain()  # every notice due is sent: a second one would show now
    assert len(dms_to(lab, AUTHOR)) == 1 and len(dms_to(lab, VOTER)) == 1
    assert dms_to(lab, ADMIN) == [] and dms_to(lab, GONE) == []
    assert "(you shared)" in json.dumps(dms_to(lab, AUTHOR)[0]["blocks"])
    assert "(you voted for)" in json.dumps(dms_to(lab, VOTER)[0]["blocks"])

    history = await lab.command(f"history {idea.id}", user=VOTER)
    text = history.json()["text"]
    assert "🆕 New → 🚀 Shipped" in text and f"<@{ADMIN}>" in text and "every office" in text


async def test_a_closed_idea_keeps_its_votes_and_takes_no_new_ones(lab: Harness) -> None:
    idea = await voted_idea(lab)
    before = await lab.votes_on(idea)
    lab.add_people("U0LATE001")

    await lab.command(f"status {idea.id} parked Waiting for next year's budget", user=ADMIN)
    await eventually(lambda: "votes are closed" in post_text(lab, idea))
    judged = sum(lab.runtime.votes.verdicts.values())
    await lab.react(idea, "U0LATE001")
    await lab.wait_judged(judged + 1)
    await lab.runtime.votes.drain()

    assert await lab.votes_on(idea) == before


async def test_changes_at_once_reach_each_person_in_one_dm(lab: Harness) -> None:
    first = await voted_idea(lab, "Idea one")
    second = await lab.share_idea("Idea two", author="U0AUTHOR2")
    judged = sum(lab.runtime.votes.verdicts.values())
    await lab.react(second, VOTER)
    await lab.wait_judged(judged + 1)
    await lab.runtime.votes.drain()

    replies = thread_replies_asked(lab)
    # Held replies make both changes finish at once, however long each command takes.
    lab.fake.hold("chat.postMessage")

    await lab.command(f"status {first.id} under-review", user=ADMIN)
    await lab.command(f"status {second.id} declined Overlaps with idea {first.id}", user=ADMIN)
    await eventually(
        lambda: thread_replies_asked(lab) == replies + 2,
        failure="the two changes were not both replied to in their threads",
    )
    lab.fake.release("chat.postMessage")

    await eventually(lambda: len(dms_to(lab, VOTER)) >= 1)
    await lab.runtime.notices.drain()  # every notice due is sent: a second one would show now
    [dm] = dms_to(lab, VOTER)
    assert "2 ideas you care about" in json.dumps(dm["blocks"], ensure_ascii=False)


async def test_muted_people_are_not_told(lab: Harness) -> None:
    idea = await voted_idea(lab)
    await lab.click(f"{status_blocks.MUTE_ACTION}_{idea.id}", str(idea.id), user=VOTER)
    answer = (await lab.fake.wait_for_responses(count=2))[-1]
    assert "won't hear about idea" in answer["text"]

    await lab.command(f"status {idea.id} under-review", user=ADMIN)
    await eventually(lambda: len(dms_to(lab, AUTHOR)) == 1)
    await lab.runtime.notices.drain()  # every notice due is sent, the voter's too if it were

    assert dms_to(lab, VOTER) == []


async def test_a_mistyped_status_command_is_explained_and_handed_back(lab: Harness) -> None:
    await lab.share_idea("Free fruit on Fridays", author=AUTHOR)

    await lab.command("status 1 finished It is done", user=ADMIN)

    answer = (await lab.fake.wait_for_responses(count=2))[-1]
    assert "`finished` is not a status" in answer["text"]
    assert "/idea status 1 finished It is done" in answer["text"]
