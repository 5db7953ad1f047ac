"""Starting a challenge through the real endpoint: who may, each bad input shown inline, the
card posted once (at once, or by the challenges job on its day), Submit an idea, the ideas
listed once in its thread and counted on the card, and `/idea challenges`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.challenges import card, entries, launch, service
from bot.challenges.blocks import SUBMIT_ACTION
from storage import challenges, themes
from storage.models import Challenge, Idea
from storage.vocabulary import ChallengeStatus
from tests.harness import ADMIN, IDEAS_CHANNEL, Harness, eventually, start_harness

OWNER, SPONSOR, ANYONE, AUTHOR, VOTER = (
    "U0OWNER01",
    "U0SPONSOR",
    "U0ANYONE1",
    "U0AUTHOR1",
    "U0VOTER01",
)
ROBOT, LEFT = "U0ROBOT01", "U0LEFT001"
CHALLENGES_CHANNEL = "C0CHALL01"
QUESTION = "How might we help new starters feel at home in their first week?"


@pytest.fixture
async def arena(migrated_url: str) -> AsyncIterator[Harness]:
    harness, close = await start_harness(migrated_url, ADMIN_USER_IDS=ADMIN)
    harness.add_people(ADMIN, OWNER, SPONSOR, ANYONE, AUTHOR, VOTER)
    harness.add_people(ROBOT, is_bot=True)
    harness.fake.add_user(LEFT, deleted=True)
    try:
        yield harness
    finally:
        await close()


def today() -> date:
    return datetime.now(UTC).date()


def challenge_form(
    question: str = QUESTION,
    *,
    sponsor: str = SPONSOR,
    opens: date | None = None,
    closes: date | None = None,
    channel: str | None = None,
    keep: bool = False,
    theme: int | None = None,
) -> dict[str, dict]:
    opens = opens or today()
    values: dict[str, dict] = {
        "question": {"type": "plain_text_input", "value": question},
        "why": {"type": "plain_text_input", "value": "People who settle in fast <!channel> stay."},
        "judged_by": {"type": "plain_text_input", "value": "Fewer questions to HR."},
        "sponsor": {"type": "users_select", "selected_user": sponsor},
        "opens_on": {"type": "datepicker", "selected_date": opens.isoformat()},
        "closes_on": {
            "type": "datepicker",
            "selected_date": (closes or opens + timedelta(days=15)).isoformat(),
        },
        "channel": {"type": "conversations_select", "selected_conversation": channel},
        "keep_wording": {
            "type": "checkboxes",
            "selected_options": [{"value": "keep"}] if keep else [],
        },
    }
    if theme is not None:
        values["theme"] = {"type": "static_select", "selected_option": {"value": str(theme)}}
    return values


async def stored(h: Harness) -> list[Challenge]:
    async with h.db.session() as session:
        return await challenges.every_challenge(session=session)


async def opened(h: Harness, challenge_id: int = 1) -> Challenge:
    async def is_open() -> Challenge | None:
        async with h.db.session() as session:
            found = await challenges.get_challenge(session=session, challenge_id=challenge_id)
            if found is not None:
                await session.refresh(found)
        ready = found is not None and found.status == ChallengeStatus.OPEN and found.permalink
        return found if ready else None

    return await eventually(is_open, failure=f"challenge {challenge_id} never opened")


def cards(h: Harness, channel: str = IDEAS_CHANNEL) -> list[dict]:
    return [
        m
        for m in h.fake.messages(channel)
        if "thread_ts" not in m
        and any(b.get("type") == "header" for b in m["blocks"])
        and m["text"].startswith("Challenge:")
    ]


def shown(message: dict) -> str:
    return json.dumps(message["blocks"], ensure_ascii=False)


def dms_to(h: Harness, person: str) -> list[str]:
    return [
        c.args["text"] for c in h.fake.calls_to("chat.postMessage") if c.args["channel"] == person
    ]


async def start(h: Harness, *, user: str = ADMIN, **form: object) -> Challenge:
    reply = await h.submit_view("challenge_form", challenge_form(**form), user=user)  # type: ignore[arg-type]
    assert reply.status == 200 and not reply.text, reply.text
    return await opened(h)


async def test_admins_and_theme_owners_get_the_form_and_others_a_friendly_no(
    arena: Harness,
) -> None:
    async with arena.db.session() as session:
        await themes.create_theme(
            session=session,
            name="Customer love",
            vision="Customers who stay",
            owner_id=OWNER,
            emoji="heart",
            created_by=ADMIN,
        )
        archived = await themes.create_theme(
            session=session, name="Old", vision="v", owner_id=ANYONE, emoji="x", created_by=ADMIN
        )
        await themes.set_archived(
            session=session, theme_id=archived.id or 0, archived_at=datetime.now(UTC)
        )

    for person in (ADMIN, OWNER):
        reply = await arena.command("challenge", user=person)
        assert reply.status == 200 and not reply.text
    opened_forms = await arena.fake.wait_for("views.open", 2)
    form = opened_forms[-1].args["view"]
    assert form["callback_id"] == "challenge_form"
    fields = {block.get("block_id"): block for block in form["blocks"]}
    assert fields["opens_on"]["element"]["initial_date"] == today().isoformat()
    closes = fields["closes_on"]["element"]["initial_date"]
    assert closes == (today() + timedelta(weeks=4)).isoformat()
    assert fields["channel"]["element"]["initial_conversation"] == IDEAS_CHANNEL
    assert fields["channel"]["element"]["default_to_current_conversation"] is False
    assert fields["sponsor"]["element"]["initial_user"] == OWNER
    assert [o["text"]["text"] for o in fields["theme"]["element"]["options"]] == [
        ":heart: Customer love"
    ]

    # The owner of an archived theme only is no theme owner any more.
    reply = await arena.command("challenge", user=ANYONE)
    assert "Only Lightbulb admins and theme owners start challenges" in reply.json()["text"]
    assert len(arena.fake.calls_to("views.open")) == 2

    # A forged submission from someone who may not start one is refused, and stores nothing.
    forged = await arena.submit_view("challenge_form", challenge_form(), user=ANYONE)
    assert "Only Lightbulb admins" in forged.json()["errors"]["question"]
    assert await stored(arena) == []


async def test_a_question_naming_a_solution_is_refused_inline_unless_kept(arena: Harness) -> None:
    reply = await arena.submit_view(
        "challenge_form", challenge_form("Build a mobile app"), user=ADMIN
    )
    answer = reply.json()
    assert answer["response_action"] == "errors"
    assert answer["errors"] == {
        "question": 'This reads like a solution ("Build a mobile app"). Try the problem it '
        'would solve: "How might we …?" — or tick Keep my wording to use it as it is.'
    }
    assert await stored(arena) == []

    challenge = await start(arena, question="Build a mobile app", keep=True)
    assert challenge.question == "Build a mobile app"
    assert len(cards(arena)) == 1


async def test_each_bad_input_is_shown_next_to_its_field(arena: Harness) -> None:
    arena.fake.not_in_channels.add("C0NOBOT01")
    arena.fake.unknown_channels.add("C0SECRET1")
    cases = [
        (
            {"closes": today()},
            "closes_on",
            f"The challenge must close after it opens: pick a day after {today():%-d %B}.",
        ),
        (
            {"opens": today() - timedelta(days=1)},
            "opens_on",
            f"That day has passed: pick today ({today():%-d %B}) or a later day.",
        ),
        ({"sponsor": ROBOT}, "sponsor", "That's a bot: choose a person"),
        ({"sponsor": LEFT}, "sponsor", "This person has left the workspace"),
        ({"sponsor": "U0NOBODY1"}, "sponsor", "Slack doesn't know this person"),
        (
            {"channel": "C0NOBOT01"},
            "channel",
            "Invite me first: /invite @Lightbulb in #channel-c0nobot01, then submit again",
        ),
        ({"channel": "C0SECRET1"}, "channel", "I can't see that channel"),
    ]
    for form, field, expected in cases:
        reply = await arena.submit_view("challenge_form", challenge_form(**form), user=ADMIN)  # type: ignore[arg-type]
        errors = reply.json()["errors"]
        assert list(errors) == [field], (form, errors)
        assert errors[field].startswith(expected), (form, errors)
    assert await stored(arena) == []
    assert cards(arena) == [] and cards(arena, "C0NOBOT01") == []


async def test_a_challenge_opening_today_posts_its_card_once(arena: Harness) -> None:
    form = challenge_form()
    first = await arena.submit_view("challenge_form", form, user=ADMIN, view_id="V0SAME001")
    assert first.status == 200 and not first.text
    challenge = await opened(arena)
    # Slack sends the same submission again (a replay): it is handled once.
    again = await arena.submit_view("challenge_form", form, user=ADMIN, view_id="V0SAME001")
    assert again.status == 200
    await launch.open_due(arena.runtime, now=datetime.now(UTC) + timedelta(hours=12))

    (card,) = cards(arena)
    assert card["ts"] == challenge.message_ts and challenge.channel_id == IDEAS_CHANNEL
    text = shown(card)
    assert f":dart: {QUESTION}" in text
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text
    assert f"<@{SPONSOR}>" in text
    closes = today() + timedelta(days=15)
    assert f"Closes {closes:%A %-d %B} at 17:00 (in 15 days)" in text
    assert "0 ideas · 0 voters" in text
    button = next(b for b in card["blocks"] if b["type"] == "actions")["elements"][0]
    assert (button["action_id"], button["value"], button["style"]) == (
        SUBMIT_ACTION,
        "1",
        "primary",
    )
    assert len(await stored(arena)) == 1

    (confirmation,) = await eventually(lambda: dms_to(arena, ADMIN))
    assert challenge.permalink is not None
    assert "Your challenge is open" in confirmation and challenge.permalink in confirmation


async def test_a_challenge_opening_later_is_posted_once_by_the_job_on_its_day(
    arena: Harness,
) -> None:
    opens = today() + timedelta(days=2)
    reply = await arena.submit_view(
        "challenge_form", challenge_form(opens=opens, sponsor=OWNER), user=ADMIN
    )
    assert not reply.text
    (saved,) = await eventually(lambda: dms_to(arena, ADMIN))
    assert f"posted in <#{IDEAS_CHANNEL}> on {opens:%A %-d %B} at 09:00" in saved
    (challenge,) = await stored(arena)
    assert challenge.status == ChallengeStatus.SCHEDULED and cards(arena) == []

    nine = datetime.combine(opens, datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)
    assert await launch.open_due(arena.runtime, now=nine - timedelta(minutes=1)) == []
    assert cards(arena) == []

    # Two replicas run the job at the same moment: one card.
    first, second = await asyncio.gather(
        launch.open_due(arena.runtime, now=nine), launch.open_due(arena.runtime, now=nine)
    )
    assert sum(d.outcome == "posted" for d in [*first, *second]) == 1
    await launch.open_due(arena.runtime, now=nine + timedelta(minutes=5))
    challenge = await opened(arena)
    assert [c["ts"] for c in cards(arena)] == [challenge.message_ts]
    assert len(await eventually(lambda: [t for t in dms_to(arena, ADMIN) if "is open" in t])) == 1


async def test_a_card_slack_did_not_take_is_posted_by_the_next_run(arena: Harness) -> None:
    arena.fake.fail_next("chat.postMessage", status=200, error="channel_is_archived")
    reply = await arena.submit_view("challenge_form", challenge_form(), user=ADMIN)
    assert not reply.text
    (told,) = await eventually(lambda: dms_to(arena, ADMIN))
    assert "Slack didn't take its card just now (`channel_is_archived`)" in told
    (challenge,) = await stored(arena)
    assert challenge.status == ChallengeStatus.SCHEDULED

    await launch.open_due(arena.runtime, now=datetime.now(UTC))
    await opened(arena)
    assert len(cards(arena)) == 1


async def idea_for(h: Harness, challenge_id: int, text: str, *, author: str = AUTHOR) -> Idea:
    reply = await h.submit_view(
        "idea_form",
        {
            "summary": {"type": "plain_text_input", "value": text},
            "problem": {"type": "plain_text_input", "value": "New starters feel lost."},
            "challenge": {"type": "static_select", "selected_option": {"value": str(challenge_id)}},
        },
        user=author,
    )
    assert reply.status == 200 and not reply.text, reply.text

    async def listed() -> Idea | None:
        async with h.db.session() as session:
            for idea in await challenges.entries(session=session, challenge_id=challenge_id):
                if idea[0].text == text and idea[0].challenge_entry_ts:
                    return idea[0]
        return None

    return await eventually(listed, failure=f"{text!r} was never listed under its challenge")


def thread(h: Harness, challenge: Challenge) -> list[dict]:
    channel = challenge.channel_id or IDEAS_CHANNEL
    return [m for m in h.fake.messages(channel) if m.get("thread_ts") == challenge.message_ts]


async def test_submit_an_idea_opens_the_form_with_the_challenge_preselected(
    arena: Harness,
) -> None:
    challenge = await start(arena)
    await arena.click(SUBMIT_ACTION, str(challenge.id), user=AUTHOR)
    (call,) = await arena.fake.wait_for("views.open")
    form = call.args["view"]
    assert form["callback_id"] == "idea_form"
    picker = next(b for b in form["blocks"] if b.get("block_id") == "challenge")
    assert picker["element"]["initial_option"]["value"] == str(challenge.id)

    async with arena.db.session() as session:
        await challenges.move(
            session=session,
            challenge_id=challenge.id or 0,
            from_status=ChallengeStatus.OPEN,
            to_status=ChallengeStatus.CLOSED,
        )
    await arena.click(SUBMIT_ACTION, str(challenge.id), user=AUTHOR)
    await arena.click(SUBMIT_ACTION, "999", user=AUTHOR)
    answers = await arena.fake.wait_for_responses(2)
    assert "This challenge is closed, so it takes no more ideas" in answers[0]["text"]
    assert answers[0]["response_type"] == "ephemeral"
    assert answers[1]["text"] == "This challenge no longer exists."
    assert len(arena.fake.calls_to("views.open")) == 1


async def test_ideas_are_listed_once_in_the_thread_and_counted_on_the_card(
    arena: Harness,
) -> None:
    challenge = await start(arena)
    idea = await idea_for(arena, challenge.id or 0, "Buddy <b>lunches</b> for new starters")
    assert idea.message_ts is not None  # posted in the ideas channel as usual

    (entry,) = thread(arena, challenge)
    assert entry["text"] == (
        f"💡 <{idea.permalink}|#{idea.id} Buddy &lt;b&gt;lunches&lt;/b&gt; for new starters> "
        f"by <@{AUTHOR}>"
    )
    await eventually(lambda: "1 idea · 0 voters" in shown(cards(arena)[0]))

    # The catch-up of the challenges job finds nothing more to list.
    assert await entries.list_unlisted(arena.runtime, now=datetime.now(UTC)) == []
    assert len(thread(arena, challenge)) == 1

    await arena.react(idea, VOTER)
    await eventually(
        lambda: "1 idea · 1 voter" in shown(cards(arena)[0]),
        failure=lambda: shown(cards(arena)[0]),
    )
    await idea_for(arena, challenge.id or 0, "A map of who knows what", author=VOTER)
    await eventually(lambda: "2 ideas · 1 voter" in shown(cards(arena)[0]))
    assert len(thread(arena, challenge)) == 2


async def test_an_entry_slack_refused_is_listed_by_the_catch_up(arena: Harness) -> None:
    challenge = await start(arena, channel=CHALLENGES_CHANNEL)
    assert challenge.channel_id == CHALLENGES_CHANNEL
    # The idea's post goes through; its listing in the card's thread is refused.
    arena.fake.not_in_channels.add(CHALLENGES_CHANNEL)
    reply = await arena.submit_view(
        "idea_form",
        {
            "summary": {"type": "plain_text_input", "value": "Office tour on day one"},
            "problem": {"type": "plain_text_input", "value": "Lost."},
            "challenge": {"type": "static_select", "selected_option": {"value": str(challenge.id)}},
        },
        user=AUTHOR,
    )
    assert not reply.text
    await eventually(lambda: dms_to(arena, AUTHOR))
    await arena.runtime.challenge_entries.drain()
    assert thread(arena, challenge) == []

    arena.fake.not_in_channels.clear()
    first = await entries.list_unlisted(arena.runtime, now=datetime.now(UTC))
    again = await entries.list_unlisted(arena.runtime, now=datetime.now(UTC))
    assert [d.outcome for d in first] == ["posted"] and again == []
    (entry,) = thread(arena, challenge)
    assert "Office tour on day one" in entry["text"]


async def test_challenges_lists_the_open_ones_and_those_opening_soon(arena: Harness) -> None:
    reply = await arena.command("challenges", user=ANYONE)
    assert reply.status == 200
    (empty,) = await arena.fake.wait_for_responses(1)
    assert "No challenges are open right now" in empty["text"]

    challenge = await start(arena)
    await idea_for(arena, challenge.id or 0, "Buddy lunches")
    later = today() + timedelta(days=3)
    await arena.submit_view(
        "challenge_form",
        challenge_form("How might we make Mondays lighter?", opens=later),
        user=ADMIN,
    )
    await eventually(lambda: len(dms_to(arena, ADMIN)) >= 2)

    await arena.command("challenges", user=ANYONE)
    answer = (await arena.fake.wait_for_responses(2))[-1]["text"]
    assert f"<{challenge.permalink}|{QUESTION}>" in answer
    assert f"sponsor <@{SPONSOR}>" in answer and "1 idea · 0 voters" in answer
    assert "*Opening soon*" in answer
    assert f"How might we make Mondays lighter? · opens {later:%A %-d %B}" in answer


async def test_a_closed_card_says_voting_goes_on_and_has_no_button(arena: Harness) -> None:
    challenge = await start(arena)
    async with arena.db.session() as session:
        await challenges.move(
            session=session,
            challenge_id=challenge.id or 0,
            from_status=ChallengeStatus.OPEN,
            to_status=ChallengeStatus.CLOSED,
        )
    assert await card.redraw(arena.runtime, challenge.id or 0)
    (closed,) = cards(arena)
    assert "Closed: voting on its ideas goes on" in shown(closed)
    assert SUBMIT_ACTION not in shown(closed) and "Closes " not in shown(closed)


async def test_slack_too_slow_to_check_the_form_asks_to_submit_again(arena: Harness) -> None:
    # Slack wants the form answered within three seconds: the checks get two, then the form
    # says so, with everything typed kept, and nothing is saved.
    arena.fake.set_delay("conversations.info", 3)

    reply = await arena.submit_view("challenge_form", challenge_form(), user=ADMIN)

    assert reply.json()["errors"]["channel"] == service.TRY_AGAIN
    assert await stored(arena) == []
