"""**Save as idea** through the real HTTP endpoint and the fake Slack: the message shortcut opens
the idea form prefilled from the message, the idea's post says where it came from (and no
more than it may), the submitter's DM links the message, and the message's thread hears
"saved as idea #N" once, only where Lightbulb is a member and never in a DM."""

from __future__ import annotations

import asyncio

from bot.conversations import rules, thread_replies
from bot.ideas import forms
from bot.ideas.replies import post_unposted_ideas
from bot.ideas.rules import (
    DETAILS_LIMIT,
    FORM_ANONYMOUS,
    FORM_DETAILS,
    FORM_PROBLEM,
    FORM_SUMMARY,
)
from bot.slack.payload import metadata
from storage.models import Idea
from storage.source_models import IdeaSource
from storage.sources import REPLY_CLAIMED
from tests.harness import IDEAS_CHANNEL, Harness, eventually, settled, start_harness

SUBMITTER, SPEAKER = "U0ALICE01", "U0SPEAKR1"
SUPPORT, SECRET, CHAT = "C0SUPPORT", "G0SECRET1", "D0CHATTY1"
MESSAGE_TS = "1700000000.000100"
SHORTCUT = "save_as_idea"


def people(bot: Harness) -> None:
    bot.add_people(SUBMITTER, SPEAKER)


async def shortcut_form(
    bot: Harness,
    message: dict,
    *,
    channel: str = SUPPORT,
    channel_name: str = "support",
    user: str = SUBMITTER,
) -> dict:
    """Use the shortcut on `message` and return the form it opened."""
    before = len(bot.fake.calls_to("views.open"))
    reply, _ = await bot.message_shortcut(
        SHORTCUT, message, user=user, channel=channel, channel_name=channel_name
    )
    assert reply.status == 200, reply.text
    opened = await bot.fake.wait_for("views.open", count=before + 1)
    return opened[-1].args["view"]


def field(view: dict, block_id: str) -> dict:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def initial(view: dict, block_id: str) -> str:
    return field(view, block_id)["element"].get("initial_value", "")


def notice(view: dict) -> str:
    first = view["blocks"][0]
    return first["text"]["text"] if first["type"] == "section" else ""


def carried(view: dict) -> dict:
    return metadata(view)["source"]


async def submit(
    bot: Harness,
    view: dict,
    *,
    summary: str | None = None,
    kind: str | None = "customer",
    user: str = SUBMITTER,
    extra: dict | None = None,
) -> None:
    elements: dict[str, dict] = {
        FORM_SUMMARY: {"type": "plain_text_input", "value": summary or initial(view, "summary")},
        FORM_PROBLEM: {"type": "plain_text_input", "value": "They ask us every single week."},
        FORM_DETAILS: {"type": "plain_text_input", "value": initial(view, "details")},
    }
    if kind:
        elements[forms.FORM_SOURCE] = {"type": "static_select", "selected_option": {"value": kind}}
    elements |= extra or {}
    before = asyncio.all_tasks()
    reply = await bot.submit_view(
        "idea_form", elements, user=user, private_metadata=view["private_metadata"]
    )
    assert reply.status == 200 and not reply.text, reply.text
    # Everything the submission set off is done: the post, the DM, the thread reply.
    await settled(before)


async def posted_idea(bot: Harness, idea_id: int = 1) -> Idea:
    async def recorded() -> Idea | None:
        async with bot.db.session() as session:
            idea = await session.get(Idea, idea_id, populate_existing=True)
        return idea if idea is not None and idea.permalink else None

    return await eventually(recorded, failure=f"idea #{idea_id} was never posted")


async def stored_source(bot: Harness, idea_id: int = 1) -> IdeaSource:
    async with bot.db.session() as session:
        source = await session.get(IdeaSource, idea_id, populate_existing=True)
    assert source is not None, f"idea #{idea_id} has no source"
    return source


def post_text(bot: Harness) -> str:
    (post,) = [m for m in bot.fake.messages(IDEAS_CHANNEL) if "thread_ts" not in m]
    return str(post["blocks"])


async def confirmation(bot: Harness, user: str = SUBMITTER) -> str:
    dm = "D" + user[1:]
    messages = await eventually(lambda: bot.fake.messages(dm))
    return str(messages[-1]["text"])


