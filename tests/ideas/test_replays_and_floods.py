"""A signed request sent again acts once; one person cannot flood the ideas channel."""

from __future__ import annotations

import asyncio
import json
import time
from urllib.parse import urlencode

from sqlmodel import select

from bot.foundation import claims
from storage.models import Idea
from tests.harness import TEAM_ID, Harness, eventually, settled

AUTHOR = "U0AUTHOR1"


async def stored_ideas(bot: Harness) -> list[Idea]:
    async with bot.db.session() as session:
        return list((await session.execute(select(Idea))).scalars())


async def answer_to(bot: Harness, response_url: str) -> dict:
    [answer] = await eventually(lambda: bot.fake.responses_to(response_url))
    return answer


async def test_a_replayed_idea_command_makes_one_idea(bot: Harness) -> None:
    response_url = bot.fake.response_url("cmd")
    form = {
        "team_id": TEAM_ID,
        "channel_id": "C0RANDOM1",
        "user_id": AUTHOR,
        "command": "/idea",
        "text": "Walking meetings on Fridays",
        "response_url": response_url,
        "trigger_id": "13345224609.738474920.8088930838d88f008e0",
    }
    body, sent_at = urlencode(form), int(time.time())
    before = asyncio.all_tasks()

    replies = [
        await bot.post(body, content_type="application/x-www-form-urlencoded", timestamp=sent_at)
        for _ in range(3)
    ]
    await settled(before)

    assert [reply.status for reply in replies] == [200, 200, 200]
    answers = [answer["text"] for answer in bot.fake.responses_to(response_url)]
    assert sorted(claims.ALREADY_HANDLED in answer for answer in answers) == [False, True, True]

    assert [idea.text for idea in await stored_ideas(bot)] == ["Walking meetings on Fridays"]
    assert len(bot.fake.messages("C0IDEAS01")) == 1


async def test_a_replayed_form_submission_makes_one_idea(bot: Harness) -> None:
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM_ID},
        "user": {"id": AUTHOR, "team_id": TEAM_ID},
        "trigger_id": "trigger-form-1",
        "view": {
            "id": "V0REPLAY1",
            "hash": "1712345678.AbCdEf",
            "type": "modal",
            "callback_id": "idea_form",
            "private_metadata": "",
            "state": {
                "values": {
                    "summary": {"value": {"type": "plain_text_input", "value": "Plant wall"}},
                    "problem": {"value": {"type": "plain_text_input", "value": "Grey office"}},
                }
            },
        },
    }
    body, sent_at = urlencode({"payload": json.dumps(payload)}), int(time.time())

    for _ in range(3):
        reply = await bot.post(
            body, content_type="application/x-www-form-urlencoded", timestamp=sent_at
        )
        assert reply.status == 200

    await eventually(lambda: bot.fake.messages("C0IDEAS01"))
    await bot.runtime.posts.drain()
    assert [idea.text for idea in await stored_ideas(bot)] == ["Plant wall"]


async def test_one_person_shares_at_most_a_few_ideas_a_minute_and_gets_the_rest_back(
    bot: Harness,
) -> None:
    answers = []
    for n in range(claims.IDEAS_PER_MINUTE + 3):
        response_url = bot.fake.response_url(f"flood-{n}")
        await bot.command(
            f"Idea number {n} from a busy mind", user=AUTHOR, response_url=response_url
        )
        answers.append(await answer_to(bot, response_url))

    assert len(await stored_ideas(bot)) == claims.IDEAS_PER_MINUTE
    for n, answer in enumerate(answers[claims.IDEAS_PER_MINUTE :], start=claims.IDEAS_PER_MINUTE):
        assert "ideas from you in a minute" in answer["text"]
        assert f"Idea number {n} from a busy mind" in json.dumps(answer["blocks"])

    other = await bot.share_idea("Someone else can still share", author="U0OTHER01")
    assert other.message_ts is not None
