"""Picking a challenge's winners through the real endpoint: the sponsor's button and form, the
announcement (once, however often the form is sent), the winners' DMs and history, strangers
refused, and the people's choice when nobody picks."""

from __future__ import annotations

from datetime import timedelta

from bot.challenges import closing_blocks, timeline
from storage.models import Idea
from storage.vocabulary import ChallengeStatus
from tests.challenges.close_helpers import (
    AUTHORS,
    CLOSE,
    SPONSOR,
    STRANGER,
    broadcast,
    dms,
    entry,
    open_challenge,
    posts,
    reload,
)
from tests.harness import Harness, eventually


def picked(*idea_ids: int, note: str = "") -> dict[str, dict]:
    return {
        closing_blocks.F_WINNERS: {
            "type": "checkboxes",
            "selected_options": [{"value": str(i)} for i in idea_ids],
        },
        closing_blocks.F_NOTE: {"type": "plain_text_input", "value": note},
    }


async def closed_with_three_ideas(hq: Harness) -> tuple[int, list[Idea]]:
    challenge = await open_challenge(hq)
    ideas = [
        await entry(hq, challenge, "A buddy for every starter", author=AUTHORS[0], voters=1),
        await entry(
            hq, challenge, "Lunch with the team <b>day one</b>", author=AUTHORS[1], voters=3
        ),
        await entry(hq, challenge, "A welcome playlist", author=AUTHORS[2], voters=2),
    ]
    await timeline.run(hq.runtime, now=CLOSE)
    return challenge.id or 0, ideas


