"""The App Home through the real HTTP endpoint: what everyone sees, what admins see, paging,
block limits, and publishing lazily so that a hundred opens cost one `views.publish`."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import date, timedelta

from bot.home import blocks as home_blocks
from bot.ideas.blocks import CHANGE_STATUS_ACTION, NEW_IDEA_ACTION
from storage import experiments as experiment_store
from storage import ideas
from tests.harness import ADMIN, IDEAS_CHANNEL, TEAM_ID, Harness, settled

AUTHOR, VOTER = "U0AUTHOR1", "U0VOTER01"


async def open_home(lab: Harness, user: str) -> None:
    reply = await lab.event(
        {
            "type": "app_home_opened",
            "user": user,
            "channel": "D" + user[1:],
            "tab": "home",
            "event_ts": f"{time.time():.6f}",
        }
    )
    assert reply.status == 200


async def published(lab: Harness, count: int = 1) -> dict:
    calls = await lab.fake.wait_for("views.publish", count=count)
    return calls[count - 1].args


def text_of(view: dict) -> str:
    return json.dumps(view["view"]["blocks"], ensure_ascii=False)


async def many_ideas(lab: Harness, count: int) -> None:
    async with lab.db.session() as session:
        for n in range(count):
            idea = await ideas.create_idea(session=session, author_id=AUTHOR, text=f"Idea {n}")
            await ideas.record_post(
                session=session,
                idea_id=idea.id or 0,
                channel_id=IDEAS_CHANNEL,
                message_ts=f"1700000000.{n:06d}",
            )


async def click_in_home(lab: Harness, action_id: str, value: str, user: str) -> str:
    trigger = f"trigger-home-{time.time()}"
    await lab.interact(
        {
            "type": "block_actions",
            "team": {"id": TEAM_ID, "domain": "acme"},
            "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
            "api_app_id": "A0LIGHT01",
            "trigger_id": trigger,
            "container": {"type": "view", "view_id": "VHOME0001"},
            "view": {"id": "VHOME0001", "type": "home", "callback_id": "", "blocks": []},
            "actions": [
                {"type": "button", "action_id": action_id, "value": value, "action_ts": "1.2"}
            ],
        }
    )
    return trigger


async def test_everyone_sees_their_ideas_experiments_the_top_and_the_numbers(
    lab: Harness,
) -> None:
    lab.add_people(VOTER)
    voted = await lab.share_idea("Free <fruit> Fridays", author=AUTHOR)
    await lab.share_idea("Quiet mornings", author=AUTHOR)
    await lab.react(voted, VOTER)
    await lab.wait_judged(1)
    await lab.runtime.votes.drain()
    async with lab.db.session() as session:
        await experiment_store.create_experiment(
            session=session,
            hypothesis="We believe fruit lifts the mood",
            metric="survey",
            owner_id=AUTHOR,
            started_by=AUTHOR,
            ends_on=date.today() - timedelta(days=2),
        )

    await open_home(lab, AUTHOR)

    view = await published(lab)
    assert view["user_id"] == AUTHOR and view["view"]["type"] == "home"
    body = text_of(view)
    assert NEW_IDEA_ACTION in body
    assert "Free &lt;fruit&gt; Fridays" in body and "Quiet mornings" in body and "1 vote" in body
    assert "ended 2 days ago, learning due" in body
    assert "Top ideas in" in body
    assert "*2 ideas* from *1 person*" in body and "*1 voter*" in body
    assert "1 experiment started" in body and "Ideas by month:" in body
    assert "Waiting for review" not in body and CHANGE_STATUS_ACTION not in body


async def test_the_new_idea_button_opens_the_idea_form(lab: Harness) -> None:
    trigger = await click_in_home(lab, NEW_IDEA_ACTION, "", AUTHOR)

    [opened] = await lab.fake.wait_for("views.open")
    assert opened.args["trigger_id"] == trigger
    assert opened.args["view"]["callback_id"] == "idea_form"


async def test_admins_page_through_the_review_queue_within_block_limits(lab: Harness) -> None:
    await many_ideas(lab, 125)

    await open_home(lab, ADMIN)

    first = await published(lab)
    assert len(first["view"]["blocks"]) <= 100
    body = text_of(first)
    assert "Waiting for review* (125, oldest first; showing 1–10)" in body
    assert "#1 Idea 0" in body and "#11 Idea 10" not in body
    assert body.count(CHANGE_STATUS_ACTION) == 10

    await click_in_home(lab, f"{home_blocks.REVIEW_PAGE_ACTION}_next", "12", ADMIN)

    last = await published(lab, count=2)
    assert len(last["view"]["blocks"]) <= 100
    body = text_of(last)
    assert "showing 121–125" in body and "#125 Idea 124" in body and "Newer" not in body


async def test_a_hundred_opens_publish_once_and_a_change_shows_on_the_next_open(
    lab: Harness,
) -> None:
    idea = await lab.share_idea("Free fruit Fridays", author=AUTHOR)

    before = asyncio.all_tasks()
    await asyncio.gather(*(open_home(lab, AUTHOR) for _ in range(100)))
    await published(lab)
    # Every publish the opens set off, also one waiting for the interval's end, is done.
    await settled(before)
    assert len(lab.fake.calls_to("views.publish")) == 1

    await lab.command(f"status {idea.id} shipped In every office now", user=ADMIN)
    await lab.fake.wait_for_responses(count=2)
    await open_home(lab, AUTHOR)

    view = await published(lab, count=2)
    assert "🚀 Shipped" in text_of(view)


async def test_a_change_made_from_the_home_tab_shows_there(lab: Harness) -> None:
    await many_ideas(lab, 2)
    await open_home(lab, ADMIN)
    await published(lab)

    trigger = await click_in_home(lab, CHANGE_STATUS_ACTION, "1", ADMIN)
    [opened] = await lab.fake.wait_for("views.open")
    assert opened.args["trigger_id"] == trigger
    form = opened.args["view"]
    reply = await lab.submit_view(
        form["callback_id"],
        {
            "status": {"type": "static_select", "selected_option": {"value": "declined"}},
            "reason": {"type": "plain_text_input", "value": "Done elsewhere already"},
            "owner": {"type": "users_select", "selected_user": None},
        },
        user=ADMIN,
        private_metadata=form["private_metadata"],
    )
    assert reply.status == 200

    view = await published(lab, count=2)
    body = text_of(view)
    assert "Waiting for review* (1, oldest first" in body and "#1 Idea 0" not in body
