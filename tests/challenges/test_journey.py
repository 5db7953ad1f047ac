"""The whole programme in one walk, through the endpoint and fake Slack: an admin makes a
theme and a challenge, people answer it from the card and from `/idea`, vote, the close is
posted once, and the sponsor picks the winner."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from bot.challenges import closing_blocks, timeline
from bot.challenges.blocks import SUBMIT_ACTION
from bot.ideas import rules as capture
from bot.themes import forms as theme_forms
from bot.themes import rules as theme_rules
from storage.models import Challenge, Idea, Theme
from tests.harness import ADMIN, IDEAS_CHANNEL, Harness, eventually, start_harness

OWNER, SPONSOR, ANA, BO = "U0OWNER01", "U0SPONS01", "U0ANA0001", "U0BO00001"
VOTERS = ("U0VOTER01", "U0VOTER02", "U0VOTER03")
QUESTION = "How might we make a new starter's first week feel like home?"


@pytest.fixture
async def company(migrated_url: str) -> AsyncIterator[Harness]:
    harness, close = await start_harness(migrated_url, ADMIN_USER_IDS=ADMIN)
    harness.add_people(ADMIN, OWNER, SPONSOR, ANA, BO, *VOTERS)
    try:
        yield harness
    finally:
        await close()


async def the_theme(h: Harness) -> Theme:
    async with h.db.session() as session:
        return (await session.execute(select(Theme))).scalars().one()


async def last_form(h: Harness, count: int) -> dict:
    calls = await h.fake.wait_for("views.open", count=count)
    return calls[-1].args["view"]


def idea_values(summary: str, view: dict, challenge: int | None) -> dict[str, dict]:
    """The idea form as its author sends it back, the challenge as the form preselected it
    (or as picked)."""
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    initial = blocks[capture.FORM_CHALLENGE]["element"].get("initial_option")
    chosen = {"value": str(challenge)} if challenge else initial
    return {
        capture.FORM_SUMMARY: {"type": "plain_text_input", "value": summary},
        capture.FORM_PROBLEM: {"type": "plain_text_input", "value": "The first week is lonely."},
        capture.FORM_CHALLENGE: {"type": "static_select", "selected_option": chosen},
    }


async def test_a_challenge_from_theme_to_winner(company: Harness) -> None:
    h = company
    # An admin makes a theme.
    await h.command("theme add", user=ADMIN)
    view = await last_form(h, 1)
    reply = await h.submit_view(
        theme_forms.THEME_FORM,
        {
            theme_rules.F_NAME: {"type": "plain_text_input", "value": "People"},
            theme_rules.F_VISION: {"type": "plain_text_input", "value": "People who grow, stay."},
            theme_rules.F_OWNER: {"type": "users_select", "selected_user": OWNER},
            theme_rules.F_EMOJI: {"type": "plain_text_input", "value": ":seedling:"},
        },
        user=ADMIN,
        private_metadata=view["private_metadata"],
    )
    assert reply.status == 200 and not reply.text, reply.text
    theme = await the_theme(h)

    # The theme's owner starts a challenge in it, closing in three days.
    today = datetime.now(UTC).date()
    await h.command("challenge", user=OWNER)
    view = await last_form(h, 2)
    assert view["callback_id"] == "challenge_form"
    reply = await h.submit_view(
        "challenge_form",
        {
            "question": {"type": "plain_text_input", "value": QUESTION},
            "why": {"type": "plain_text_input", "value": "Starters who settle in stay."},
            "judged_by": {"type": "plain_text_input", "value": "Fewer questions in week one."},
            "theme": {"type": "static_select", "selected_option": {"value": str(theme.id)}},
            "sponsor": {"type": "users_select", "selected_user": SPONSOR},
            "opens_on": {"type": "datepicker", "selected_date": today.isoformat()},
            "closes_on": {
                "type": "datepicker",
                "selected_date": (today + timedelta(days=3)).isoformat(),
            },
            "channel": {"type": "conversations_select", "selected_conversation": None},
            "keep_wording": {"type": "checkboxes", "selected_options": []},
        },
        user=OWNER,
    )
    assert reply.status == 200 and not reply.text, reply.text

    async def card_posted() -> Challenge | None:
        async with h.db.session() as session:
            # Stored after the form's ack: wait for the row too.
            found = (await session.execute(select(Challenge))).scalars().first()
        return found if found and found.message_ts and found.permalink else None

    challenge = await eventually(card_posted)
    card = h.fake.message(IDEAS_CHANNEL, challenge.message_ts or "")
    assert QUESTION in json.dumps(card["blocks"])

    # Ana answers from the card's button; Bo from /idea, picking the challenge.
    await h.click(SUBMIT_ACTION, str(challenge.id), user=ANA)
    from_card = await last_form(h, 3)
    await h.submit_view("idea_form", idea_values("A buddy for day one", from_card, None), user=ANA)
    await h.command("", user=BO)
    plain = await last_form(h, 4)
    await h.submit_view(
        "idea_form", idea_values("Lunch with the team", plain, challenge.id), user=BO
    )

    async def both_listed() -> list[Idea] | None:
        async with h.db.session() as session:
            ideas = list((await session.execute(select(Idea).order_by(col(Idea.id)))).scalars())
        listed = [i for i in ideas if i.challenge_entry_ts and i.permalink]
        return ideas if len(listed) == 2 else None

    buddy, lunch = await eventually(both_listed)
    assert {buddy.author_id, lunch.author_id} == {ANA, BO}
    assert buddy.challenge_id == lunch.challenge_id == challenge.id
    assert buddy.theme_id == lunch.theme_id == theme.id  # from the challenge

    # People vote; the card counts the ideas and the voters.
    for voter in VOTERS:
        await h.react(lunch, voter)
    await h.react(buddy, VOTERS[0])
    await h.wait_judged(4)
    await eventually(
        lambda: (
            "2 ideas · 3 voters"
            in json.dumps(h.fake.message(IDEAS_CHANNEL, card["ts"]), ensure_ascii=False)
        ),
        failure="the card never showed 2 ideas and 3 voters",
    )

    # The close, run twice as two replicas would: one post, one DM to the sponsor.
    close = datetime.combine(today + timedelta(days=3), datetime.min.time(), tzinfo=UTC)
    close += timedelta(hours=17)
    await timeline.run(h.runtime, now=close)
    await timeline.run(h.runtime, now=close + timedelta(minutes=5))
    thread = [m for m in h.fake.messages(IDEAS_CHANNEL) if m.get("thread_ts") == card["ts"]]
    closed = [m for m in thread if m["text"].startswith("🏁")]
    assert len(closed) == 1 and "2 ideas" in closed[0]["text"]
    asked = [c.args for c in h.fake.calls_to("chat.postMessage") if c.args["channel"] == SPONSOR]
    assert len(asked) == 1 and closing_blocks.PICK_ACTION in json.dumps(asked[0]["blocks"])

    # The sponsor picks Bo's idea; it is announced once and Bo hears of it.
    await h.click(closing_blocks.PICK_ACTION, str(challenge.id), user=SPONSOR, channel="D0SPONS01")
    picker = await last_form(h, 5)
    picked: dict[str, dict] = {
        closing_blocks.F_WINNERS: {
            "type": "checkboxes",
            "selected_options": [{"value": str(lunch.id)}],
        },
        closing_blocks.F_NOTE: {"type": "plain_text_input", "value": "Simple and warm."},
    }
    for _ in range(2):
        await h.submit_view(
            closing_blocks.PICK_FORM,
            picked,
            user=SPONSOR,
            private_metadata=picker["private_metadata"],
        )

    def announced() -> list[dict]:
        return [
            m
            for m in h.fake.messages(IDEAS_CHANNEL)
            if m.get("thread_ts") == card["ts"]
            and "Lunch with the team" in m["text"]
            and m["text"].startswith("🏆")
        ]

    [announcement] = await eventually(announced)
    await eventually(
        lambda: any(
            c.args["channel"] == BO and "Lunch with the team" in c.args["text"]
            for c in h.fake.calls_to("chat.postMessage")
        ),
        failure="Bo never heard that the idea won",
    )
    await eventually(
        lambda: (
            "Challenge winner" in json.dumps(h.fake.message(IDEAS_CHANNEL, lunch.message_ts or ""))
        ),
        failure="the winning idea's post never showed its win",
    )
    assert "Challenge winner" not in json.dumps(
        h.fake.message(IDEAS_CHANNEL, buddy.message_ts or "")
    )
    assert len(announced()) == 1
    await eventually(
        lambda: (
            "Winner:*" in json.dumps(h.fake.message(IDEAS_CHANNEL, card["ts"]))
            and "Lunch with the team" in json.dumps(h.fake.message(IDEAS_CHANNEL, card["ts"]))
        ),
        failure="the card never named its winner",
    )