async def test_the_sponsor_picks_winners_and_they_are_announced_once(hq: Harness) -> None:
    cid, (buddy, lunch, playlist) = await closed_with_three_ideas(hq)

    await hq.click(closing_blocks.PICK_ACTION, str(cid), user=SPONSOR, channel="D0SPONS01")
    [opened] = await hq.fake.wait_for("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == closing_blocks.PICK_FORM
    [winners_block] = [b for b in view["blocks"] if b.get("block_id") == closing_blocks.F_WINNERS]
    labels = [option["text"]["text"] for option in winners_block["element"]["options"]]
    assert labels == [
        f"#{lunch.id} Lunch with the team <b>day one</b> · 3 votes",
        f"#{playlist.id} A welcome playlist · 2 votes",
        f"#{buddy.id} A buddy for every starter · 1 vote",
    ]

    too_many = await hq.submit_view(
        closing_blocks.PICK_FORM,
        picked(buddy.id or 0, lunch.id or 0, playlist.id or 0, 999),
        user=SPONSOR,
        private_metadata=view["private_metadata"],
    )
    assert too_many.json()["errors"][closing_blocks.F_WINNERS].startswith("Pick at most 3")
    none = await hq.submit_view(
        closing_blocks.PICK_FORM, picked(), user=SPONSOR, private_metadata=view["private_metadata"]
    )
    assert "at least one" in none.json()["errors"][closing_blocks.F_WINNERS]

    first = await hq.submit_view(
        closing_blocks.PICK_FORM,
        picked(lunch.id or 0, buddy.id or 0, note="Both make <day one> warmer"),
        user=SPONSOR,
        private_metadata=view["private_metadata"],
    )
    assert first.status == 200 and first.text == ""
    [announcement] = await eventually(lambda: posts(hq, "challenge-winners"))
    again = await hq.submit_view(
        closing_blocks.PICK_FORM,
        picked(playlist.id or 0),
        user=SPONSOR,
        private_metadata=view["private_metadata"],
    )
    assert again.json()["errors"][closing_blocks.F_WINNERS] == (
        "Winners were already announced for this challenge."
    )

    text = announcement["text"]
    assert text.startswith("🏆 Winners of") and broadcast(hq, announcement)
    assert f"#{lunch.id} Lunch with the team &lt;b&gt;day one&lt;/b&gt;" in text
    assert f"by <@{AUTHORS[1]}> (3 votes)" in text and f"by <@{AUTHORS[0]}> (1 vote)" in text
    assert "A welcome playlist" not in text
    assert f"\n> Both make &lt;day one&gt; warmer\n— <@{SPONSOR}>" in text
    assert text.index(AUTHORS[1]) < text.index(AUTHORS[0])  # most votes first
    challenge = await reload(hq, cid)
    assert challenge.status == ChallengeStatus.DECIDED and challenge.decided_by == SPONSOR
    assert announcement["thread_ts"] == challenge.message_ts

    await eventually(lambda: dms(hq, AUTHORS[0], "challenge-won"))
    await timeline.run(hq.runtime, now=CLOSE + timedelta(hours=1))  # nothing is posted twice
    assert len(posts(hq, "challenge-winners")) == 1
    assert len(dms(hq, AUTHORS[1], "challenge-won")) == 1
    assert len(dms(hq, AUTHORS[0], "challenge-won")) == 1
    assert dms(hq, AUTHORS[2], "challenge-won") == []
    assert "Congratulations! Your idea" in dms(hq, AUTHORS[1], "challenge-won")[0]["text"]

    async with hq.db.session() as session:
        won = await session.get(Idea, lunch.id, populate_existing=True)
        lost = await session.get(Idea, playlist.id, populate_existing=True)
    assert won is not None and won.challenge_won_at is not None
    assert lost is not None and lost.challenge_won_at is None
    history = (await hq.command(f"history {lunch.id}", user=STRANGER)).json()["text"]
    assert f"🏆 Won challenge #{cid} (" in history
    other = (await hq.command(f"history {playlist.id}", user=STRANGER)).json()["text"]
    assert "Won challenge" not in other


async def test_a_stranger_may_not_pick_winners(hq: Harness) -> None:
    cid, (buddy, _, _) = await closed_with_three_ideas(hq)

    await hq.click(closing_blocks.PICK_ACTION, str(cid), user=STRANGER, channel="D0STRANG1")
    await hq.fake.wait_for_responses(count=4)  # three ideas shared, and the click
    [answer] = [r for r in hq.fake.responses if "/response/click" in r["_url"]]
    assert answer["text"].startswith("Only the challenge's sponsor picks its winners")
    assert answer["response_type"] == "ephemeral"
    assert hq.fake.calls_to("views.open") == []

    forged = await hq.submit_view(
        closing_blocks.PICK_FORM, picked(buddy.id or 0), user=STRANGER,
        private_metadata=f'{{"challenge_id": {cid}}}',
    )  # fmt: skip
    assert "Only the challenge's sponsor" in forged.json()["errors"][closing_blocks.F_WINNERS]
    assert (await reload(hq, cid)).status == ChallengeStatus.CLOSED


async def test_a_silent_sponsor_is_reminded_once_then_the_people_choose(hq: Harness) -> None:
    cid, (_, lunch, _) = await closed_with_three_ideas(hq)
    closed_at = CLOSE

    await timeline.run(hq.runtime, now=closed_at + timedelta(days=7) - timedelta(minutes=1))
    assert dms(hq, SPONSOR, "challenge-pick-reminder") == []
    await timeline.run(hq.runtime, now=closed_at + timedelta(days=7))
    await timeline.run(hq.runtime, now=closed_at + timedelta(days=8))
    [reminder] = dms(hq, SPONSOR, "challenge-pick-reminder")
    assert "A reminder" in str(reminder["blocks"]) and "Pick winners" in str(reminder["blocks"])
    assert posts(hq, "challenge-winners") == []

    await timeline.run(hq.runtime, now=closed_at + timedelta(days=14))
    await timeline.run(hq.runtime, now=closed_at + timedelta(days=14, minutes=5))

    [announcement] = posts(hq, "challenge-winners")
    assert announcement["text"].startswith("🏆 The people's choice for")
    assert f"#{lunch.id} Lunch with the team" in announcement["text"]
    assert "No winners were picked within two weeks of the close" in announcement["text"]
    challenge = await reload(hq, cid)
    assert challenge.status == ChallengeStatus.DECIDED and challenge.decided_by is None
    [dm] = dms(hq, AUTHORS[1], "challenge-won")
    assert "as the people's choice" in dm["text"]
    assert len(dms(hq, SPONSOR, "challenge-pick-reminder")) == 1

    late = await hq.submit_view(
        closing_blocks.PICK_FORM, picked(lunch.id or 0), user=SPONSOR,
        private_metadata=f'{{"challenge_id": {cid}}}',
    )  # fmt: skip
    assert "already announced" in late.json()["errors"][closing_blocks.F_WINNERS]
