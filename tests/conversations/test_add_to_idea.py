"""**Add to an idea**, through the endpoint: the shortcut on a message, the form, the quote in
the idea's thread (once), the adder's confirmation, and what it refuses."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlmodel import col, select

from bot.conversations.evidence_blocks import ADD_TO_IDEA_FORM, EVIDENCE_IDEA_PICKER
from handlers.evidence import ADD_TO_IDEA_SHORTCUT
from storage.models import Idea
from storage.source_models import IdeaEvidence
from tests.experiments.test_experiments import picked_idea
from tests.harness import IDEAS_CHANNEL, Harness, eventually

ADDER = "U0ALICE01"
CUSTOMER_VOICE = "U0SUPPORT"
SUPPORT = "C0SUPPORT"


def message(text: str = "Three customers asked for dark mode this week", **more: object) -> dict:
    return {"ts": "1760000000.000100", "text": text, "user": CUSTOMER_VOICE, **more}


async def open_form(bot: Harness, source: dict, **where: str) -> dict:
    """Use the shortcut on `source`; the form Slack was asked to open."""
    before = len(bot.fake.calls_to("views.open"))
    reply, _ = await bot.message_shortcut(ADD_TO_IDEA_SHORTCUT, source, user=ADDER, **where)
    assert reply.status == 200
    opened = await bot.fake.wait_for("views.open", count=before + 1)
    view = opened[-1].args["view"]
    assert view["callback_id"] == ADD_TO_IDEA_FORM
    return view


async def submit(bot: Harness, view: dict, idea_id: int, note: str = "", view_id: str = "") -> dict:
    reply = await bot.submit_view(
        ADD_TO_IDEA_FORM,
        {
            "idea": picked_idea(str(idea_id)),
            "note": {"type": "plain_text_input", "value": note or None},
        },
        user=ADDER,
        private_metadata=view["private_metadata"],
        view_id=view_id or None,
    )
    assert reply.status == 200
    return reply.json() or {}


def thread_replies(bot: Harness, idea: Idea) -> list[dict]:
    return [m for m in bot.fake.messages(IDEAS_CHANNEL) if m.get("thread_ts") == idea.message_ts]


def texts(post: dict) -> str:
    return "\n".join(block["text"]["text"] for block in post["blocks"] if "text" in block)


async def confirmed(bot: Harness, count: int = 1) -> list[dict]:
    async def dms() -> list[dict]:
        found = [
            c.args for c in bot.fake.calls_to("chat.postMessage") if c.args["channel"] == ADDER
        ]
        return found if len(found) >= count else []

    return await eventually(dms, failure="the adder was never told")


async def stored(bot: Harness) -> list[IdeaEvidence]:
    async with bot.db.session() as session:
        return list((await session.execute(select(IdeaEvidence))).scalars())


async def test_the_message_is_quoted_once_in_the_idea_s_thread(bot: Harness) -> None:
    idea = await bot.share_idea("Dark mode for the dashboard")
    view = await open_form(bot, message())
    picker = next(b for b in view["blocks"] if b.get("block_id") == "idea")
    assert picker["element"]["action_id"] == EVIDENCE_IDEA_PICKER
    assert picker["element"]["type"] == "external_select"
    assert "private conversation" not in json.dumps(view["blocks"])

    assert await submit(bot, view, idea.id or 0, note="A <!channel> third ask") == {}

    [dm] = await confirmed(bot)
    [reply] = thread_replies(bot, idea)
    body = texts(reply)
    assert f":paperclip: <@{ADDER}> added evidence from <#{SUPPORT}>" in body
    assert "> Three customers asked for dark mode this week" in body
    assert f"— <@{CUSTOMER_VOICE}>" in body
    link = f"https://acme.slack.com/archives/{SUPPORT}/p1760000000000100"
    assert f"<{link}|See the message>" in body
    assert "*Why it matters:* A &lt;!channel&gt; third ask" in body
    assert f"idea #{idea.id}" in dm["text"] and idea.permalink in dm["text"] and link in dm["text"]
    [row] = await stored(bot)
    assert (row.idea_id, row.added_by, row.author_id) == (idea.id, ADDER, CUSTOMER_VOICE)
    assert (row.channel_id, row.message_ts, row.public) == (SUPPORT, "1760000000.000100", True)
    assert (row.thread_ts, row.permalink) == (reply["ts"], link)

    # The same submission again (a replay) and a second attach of the same message: refused.
    again = await submit(bot, view, idea.id or 0)
    second = await submit(bot, await open_form(bot, message()), idea.id or 0)
    for answer in (again, second):
        assert answer == {
            "response_action": "errors",
            "errors": {"idea": f"This message is attached to idea #{idea.id} already."},
        }
    assert len(thread_replies(bot, idea)) == 1 and len(await stored(bot)) == 1


async def test_one_message_may_support_two_ideas(bot: Harness) -> None:
    first = await bot.share_idea("Dark mode for the dashboard")
    second = await bot.share_idea("A high-contrast theme")

    for idea in (first, second):
        assert await submit(bot, await open_form(bot, message()), idea.id or 0) == {}
    await confirmed(bot, 2)

    assert len(thread_replies(bot, first)) == 1 and len(thread_replies(bot, second)) == 1


async def test_a_private_message_is_quoted_without_where_it_came_from(bot: Harness) -> None:
    idea = await bot.share_idea("Dark mode for the dashboard")
    bot.fake.unknown_channels.add("C0SECRET1")  # conversations.info: not a channel the bot sees

    for channel in ("D0ALICE01", "C0SECRET1"):
        view = await open_form(bot, message(), channel=channel, channel_name="secret")
        assert "quoted in the idea's thread" in json.dumps(view["blocks"])
        assert await submit(bot, view, idea.id or 0) == {}
    await confirmed(bot, 2)

    replies = thread_replies(bot, idea)
    assert len(replies) == 2
    for reply in replies:
        body = texts(reply) + reply["text"]
        assert "added evidence from a private conversation" in body
        assert "> Three customers asked for dark mode" in body
        for secret in ("secret", "C0SECRET1", "D0ALICE01", CUSTOMER_VOICE, "http"):
            assert secret not in body
    assert {row.public for row in await stored(bot)} == {False}


async def test_files_only_and_app_messages_keep_their_link(bot: Harness) -> None:
    idea = await bot.share_idea("Dark mode for the dashboard")
    files_only = message("", ts="1760000000.000200", files=[{"id": "F0SHOT001"}])
    from_an_app = {
        "ts": "1760000000.000300",
        "text": "New ticket: <https://help.acme.test/1|dark mode> please",
        "bot_id": "B0HELPDSK",
        "bot_profile": {"name": "Helpdesk"},
    }

    for source in (files_only, from_an_app):
        assert await submit(bot, await open_form(bot, source), idea.id or 0) == {}
    await confirmed(bot, 2)

    files_reply, app_reply = thread_replies(bot, idea)
    assert "> _a message with only files_" in texts(files_reply)
    assert "p1760000000000200|See the message>" in texts(files_reply)
    assert "— Helpdesk (an app)" in texts(app_reply)
    assert "&lt;https://help.acme.test/1|dark mode&gt;" in texts(app_reply)
    rows = await stored(bot)
    assert [row.author_id for row in rows] == [CUSTOMER_VOICE, None]


async def test_a_long_message_is_cut_with_an_ellipsis_and_the_link(bot: Harness) -> None:
    idea = await bot.share_idea("Dark mode for the dashboard")
    long = "Customers say: " + "the dashboard is too bright at night. " * 120

    assert await submit(bot, await open_form(bot, message(long)), idea.id or 0) == {}
    await confirmed(bot)

    [reply] = thread_replies(bot, idea)
    body = texts(reply)
    assert "…\n" in body and "|Read all of it>" in body
    assert len(body) < 3000 and all(len(b["text"]["text"]) <= 3000 for b in reply["blocks"])


async def test_an_emoji_heavy_message_still_fits_the_form(bot: Harness) -> None:
    idea = await bot.share_idea("Dark mode for the dashboard")
    view = await open_form(bot, message("🌙 dark mode please " * 300))

    assert len(view["private_metadata"]) <= 3000
    assert await submit(bot, view, idea.id or 0) == {}
    await confirmed(bot)
    assert "🌙 dark mode please" in texts(thread_replies(bot, idea)[0])


async def test_an_idea_s_own_post_is_refused_at_once(bot: Harness) -> None:
    idea = await bot.share_idea("Dark mode for the dashboard")
    post = {"ts": idea.message_ts, "text": "Dark mode", "bot_id": bot.fake.bot_id}

    reply, response_url = await bot.message_shortcut(
        ADD_TO_IDEA_SHORTCUT, post, user=ADDER, channel=IDEAS_CHANNEL, channel_name="ideas"
    )

    assert reply.status == 200
    [answer] = await eventually(lambda: bot.fake.responses_to(response_url))
    assert f"That is idea #{idea.id}'s post already" in answer["text"]
    assert answer["response_type"] == "ephemeral"
    assert bot.fake.calls_to("views.open") == []


async def test_an_idea_that_is_gone_or_not_picked_is_an_inline_error(bot: Harness) -> None:
    idea = await bot.share_idea("Dark mode for the dashboard")
    view = await open_form(bot, message())

    assert (await submit(bot, view, 99))["errors"] == {
        "idea": "Idea #99 no longer exists. Pick another one."
    }
    async with bot.db.session() as session:
        await session.execute(sa.delete(Idea).where(col(Idea.id) == idea.id))
    assert (await submit(bot, view, idea.id or 0))["errors"] == {
        "idea": f"Idea #{idea.id} no longer exists. Pick another one."
    }
    reply = await bot.submit_view(
        ADD_TO_IDEA_FORM,
        {"idea": picked_idea(""), "note": {"type": "plain_text_input", "value": "x" * 501}},
        user=ADDER,
        private_metadata=view["private_metadata"],
    )
    assert reply.json()["errors"] == {"note": "Keep the note to 500 characters."}
    assert thread_replies(bot, idea) == [] and await stored(bot) == []
