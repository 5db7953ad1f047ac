"""Pointing a new idea at a theme or a challenge from the idea form, through the endpoint."""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select

from bot.ideas import rules as capture
from storage import challenges, themes
from storage.models import Idea
from storage.vocabulary import ChallengeStatus
from tests.harness import IDEAS_CHANNEL, Harness, eventually


async def _theme_and_challenge(bot: Harness, *, status: ChallengeStatus) -> tuple[int, int]:
    async with bot.db.session() as session:
        theme = await themes.create_theme(
            session=session,
            name="Customer love",
            vision="Customers who stay because we delight them.",
            owner_id="U0OWNER01",
            emoji="heart",
            created_by="U0ADMIN01",
        )
        challenge = await challenges.create_challenge(
            session=session,
            question="How might we halve onboarding time?",
            why="New customers give up in week one.",
            judged_by="Time to first value.",
            theme_id=theme.id,
            sponsor_id="U0SPONS01",
            opens_on=date(2026, 12, 1),
            closes_on=date(2026, 12, 31),
            target_channel=IDEAS_CHANNEL,
            created_by="U0ADMIN01",
        )
        await challenges.update(
            session=session,
            challenge_id=challenge.id or 0,
            status=status,
            permalink="https://acme.slack.test/archives/C0IDEAS01/p1",
        )
        return theme.id or 0, challenge.id or 0


def _chosen(value: int | None) -> dict:
    if value is None:
        return {"type": "static_select", "selected_option": None}
    return {"type": "static_select", "selected_option": {"value": str(value)}}


def _form(summary: str, *, theme: int | None, challenge: int | None) -> dict[str, dict]:
    return {
        capture.FORM_SUMMARY: {"type": "plain_text_input", "value": summary},
        capture.FORM_PROBLEM: {"type": "plain_text_input", "value": "Onboarding is slow."},
        capture.FORM_DETAILS: {"type": "plain_text_input", "value": None},
        capture.FORM_THEME: _chosen(theme),
        capture.FORM_CHALLENGE: _chosen(challenge),
    }


async def test_the_form_offers_active_themes_and_open_challenges(bot: Harness) -> None:
    theme_id, challenge_id = await _theme_and_challenge(bot, status=ChallengeStatus.OPEN)

    await bot.command("")

    [opened] = await bot.fake.wait_for("views.open")
    blocks = {block["block_id"]: block for block in opened.args["view"]["blocks"]}
    theme_options = blocks[capture.FORM_THEME]["element"]["options"]
    challenge_options = blocks[capture.FORM_CHALLENGE]["element"]["options"]
    assert [o["value"] for o in theme_options] == [str(theme_id)]
    assert "Customer love" in theme_options[0]["text"]["text"]
    assert [o["value"] for o in challenge_options] == [str(challenge_id)]
    assert blocks[capture.FORM_THEME]["optional"] is True


async def test_an_idea_answering_a_challenge_takes_its_theme_and_shows_both(bot: Harness) -> None:
    theme_id, challenge_id = await _theme_and_challenge(bot, status=ChallengeStatus.OPEN)

    reply = await bot.submit_view(
        "idea_form", _form("Guided setup wizard", theme=None, challenge=challenge_id)
    )

    assert reply.status == 200 and not reply.text
    [post] = await bot.fake.wait_for("chat.postMessage")
    async with bot.db.session() as session:
        [idea] = (await session.execute(select(Idea).order_by(col(Idea.id)))).scalars()
    assert (idea.theme_id, idea.challenge_id) == (theme_id, challenge_id)
    context = " ".join(
        element["text"]
        for block in post.args["blocks"]
        if block["type"] == "context"
        for element in block["elements"]
    )
    assert "Theme: *Customer love*" in context
    assert f"challenge #{challenge_id}" in context and "halve onboarding" in context
    assert post.args["channel"] == IDEAS_CHANNEL


async def test_a_challenge_closed_while_the_form_was_open_is_said_inline(bot: Harness) -> None:
    _, challenge_id = await _theme_and_challenge(bot, status=ChallengeStatus.CLOSED)

    reply = await bot.submit_view(
        "idea_form", _form("Guided setup wizard", theme=None, challenge=challenge_id)
    )

    answer = reply.json()
    assert answer["response_action"] == "errors"
    assert "not taking ideas" in answer["errors"][capture.FORM_CHALLENGE]
    async with bot.db.session() as session:
        assert not list((await session.execute(select(Idea))).scalars())


async def test_an_archived_themes_ideas_keep_it_and_say_so(bot: Harness) -> None:
    theme_id, _ = await _theme_and_challenge(bot, status=ChallengeStatus.OPEN)
    await bot.submit_view("idea_form", _form("Loyalty stickers", theme=theme_id, challenge=None))
    await bot.fake.wait_for("chat.postMessage")

    async def posted() -> Idea | None:
        async with bot.db.session() as session:
            idea = (await session.execute(select(Idea))).scalars().first()
        return idea if idea and idea.permalink else None

    idea = await eventually(posted)
    async with bot.db.session() as session:
        await themes.set_archived(session=session, theme_id=theme_id, archived_at=idea.created_at)
    await bot.runtime.posts.update_now(idea.id or 0)

    [update] = await bot.fake.wait_for("chat.update")
    texts = str(update.args["blocks"])
    assert "Customer love* (archived)" in texts