async def test_a_public_message_becomes_an_idea_crediting_who_said_it(bot: Harness) -> None:
    people(bot)
    text = "Let customers export to CSV <@U0BOB0001>\nThey ask in <#C0SALES01> every week."
    message = {"ts": MESSAGE_TS, "text": text, "user": SPEAKER}
    bot.fake.add_message(SUPPORT, message)

    view = await shortcut_form(bot, message)
    # Slack markup is left as typed; the rest of the message is the details.
    assert initial(view, "summary") == "Let customers export to CSV <@U0BOB0001>"
    assert initial(view, "details") == "They ask in <#C0SALES01> every week."
    assert field(view, forms.FORM_SOURCE)["element"]["initial_option"]["value"] == "colleague"
    link = f"https://fake-slack.test/archives/{SUPPORT}/p1700000000000100"
    assert carried(view) | {"kind": ""} == {
        "channel_id": SUPPORT,
        "message_ts": MESSAGE_TS,
        "author_id": SPEAKER,
        "permalink": link,
        "public": True,
        "channel_name": "support",
        "kind": "",
        "thread_ts": None,
    }

    await submit(bot, view, kind="customer")
    idea = await posted_idea(bot)
    assert idea.author_id == SUBMITTER
    source = await stored_source(bot)
    assert (source.kind, source.author_id, source.public, source.channel_name) == (
        "customer",
        SPEAKER,
        True,
        "support",
    )
    assert source.permalink == link
    shown = post_text(bot)
    assert f"From <{link}|a conversation> in <#{SUPPORT}>" in shown
    assert f"said by <@{SPEAKER}>" in shown
    assert link in await confirmation(bot)

    # One reply in the message's thread, linking the idea's post.
    (reply,) = [m for m in bot.fake.messages(SUPPORT) if m.get("thread_ts") == MESSAGE_TS]
    assert reply["text"] == f":bulb: Saved as <{idea.permalink}|idea #1>"
    assert source.reply_ts == reply["ts"]
    # Asked again, by replicas at once: still that one reply.
    again = await asyncio.gather(
        *(thread_replies.reply_in_thread(bot.runtime, idea.id or 0) for _ in range(3))
    )
    assert again == [False, False, False]
    assert len([m for m in bot.fake.messages(SUPPORT) if m.get("thread_ts")]) == 1


async def test_an_idea_posted_by_the_retry_still_gets_its_thread_reply(bot: Harness) -> None:
    people(bot)
    message = {"ts": MESSAGE_TS, "text": "Self-serve refunds", "user": SPEAKER}
    bot.fake.add_message(SUPPORT, message)
    view = await shortcut_form(bot, message)
    bot.fake.fail_next("chat.postMessage", error="not_in_channel")
    await submit(bot, view)
    assert await stored_source(bot) and not bot.fake.messages(IDEAS_CHANNEL)
    assert not [m for m in bot.fake.messages(SUPPORT) if m.get("thread_ts")]

    await post_unposted_ideas(bot.runtime)
    await bot.runtime.source_replies.drain()

    idea = await posted_idea(bot)
    (reply,) = [m for m in bot.fake.messages(SUPPORT) if m.get("thread_ts") == MESSAGE_TS]
    assert reply["text"] == f":bulb: Saved as <{idea.permalink}|idea #1>"


async def test_saving_a_message_again_says_so_and_still_offers_the_form(bot: Harness) -> None:
    people(bot)
    message = {"ts": MESSAGE_TS, "text": "Self-serve refunds", "user": SPEAKER}
    bot.fake.add_message(SUPPORT, message)
    await submit(bot, await shortcut_form(bot, message))
    idea = await posted_idea(bot)

    view = await shortcut_form(bot, message)
    assert f"already saved as idea <{idea.permalink}|#1>" in notice(view)
    assert initial(view, "summary") == "Self-serve refunds"


async def test_an_ideas_own_post_is_that_idea_already(bot: Harness) -> None:
    people(bot)
    idea = await bot.share_idea("Free fruit on Fridays", author=SPEAKER)
    post = bot.fake.message(IDEAS_CHANNEL, idea.message_ts or "")
    opened = len(bot.fake.calls_to("views.open"))

    _, url = await bot.message_shortcut(
        SHORTCUT,
        {"ts": post["ts"], "text": post["text"], "bot_id": post["bot_id"]},
        channel=IDEAS_CHANNEL,
        channel_name="ideas",
    )
    (answer,) = await eventually(lambda: bot.fake.responses_to(url))
    assert answer["text"] == rules.already_an_idea(idea.id or 0, idea.permalink)
    assert "That's <" in answer["text"] and answer["response_type"] == "ephemeral"
    assert len(bot.fake.calls_to("views.open")) == opened


