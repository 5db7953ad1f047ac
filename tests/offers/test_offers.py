"""Offers of help, through the real app and fake Slack: "🙋 I can help" on an idea's post,
the form and its Withdraw button, the line on the post, the author's batched DM with its
Thank and Invite buttons, and the Home tab."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.ideas.blocks import OFFER_HELP_ACTION
from bot.offers import blocks as offer_blocks
from bot.offers import forms
from bot.statuses import service as statuses
from scheduler.timetable import post_unposted
from storage.models import Idea
from storage.people_models import Person
from storage.team_models import HelpOffer
from tests.harness import (
    ADMIN,
    IDEAS_CHANNEL,
    TEAM_ID,
    Harness,
    Reply,
    eventually,
    start_harness,
)

AUTHOR = "U0AUTHOR1"
SALES, SUPPORT, DESIGN = "U0SALES01", "U0SUPPO01", "U0DESIG01"
DEPARTMENTS = {SALES: "Sales", SUPPORT: "Support", DESIGN: "Design", AUTHOR: "Engineering"}


async def people(lab: Harness) -> None:
    lab.add_people(*DEPARTMENTS)
    async with lab.db.session() as session:
        for user_id, department in DEPARTMENTS.items():
            session.add(Person(user_id=user_id, department=department))


def fields(kinds: list[str], what: str) -> dict[str, dict]:
    return {
        "kinds": {
            "type": "checkboxes",
            "selected_options": [{"value": kind, "text": {"text": kind}} for kind in kinds],
        },
        "what": {"type": "plain_text_input", "value": what},
    }


async def offer(
    lab: Harness, idea: Idea, helper: str, *, kinds: list[str] | None = None, what: str = ""
) -> Reply:
    return await lab.submit_view(
        forms.OFFER_FORM,
        fields(kinds if kinds is not None else ["skills"], what),
        user=helper,
        private_metadata=json.dumps({"idea_id": idea.id}),
    )


async def stored(lab: Harness, idea: Idea) -> dict[str, HelpOffer]:
    async with lab.db.session() as session:
        rows = await session.execute(select(HelpOffer).where(HelpOffer.idea_id == idea.id))
        return {row.helper_id: row for row in rows.scalars()}


def post_of(lab: Harness, idea: Idea) -> dict:
    assert idea.message_ts is not None
    return lab.fake.message(IDEAS_CHANNEL, idea.message_ts)


def last_line(lab: Harness, idea: Idea) -> str:
    [*_, line] = [b for b in post_of(lab, idea)["blocks"] if b["type"] == "context"]
    return str(line["elements"][0]["text"])


def buttons(lab: Harness, idea: Idea) -> list[str]:
    return [
        element["action_id"]
        for block in post_of(lab, idea)["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]


async def post_shows(lab: Harness, idea: Idea, text: str) -> None:
    await eventually(
        lambda: text in last_line(lab, idea),
        failure=lambda: f"the post says {last_line(lab, idea)!r}, not {text!r}",
    )


async def click_answers(lab: Harness, count: int = 1) -> list[dict]:
    """The private answers to button clicks (not to the `/idea` that shared the idea)."""
    clicks = "/response/click-"
    await eventually(lambda: sum(clicks in r["_url"] for r in lab.fake.responses) >= count)
    return [r for r in lab.fake.responses if clicks in r["_url"]]


def dms_to(lab: Harness, person: str) -> list[dict]:
    return [c.args for c in lab.fake.calls_to("chat.postMessage") if c.args["channel"] == person]


async def test_the_button_opens_the_form_and_an_offer_shows_on_the_post(lab: Harness) -> None:
    await people(lab)
    idea = await lab.share_idea("A customer advisory board", author=AUTHOR)
    assert buttons(lab, idea)[0] == OFFER_HELP_ACTION

    _, trigger = await lab.click(OFFER_HELP_ACTION, str(idea.id), user=SALES)

    [opened] = await lab.fake.wait_for("views.open")
    view = opened.args["view"]
    assert (opened.args["trigger_id"], view["callback_id"]) == (trigger, forms.OFFER_FORM)
    assert json.loads(view["private_metadata"]) == {"idea_id": idea.id}
    assert "withdraw" not in {b.get("block_id") for b in view["blocks"]}

    reply = await offer(lab, idea, SALES, kinds=["customers", "time"], what="I run <the> calls")

    assert reply.json()["response_action"] == "update"
    assert "your offer is saved" in json.dumps(reply.json()["view"])
    [row] = (await stored(lab, idea)).values()
    assert (row.helper_id, row.department, row.kinds, row.what) == (
        SALES,
        "Sales",
        "time,customers",
        "I run <the> calls",
    )
    await post_shows(lab, idea, "🙋 1 person offered help (Sales)")


async def test_offering_twice_edits_the_offer_and_the_post_counts_people(lab: Harness) -> None:
    await people(lab)
    idea = await lab.share_idea("Office hours with the CTO", author=AUTHOR)

    await offer(lab, idea, SALES, what="first words")
    await offer(lab, idea, SALES, kinds=[], what="second words")
    await offer(lab, idea, SUPPORT)
    await offer(lab, idea, DESIGN)

    offers = await stored(lab, idea)
    assert sorted(offers) == sorted([SALES, SUPPORT, DESIGN])
    assert (offers[SALES].what, offers[SALES].kinds) == ("second words", "")
    await post_shows(lab, idea, "3 people offered help (Sales, Support, Design)")

    await lab.click(OFFER_HELP_ACTION, str(idea.id), user=SALES)
    [opened] = await lab.fake.wait_for("views.open")
    view = opened.args["view"]
    assert view["submit"]["text"] == "Save my offer"
    form = {b["block_id"]: b for b in view["blocks"] if "block_id" in b}
    assert form["what"]["element"]["initial_value"] == "second words"
    assert form["withdraw"]["elements"][0]["action_id"] == forms.WITHDRAW_ACTION


async def test_an_empty_or_long_offer_is_an_inline_error(lab: Harness) -> None:
    idea = await lab.share_idea("Quiet Wednesdays", author=AUTHOR)

    empty = await offer(lab, idea, SALES, kinds=[], what="  ")
    long = await offer(lab, idea, SALES, kinds=["skills"], what="x" * 1001)

    assert empty.json() == {
        "response_action": "errors",
        "errors": {"what": "Pick what you could bring, or say it in a few words."},
    }
    assert long.json()["errors"] == {"what": "Keep it to 1,000 characters."}
    assert await stored(lab, idea) == {}


async def test_the_author_cannot_offer_help_on_their_own_idea(lab: Harness) -> None:
    idea = await lab.share_idea("Pairing across teams", author=AUTHOR)

    await lab.click(OFFER_HELP_ACTION, str(idea.id), user=AUTHOR)
    forged = await offer(lab, idea, AUTHOR)

    [answer] = await click_answers(lab)
    assert "is yours" in answer["text"] and answer["response_type"] == "ephemeral"
    assert "is yours" in forged.json()["errors"]["what"]
    assert lab.fake.calls_to("views.open") == []
    assert await stored(lab, idea) == {}


async def test_the_author_hears_of_a_burst_of_offers_in_one_dm(lab: Harness) -> None:
    await people(lab)
    idea = await lab.share_idea("Customer calls for engineers", author=AUTHOR)
    before = len(dms_to(lab, AUTHOR))

    for helper in (SALES, SUPPORT, DESIGN):
        await offer(lab, idea, helper, what=f"words from {helper}")
    assert len(dms_to(lab, AUTHOR)) == before  # the batch is still open
    await lab.runtime.offer_notes.drain()

    [dm] = dms_to(lab, AUTHOR)[before:]
    assert dm["text"].startswith(f"🙋 3 people offered to help with your idea #{idea.id}")
    said = json.dumps(dm["blocks"])
    for helper, department in ((SALES, "Sales"), (SUPPORT, "Support"), (DESIGN, "Design")):
        assert f"<@{helper}> ({department})" in said and f"words from {helper}" in said
    values = [
        (e["action_id"], e["value"])
        for b in dm["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert (offer_blocks.THANK_ACTION, f"{idea.id}:{SALES}") in values
    assert (offer_blocks.INVITE_ACTION, f"{idea.id}:{DESIGN}") in values

    await lab.runtime.offer_notes.drain()
    await offer(lab, idea, SALES, what="more hours now")
    await lab.runtime.offer_notes.drain()
    [_, edited] = dms_to(lab, AUTHOR)[before:]
    assert edited["text"].startswith("🙋 Someone offered") and "more hours now" in json.dumps(
        edited["blocks"]
    )


async def test_thanks_reach_the_helper_once_and_only_from_the_author(lab: Harness) -> None:
    await people(lab)
    idea = await lab.share_idea("Lunch and learn", author=AUTHOR)
    await offer(lab, idea, SALES)
    value = offer_blocks.offer_value(idea.id or 0, SALES)

    await lab.click(offer_blocks.THANK_ACTION, value, user=AUTHOR, channel="D0AUTHOR1")
    await lab.click(offer_blocks.THANK_ACTION, value, user=AUTHOR, channel="D0AUTHOR1")
    await lab.click(offer_blocks.THANK_ACTION, value, user=SUPPORT, channel="D0SUPPO01")

    answers = await click_answers(lab, 3)
    assert sum(f"<@{SALES}> has your thanks" in a["text"] for a in answers) == 2
    assert any(f"Only <@{AUTHOR}>" in a["text"] for a in answers)
    [thanks] = dms_to(lab, SALES)
    assert thanks["text"].startswith(f"🙏 <@{AUTHOR}> thanks you for offering to help")


async def test_withdrawing_keeps_the_offer_and_takes_it_off_the_post(lab: Harness) -> None:
    await people(lab)
    idea = await lab.share_idea("Docs days", author=AUTHOR)
    await offer(lab, idea, SALES)
    await offer(lab, idea, SUPPORT)
    await post_shows(lab, idea, "2 people offered help")

    await withdraw(lab, idea, SALES)

    [update] = await lab.fake.wait_for("views.update")
    assert update.args["view_id"] == "V0OFFER01"
    assert "is withdrawn" in json.dumps(update.args["view"])
    offers = await stored(lab, idea)
    assert offers[SALES].withdrawn_at is not None and offers[SUPPORT].withdrawn_at is None
    await post_shows(lab, idea, "1 person offered help (Support)")

    await offer(lab, idea, SALES, what="back again")
    assert (await stored(lab, idea))[SALES].withdrawn_at is None
    await post_shows(lab, idea, "2 people offered help (Sales, Support)")


async def withdraw(lab: Harness, idea: Idea, helper: str) -> Reply:
    """The Withdraw button inside the open offer form."""
    return await lab.interact(
        {
            "type": "block_actions",
            "team": {"id": TEAM_ID, "domain": "acme"},
            "user": {"id": helper, "username": helper.lower(), "team_id": TEAM_ID},
            "api_app_id": "A0LIGHT01",
            "trigger_id": "trigger-withdraw",
            "container": {"type": "view", "view_id": "V0OFFER01"},
            "view": {"id": "V0OFFER01", "type": "modal", "callback_id": forms.OFFER_FORM},
            "actions": [
                {
                    "type": "button",
                    "action_id": forms.WITHDRAW_ACTION,
                    "block_id": "withdraw",
                    "value": str(idea.id),
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
    )


async def test_a_closed_idea_hides_the_button_and_keeps_its_offers(lab: Harness) -> None:
    await people(lab)
    idea = await lab.share_idea("A four-day week", author=AUTHOR)
    await offer(lab, idea, SALES)
    await post_shows(lab, idea, "1 person offered help")

    await statuses.change_status(
        lab.runtime, idea_id=idea.id or 0, to="declined", changed_by=ADMIN, reason="Not now"
    )
    await eventually(lambda: OFFER_HELP_ACTION not in buttons(lab, idea))
    await lab.click(OFFER_HELP_ACTION, str(idea.id), user=SUPPORT)
    late = await offer(lab, idea, DESIGN)

    [answer] = await click_answers(lab)
    assert "takes no new offers" in answer["text"]
    assert "takes no new offers" in late.json()["errors"]["what"]
    assert "1 person offered help (Sales)" in last_line(lab, idea)
    assert list(await stored(lab, idea)) == [SALES]


async def test_fifty_offers_at_once_make_one_burst_of_post_updates(lab: Harness) -> None:
    idea = await lab.share_idea("Hack week", author=AUTHOR)
    helpers = [f"U0HELP{n:03d}" for n in range(50)]
    lab.add_people(AUTHOR, *helpers)
    updates_before = len(lab.fake.calls_to("chat.update"))
    # However slowly the burst arrives, it all lands while the first update is in flight.
    lab.fake.hold("chat.update")

    replies = await asyncio.gather(*(offer(lab, idea, helper) for helper in helpers))
    lab.fake.release("chat.update")

    assert {reply.status for reply in replies} == {200}
    assert len(await stored(lab, idea)) == 50
    await post_shows(lab, idea, "50 people offered help")
    await lab.runtime.posts.drain()
    updates = len(lab.fake.calls_to("chat.update")) - updates_before
    assert 1 <= updates <= 3, f"{updates} chat.update calls for one burst of offers"
    await lab.runtime.offer_notes.drain()
    told = [dm for dm in dms_to(lab, AUTHOR) if "offered to help" in dm["text"]]
    assert len(told) == 1 and told[0]["text"].startswith("🙋 50 people offered to help")


async def test_the_home_tab_lists_help_offered_on_your_ideas_and_admins_see_all(
    lab: Harness,
) -> None:
    await people(lab)
    lab.add_people(ADMIN)
    mine = await lab.share_idea("Shadow a support shift", author=AUTHOR)
    theirs = await lab.share_idea("A sales playbook wiki", author=DESIGN)
    await offer(lab, mine, SALES, kinds=["time"], what="two hours a week")
    await offer(lab, theirs, SUPPORT, what="our macros")
    await offer(lab, mine, SUPPORT)
    await withdraw(lab, mine, SUPPORT)

    await open_home(lab, AUTHOR)
    [view] = await lab.fake.wait_for("views.publish")
    said = json.dumps(view.args["view"]["blocks"], ensure_ascii=False)
    assert "*Help offered on your ideas*" in said
    assert f"<@{SALES}> (Sales): ⏱️ Time · “two hours a week”" in said
    assert "our macros" not in said and f"<@{SUPPORT}>" not in said

    await open_home(lab, ADMIN)
    [_, admin] = await lab.fake.wait_for("views.publish", count=2)
    said = json.dumps(admin.args["view"]["blocks"], ensure_ascii=False)
    assert "*Help offered on everyone's ideas*" in said
    assert "two hours a week" in said and "our macros" in said


async def open_home(lab: Harness, user: str) -> None:
    await lab.event(
        {
            "type": "app_home_opened",
            "user": user,
            "channel": "D" + user[1:],
            "tab": "home",
            "event_ts": f"{time.time():.6f}",
        }
    )


async def test_offers_a_stopped_process_never_told_of_reach_the_author_once(
    lab: Harness,
) -> None:
    await people(lab)
    idea = await lab.share_idea("Rotating on-call buddies", author=AUTHOR)
    await offer(lab, idea, SALES, what="I did this at my last job")
    async with lab.db.session() as session:  # as if offered long ago, by a process now gone
        row = (await stored(lab, idea))[SALES]
        row.updated_at = row.updated_at - timedelta(minutes=10)
        session.add(row)

    await post_unposted(lab.runtime)
    await post_unposted(lab.runtime)
    await lab.runtime.offer_notes.drain()

    told = [dm for dm in dms_to(lab, AUTHOR) if "offered to help" in dm["text"]]
    assert len(told) == 1 and "I did this at my last job" in json.dumps(told[0]["blocks"])
    assert (await stored(lab, idea))[SALES].told_at is not None


async def test_a_shutdown_tells_the_open_batch_at_once_without_waiting_it_out(
    migrated_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    lab, close = await start_harness(migrated_url)
    try:
        await people(lab)
        idea = await lab.share_idea("Pairing days across teams", author=AUTHOR)
        await offer(lab, idea, SALES, what="a day a month")
        assert not [dm for dm in dms_to(lab, AUTHOR) if "offered to help" in dm["text"]]
        caplog.set_level(logging.WARNING, logger="bot.server.serve")
    finally:
        await close(keep_slack=True)

    # Stopping flushed the batch (the author heard) and waited for nothing it would not end.
    told = [dm for dm in dms_to(lab, AUTHOR) if "offered to help" in dm["text"]]
    assert len(told) == 1 and "a day a month" in json.dumps(told[0]["blocks"])
    assert not [r for r in caplog.records if "still running" in r.getMessage()]
    await lab.fake.stop()
