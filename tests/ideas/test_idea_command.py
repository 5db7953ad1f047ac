"""`/idea` through the real HTTP endpoint, with the real client talking to fake Slack."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from sqlmodel import col, select

from bot.ideas import rules as capture
from storage.models import Idea
from tests.harness import IDEAS_CHANNEL, Harness, eventually, settled


async def stored_ideas(bot: Harness) -> list[Idea]:
    async with bot.db.session() as session:
        return list((await session.execute(select(Idea).order_by(col(Idea.id)))).scalars())


def mrkdwn_texts(blocks: list[dict]) -> list[str]:
    """Every mrkdwn string in a list of blocks (where Slack parses mentions)."""
    found = []
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict) and text.get("type") == "mrkdwn":
            found.append(text["text"])
        for element in block.get("elements", []):
            if element.get("type") == "mrkdwn":
                found.append(element["text"])
    return found


async def test_quick_idea_is_posted_stored_and_confirmed_privately(bot: Harness) -> None:
    reply = await bot.command("Free fruit on Fridays", user="U0ALICE01")

    assert reply.status == 200
    [post] = await bot.fake.wait_for("chat.postMessage")
    assert post.args["channel"] == IDEAS_CHANNEL
    header = post.args["blocks"][0]
    assert header["type"] == "header" and "Free fruit on Fridays" in header["text"]["text"]
    assert any("<@U0ALICE01>" in t and ":+1:" in t for t in mrkdwn_texts(post.args["blocks"]))

    [confirmation] = await bot.fake.wait_for_responses()
    [idea] = await stored_ideas(bot)
    assert idea.text == "Free fruit on Fridays" and idea.author_id == "U0ALICE01"
    assert idea.channel_id == IDEAS_CHANNEL and idea.message_ts
    assert idea.permalink and idea.permalink in confirmation["text"]
    assert f"#{idea.id}" in confirmation["text"]
    assert confirmation.get("response_type", "ephemeral") == "ephemeral"
    posted = bot.fake.message(IDEAS_CHANNEL, idea.message_ts)
    assert posted["blocks"] == post.args["blocks"]


async def test_mentions_in_an_idea_ping_nobody(bot: Harness) -> None:
    text = "Tell <!channel> and <!here> and <@U0BOB0001> about R&D\nsecond line <https://x.test|y>"
    await bot.command(text)

    [post] = await bot.fake.wait_for("chat.postMessage")
    sent = [post.args["text"], *mrkdwn_texts(post.args["blocks"])]
    for raw in ("<!channel>", "<!here>", "<@U0BOB0001>", "<https://x.test|y>"):
        assert all(raw not in t for t in sent), raw
    assert any("&lt;!channel&gt;" in t and "R&amp;D" in t for t in sent)
    assert "link_names" not in post.args and "parse" not in post.args
    [idea] = await stored_ideas(bot)
    assert idea.text == text


async def test_ack_comes_before_a_slow_slack_answers(bot: Harness) -> None:
    bot.fake.hold("chat.postMessage")

    reply = await bot.command("Quiet hours on Wednesdays")

    assert reply.status == 200
    # The idea is stored after the ack, so it may take a moment to appear.
    [idea] = await eventually(lambda: stored_ideas(bot), failure="the idea was never stored")
    await bot.fake.wait_for("chat.postMessage")
    [idea] = await stored_ideas(bot)
    assert idea.message_ts is None, "the ack waited for Slack instead of coming first"
    # Nor has the client given up on Slack, as it would have if the ack had waited for it.
    assert idea.post_error is None and bot.fake.responses == []
    bot.fake.release("chat.postMessage")
    [confirmation] = await bot.fake.wait_for_responses()
    assert "is posted in" in confirmation["text"]
    [idea] = await stored_ideas(bot)
    assert idea.message_ts is not None


async def test_idea_alone_opens_the_form(bot: Harness) -> None:
    reply = await bot.command("", trigger_id="trigger-for-form")

    assert reply.status == 200
    [opened] = await bot.fake.wait_for("views.open")
    assert opened.args["trigger_id"] == "trigger-for-form"
    view = opened.args["view"]
    assert view["callback_id"] == "idea_form"
    block_ids = [b.get("block_id") for b in view["blocks"] if b["type"] == "input"]
    assert block_ids == [capture.FORM_SUMMARY, capture.FORM_PROBLEM, capture.FORM_DETAILS]
    assert bot.fake.calls_to("chat.postMessage") == []


async def test_form_submission_posts_the_idea_and_tells_the_author(bot: Harness) -> None:
    reply = await bot.submit_form(
        {
            "summary": "  Shared on-call calendar  ",
            "problem": "Nobody knows who is on call <!here>",
            "details": None,
        },
        user="U0BOB0001",
    )

    assert reply.status == 200 and reply.text == ""
    posts = await bot.fake.wait_for("chat.postMessage", count=2)
    channel_post = next(p for p in posts if p.args["channel"] == IDEAS_CHANNEL)
    dm = next(p for p in posts if p.args["channel"] == "U0BOB0001")
    assert channel_post.args["blocks"][0]["text"]["text"] == "💡 Shared on-call calendar"
    texts = mrkdwn_texts(channel_post.args["blocks"])
    assert any("Nobody knows who is on call &lt;!here&gt;" in t for t in texts)
    assert not any("*Details*" in t for t in texts)
    [idea] = await stored_ideas(bot)
    assert (idea.text, idea.problem, idea.details) == (
        "Shared on-call calendar",
        "Nobody knows who is on call <!here>",
        None,
    )
    assert idea.permalink and idea.permalink in dm.args["text"]


async def test_blank_form_fields_are_inline_errors_and_nothing_is_stored(bot: Harness) -> None:
    reply = await bot.submit_form({"summary": "   ", "problem": "\n", "details": "kept"})

    assert reply.status == 200
    body = reply.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {capture.FORM_SUMMARY, capture.FORM_PROBLEM}
    assert await stored_ideas(bot) == []
    assert bot.fake.calls_to("chat.postMessage") == []


async def test_help_explains_what_a_user_can_do(bot: Harness) -> None:
    reply = await bot.command("help")

    body = reply.json()
    assert reply.status == 200
    for expected in (
        "`/idea &lt;your idea&gt;`",
        "`/idea retry`",
        ":+1:",
        ":bulb:",
        IDEAS_CHANNEL,
        "`/idea search &lt;words&gt;`",
        "`/idea learnings &lt;words&gt;`",
        "*Save as idea*",
        "*Add to an idea*",
        "`/idea duplicate 3 of 1`",
    ):
        assert expected in body["text"]
    assert body.get("response_type", "ephemeral") == "ephemeral"
    assert await stored_ideas(bot) == []


async def test_unknown_subcommand_gets_the_help_not_an_error(bot: Harness) -> None:
    reply = await bot.command("halp")

    assert reply.status == 200
    assert "I don't know `/idea halp`" in reply.json()["text"]
    assert "`/idea retry`" in reply.json()["text"]
    assert await stored_ideas(bot) == []


async def test_too_long_idea_is_handed_back_and_the_form_opens_prefilled(bot: Harness) -> None:
    text = "An idea that keeps going. " * 100  # 2,600 characters
    reply = await bot.command(text.strip(), trigger_id="trigger-long")

    body = reply.json()
    assert f"at most {capture.QUICK_IDEA_LIMIT:,}" in body["text"]
    handed_back = "".join(b["text"]["text"] for b in body["blocks"] if b["type"] == "section")
    assert "An idea that keeps going." in handed_back
    [opened] = await bot.fake.wait_for("views.open")
    assert opened.args["trigger_id"] == "trigger-long"
    details = next(b for b in opened.args["view"]["blocks"] if b.get("block_id") == "details")
    assert details["element"]["initial_value"] == text.strip()
    assert await stored_ideas(bot) == []


async def test_idea_too_long_even_for_the_form_is_handed_back_whole(bot: Harness) -> None:
    text = "x" * 3500 + " <!channel> end"
    before = asyncio.all_tasks()
    reply = await bot.command(text)

    body = reply.json()
    assert reply.status == 200
    handed_back = "".join(b["text"]["text"] for b in body["blocks"] if b["type"] == "section")
    assert handed_back.count("x") == 3500 and "&lt;!channel&gt; end" in handed_back
    assert all(len(b["text"]["text"]) <= 3000 for b in body["blocks"] if b["type"] == "section")
    await settled(before)  # all the command set off has finished, and opened no form
    assert bot.fake.calls_to("views.open") == []


async def test_slack_outage_keeps_the_idea_and_retry_posts_it_once(bot: Harness) -> None:
    bot.fake.outage("chat.postMessage", status=503)

    await bot.command("Lunch and learn on Thursdays", user="U0CAROL01")

    [failure] = await bot.fake.wait_for_responses()
    assert "saved as #1" in failure["text"] and "as soon as Slack answers" in failure["text"]
    assert len(bot.fake.calls_to("chat.postMessage")) == 3  # the first try and two retries
    [idea] = await stored_ideas(bot)
    assert idea.message_ts is None and idea.post_error == "http_503"

    bot.fake.clear_faults()
    await bot.command("retry", user="U0CAROL01")
    responses = await bot.fake.wait_for_responses(count=2)
    assert "is posted in" in responses[-1]["text"]
    [idea] = await stored_ideas(bot)
    assert idea.message_ts is not None and idea.post_error is None
    assert len(bot.fake.messages(IDEAS_CHANNEL)) == 1

    await bot.command("retry", user="U0CAROL01")
    responses = await bot.fake.wait_for_responses(count=3)
    assert "nothing to retry" in responses[-1]["text"]
    assert len(bot.fake.messages(IDEAS_CHANNEL)) == 1


async def test_a_post_slack_took_but_never_answered_is_found_not_repeated(bot: Harness) -> None:
    bot.fake.lose_answer_next("chat.postMessage", status=503)

    await bot.command("Bike racks by the side door", user="U0CAROL01")

    [confirmation] = await bot.fake.wait_for_responses()
    assert "is posted in" in confirmation["text"]
    [post] = bot.fake.messages(IDEAS_CHANNEL)
    [idea] = await stored_ideas(bot)
    assert idea.message_ts == post["ts"] and idea.post_error is None
    assert post["metadata"]["event_payload"] == {"idea_id": idea.id}


async def test_retry_records_a_post_that_slack_took_while_unanswered(bot: Harness) -> None:
    bot.fake.lose_answer_next("chat.postMessage", status=503)
    bot.fake.outage("conversations.history")

    await bot.command("Quiet carriage on the shuttle bus", user="U0CAROL01")
    [failure] = await bot.fake.wait_for_responses()
    assert "as soon as Slack answers" in failure["text"]
    bot.fake.clear_faults()
    await bot.command("retry", user="U0CAROL01")

    responses = await bot.fake.wait_for_responses(count=2)
    assert "is posted in" in responses[-1]["text"]
    [post] = bot.fake.messages(IDEAS_CHANNEL)
    [idea] = await stored_ideas(bot)
    assert idea.message_ts == post["ts"] and idea.permalink


async def test_rate_limited_post_waits_for_retry_after_then_succeeds(bot: Harness) -> None:
    bot.fake.fail_next("chat.postMessage", status=429, retry_after=1)

    await bot.command("Rotate the standup facilitator")

    [confirmation] = await bot.fake.wait_for_responses()
    assert "is posted in" in confirmation["text"]
    assert len(bot.fake.calls_to("chat.postMessage")) == 2
    assert len(bot.fake.messages(IDEAS_CHANNEL)) == 1


async def test_bot_missing_from_the_channel_tells_the_author_how_to_fix_it(bot: Harness) -> None:
    bot.fake.fail_next("chat.postMessage", error="not_in_channel")

    await bot.command("Plants for the third floor")

    [reply] = await bot.fake.wait_for_responses()
    assert "/invite @Lightbulb" in reply["text"] and "saved as #1" in reply["text"]


async def test_retry_only_posts_the_authors_own_ideas(bot: Harness) -> None:
    bot.fake.outage("chat.postMessage")
    await bot.command("Alice's idea here", user="U0ALICE01")
    await bot.command("Bob's idea here", user="U0BOB0001")
    await bot.fake.wait_for_responses(count=2)
    bot.fake.clear_faults()

    await bot.command("retry", user="U0BOB0001")

    responses = await bot.fake.wait_for_responses(count=3)
    # The two commands run side by side, so either idea may have been stored first.
    by_author = {idea.author_id: idea for idea in await stored_ideas(bot)}
    alice, bob = by_author["U0ALICE01"], by_author["U0BOB0001"]
    assert f"#{bob.id} is posted" in responses[-1]["text"]
    assert alice.message_ts is None and bob.message_ts is not None


async def lose_the_ideas_table(bot: Harness) -> None:
    """The database loses its tables: every write of an idea now fails."""
    # Renaming rather than dropping: tables that reference ideas keep working whatever
    # later migrations add, and every statement naming `ideas` fails as it would on a lost table.
    async with bot.db.session() as session:
        await session.execute(sa.text("ALTER TABLE ideas RENAME TO ideas_lost"))


async def test_a_database_failure_hands_the_quick_idea_back(bot: Harness) -> None:
    await lose_the_ideas_table(bot)

    reply = await bot.command("Keep this text <!here> safe")

    assert reply.status == 200
    [answer] = await bot.fake.wait_for_responses()
    assert "couldn't save your idea" in answer["text"]
    sections = "".join(b["text"]["text"] for b in answer["blocks"] if b["type"] == "section")
    assert "Keep this text &lt;!here&gt; safe" in sections
    assert bot.fake.calls_to("chat.postMessage") == []


async def test_a_database_failure_hands_the_form_back_by_dm(bot: Harness) -> None:
    await lose_the_ideas_table(bot)

    await bot.submit_form(
        {"summary": "Summary kept", "problem": "Problem kept", "details": "Details kept"},
        user="U0BOB0001",
    )

    [dm] = await bot.fake.wait_for("chat.postMessage")
    assert dm.args["channel"] == "U0BOB0001"
    sections = "".join(b["text"]["text"] for b in dm.args["blocks"] if b["type"] == "section")
    assert all(kept in sections for kept in ("Summary kept", "Problem kept", "Details kept"))