async def test_a_private_channel_is_a_private_conversation(bot: Harness) -> None:
    people(bot)
    bot.fake.private_channels.add(SECRET)
    # Slack gives no permalink here (the fake has no such message): it is built by hand.
    message = {"ts": MESSAGE_TS, "text": "Merge the two onboarding docs", "user": SPEAKER}
    view = await shortcut_form(bot, message, channel=SECRET, channel_name="privategroup")
    built = f"https://acme.slack.com/archives/{SECRET}/p1700000000000100"
    assert (carried(view)["public"], carried(view)["permalink"]) == (False, built)
    assert carried(view)["channel_name"] is None

    await submit(bot, view, kind="colleague")
    await posted_idea(bot)
    source = await stored_source(bot)
    assert (source.public, source.permalink, source.channel_name) == (False, built, None)
    shown = post_text(bot)
    assert "From a private conversation" in shown
    assert SECRET not in shown and built not in shown and SPEAKER not in shown
    # Only the submitter gets the link.
    assert built in await confirmation(bot)
    # Lightbulb is a member of this private channel: it replies there.
    assert [m["thread_ts"] for m in bot.fake.messages(SECRET)] == [MESSAGE_TS]


async def test_never_a_reply_in_a_direct_message_nor_where_lightbulb_is_not(
    bot: Harness,
) -> None:
    people(bot)
    in_dm = {"ts": MESSAGE_TS, "text": "Quiet hours for deploys", "user": SPEAKER}
    view = await shortcut_form(bot, in_dm, channel=CHAT, channel_name="directmessage")
    assert carried(view)["public"] is False
    await submit(bot, view)
    await posted_idea(bot, 1)
    assert (await stored_source(bot, 1)).reply_ts == REPLY_CLAIMED
    assert "From a private conversation" in post_text(bot)

    bot.fake.not_in_channels.add(SUPPORT)
    elsewhere = {"ts": "1700000000.000200", "text": "Status page for the API", "user": SPEAKER}
    bot.fake.add_message(SUPPORT, elsewhere)
    view = await shortcut_form(bot, elsewhere)
    assert carried(view)["public"] is True
    await submit(bot, view)
    await posted_idea(bot, 2)
    assert (await stored_source(bot, 2)).reply_ts == REPLY_CLAIMED
    assert not [c for c in bot.fake.calls_to("chat.postMessage") if c.args.get("thread_ts")]


async def test_slack_not_saying_what_a_channel_is_makes_it_private(bot: Harness) -> None:
    people(bot)
    bot.fake.fail_next("conversations.info", error="missing_scope")
    message = {"ts": MESSAGE_TS, "text": "Pair on-call shifts", "user": SPEAKER}
    view = await shortcut_form(bot, message)
    assert carried(view)["public"] is False


async def test_a_reply_in_a_thread_is_answered_in_that_thread(bot: Harness) -> None:
    people(bot)
    parent = "1700000000.000050"
    message = {"ts": MESSAGE_TS, "thread_ts": parent, "text": "Dark mode", "user": SPEAKER}
    view = await shortcut_form(bot, message)
    assert carried(view)["thread_ts"] == parent
    assert carried(view)["permalink"].endswith(f"?thread_ts={parent}&cid={SUPPORT}")
    await submit(bot, view)
    await stored_source(bot)
    replies = [m for m in bot.fake.messages(SUPPORT) if m.get("thread_ts")]
    assert [m["thread_ts"] for m in replies] == [parent]


async def test_an_apps_message_credits_nobody_and_asks_where_it_came_from(bot: Harness) -> None:
    people(bot)
    message = {
        "ts": MESSAGE_TS,
        "text": "Ticket #881: the invoice PDF has no VAT number",
        "bot_id": "B0HELPDSK",
        "subtype": "bot_message",
    }
    bot.fake.add_message(SUPPORT, message)
    view = await shortcut_form(bot, message)
    assert carried(view)["author_id"] is None
    assert "initial_option" not in field(view, forms.FORM_SOURCE)["element"]
    assert field(view, forms.FORM_SOURCE).get("optional") is not True

    await submit(bot, view, kind="customer")
    await posted_idea(bot)
    assert (await stored_source(bot)).kind == "customer"
    assert "said by" not in post_text(bot)


async def test_your_own_message_is_your_own_idea(bot: Harness) -> None:
    people(bot)
    message = {"ts": MESSAGE_TS, "text": "Lunch and learn on Thursdays", "user": SUBMITTER}
    bot.fake.add_message(SUPPORT, message)
    view = await shortcut_form(bot, message)
    assert field(view, forms.FORM_SOURCE)["element"]["initial_option"]["value"] == "own"
    await submit(bot, view, kind="own")
    await posted_idea(bot)
    shown = post_text(bot)
    assert f"in <#{SUPPORT}>" in shown and "said by" not in shown


async def test_a_message_with_only_files_asks_for_your_own_words(bot: Harness) -> None:
    people(bot)
    message = {"ts": MESSAGE_TS, "text": "", "user": SPEAKER, "files": [{"id": "F0SHOT001"}]}
    view = await shortcut_form(bot, message)
    assert initial(view, "summary") == "" and initial(view, "details") == ""
    assert notice(view) == rules.NO_TEXT
    assert carried(view)["message_ts"] == MESSAGE_TS

    await submit(bot, view, summary="A screenshot tool in the help widget")
    await posted_idea(bot)
    assert (await stored_source(bot)).message_ts == MESSAGE_TS


async def test_too_long_is_never_cut_silently(bot: Harness) -> None:
    people(bot)
    first = "Why " + "very " * 40 + "long"
    view = await shortcut_form(bot, {"ts": MESSAGE_TS, "text": f"{first}\nsecond", "user": SPEAKER})
    assert initial(view, "summary") == ""
    assert initial(view, "details") == f"{first}\nsecond"
    assert rules.SUMMARY_TOO_LONG in notice(view)

    words = "word " * 1000
    long = {"ts": "1700000000.000300", "text": f"Short summary\n{words}", "user": SPEAKER}
    view = await shortcut_form(bot, long)
    details = initial(view, "details")
    assert initial(view, "summary") == "Short summary"
    assert len(details) <= DETAILS_LIMIT and words.startswith(details) and details.endswith("word")
    assert rules.DETAILS_TOO_LONG in notice(view)
    assert rules.SUMMARY_TOO_LONG not in notice(view)


async def test_an_anonymous_idea_hides_where_it_came_from(migrated_url: str) -> None:
    """Its source's link, channel and author could tell who shared it: the post says "a
    private conversation" and the message's thread gets no reply; the submitter's DM still
    links the message."""
    bot, close = await start_harness(migrated_url, ANONYMOUS_IDEAS="allow")
    try:
        people(bot)
        message = {"ts": MESSAGE_TS, "text": "Anonymous salary bands", "user": SUBMITTER}
        bot.fake.add_message(SUPPORT, message)
        view = await shortcut_form(bot, message)
        ticked = {"type": "checkboxes", "selected_options": [{"value": "anonymous"}]}
        await submit(bot, view, kind="own", extra={FORM_ANONYMOUS: ticked})
        await posted_idea(bot)
        assert (await stored_source(bot)).reply_ts == REPLY_CLAIMED
        shown = post_text(bot)
        assert "From a private conversation" in shown
        assert SUBMITTER not in shown and SUPPORT not in shown and "archives" not in shown
        assert "archives" in await confirmation(bot)
        assert not [m for m in bot.fake.messages(SUPPORT) if m.get("thread_ts")]
    finally:
        await close()


async def test_the_similar_ideas_step_keeps_the_source_and_its_answer(bot: Harness) -> None:
    people(bot)
    message = {"ts": MESSAGE_TS, "text": "Self-serve refunds for customers", "user": SPEAKER}
    bot.fake.add_message(SUPPORT, message)
    # Saved first by the person who said it: someone's own ideas are never "similar".
    await submit(bot, await shortcut_form(bot, message, user=SPEAKER), kind="own", user=SPEAKER)
    await posted_idea(bot)

    view = await shortcut_form(bot, message)
    elements: dict[str, dict] = {
        FORM_SUMMARY: {"type": "plain_text_input", "value": "Self-serve refunds for customers"},
        FORM_PROBLEM: {"type": "plain_text_input", "value": "They ask us every single week."},
        forms.FORM_SOURCE: {"type": "static_select", "selected_option": {"value": "customer"}},
    }
    reply = await bot.submit_view(
        "idea_form", elements, user=SUBMITTER, private_metadata=view["private_metadata"]
    )
    shown = reply.json()
    assert shown["response_action"] == "update", shown
    again = shown["view"]
    assert field(again, forms.FORM_SOURCE)["element"]["initial_option"]["value"] == "customer"
    assert carried(again)["message_ts"] == MESSAGE_TS

    before = asyncio.all_tasks()
    reply = await bot.submit_view(
        "idea_form", elements, user=SUBMITTER, private_metadata=again["private_metadata"]
    )
    assert reply.status == 200 and not reply.text, reply.text
    await settled(before)
    await posted_idea(bot, 2)
    assert (await stored_source(bot, 2)).kind == "customer"
    replies = [m for m in bot.fake.messages(SUPPORT) if m.get("thread_ts") == MESSAGE_TS]
    assert [m["text"].rsplit("|", 1)[-1] for m in replies] == ["idea #1>", "idea #2>"]
