"""Similar ideas before posting, through the real HTTP endpoint on SQLite and PostgreSQL: the
form and a quick `/idea` show ideas like the new one once ("Vote for one of these instead, or
post yours anyway"), nothing typed is lost, and nothing is posted until the person says so."""

from __future__ import annotations

import json

import pytest
from sqlmodel import col, select

from bot.search import similar_blocks, similar_rules
from storage import ideas, themes
from storage.models import Idea
from tests.harness import ADMIN, Harness, eventually

AUTHOR = "U0ALICE01"
BOB = "U0BOB0001"


async def stored_ideas(bot: Harness) -> list[Idea]:
    async with bot.db.session() as session:
        return list((await session.execute(select(Idea).order_by(col(Idea.id)))).scalars())


async def posted(bot: Harness, text: str) -> Idea:
    async def found() -> Idea | None:
        ideas = [i for i in await stored_ideas(bot) if i.text == text and i.permalink]
        return ideas[0] if ideas else None

    return await eventually(found, failure=f"{text!r} was never posted")


def form_fields(summary: str, problem: str, details: str | None) -> dict[str, dict]:
    values = {"summary": summary, "problem": problem, "details": details}
    return {block: {"type": "plain_text_input", "value": v} for block, v in values.items()}


def shown_text(blocks: list[dict]) -> str:
    """Every section and context text of a message or view, as Slack shows them."""
    texts = []
    for block in blocks:
        if block["type"] == "section":
            texts.append(block["text"]["text"])
        if block["type"] == "context":
            texts += [element["text"] for element in block["elements"]]
    return "\n".join(texts)


def initial_values(view: dict) -> dict[str, str | None]:
    return {
        block["block_id"]: block["element"].get("initial_value")
        for block in view["blocks"]
        if block["type"] == "input" and block["element"]["type"] == "plain_text_input"
    }


async def quick_idea(bot: Harness, text: str, *, user: str = AUTHOR) -> dict:
    """`/idea <text>` and its private answer."""
    url = bot.fake.response_url("cmd")
    await bot.command(text, user=user, response_url=url)
    [answer] = await eventually(lambda: bot.fake.responses_to(url))
    return answer


def buttons(answer: dict) -> dict[str, tuple[str, str]]:
    """action id → (block id, value) of the answer's buttons."""
    return {
        element["action_id"]: (block["block_id"], element["value"])
        for block in answer.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
    }


async def click(bot: Harness, answer: dict, action_id: str) -> dict:
    block_id, value = buttons(answer)[action_id]
    url = bot.fake.response_url("click")
    await bot.click(action_id, value, user=AUTHOR, block_id=block_id, response_url=url)
    [reply] = await eventually(lambda: bot.fake.responses_to(url))
    return reply


async def test_the_form_shows_similar_ideas_first_and_posts_on_the_second_submit(
    bot: Harness,
) -> None:
    walking = await bot.share_idea("Walking meetings for one-on-ones", author=BOB)
    await bot.share_idea("Free fruit on Fridays", author=BOB)
    async with bot.db.session() as session:
        theme = await themes.create_theme(
            session=session,
            name="Healthy teams",
            vision="People who feel well work well",
            owner_id=BOB,
            emoji="dart",
            created_by=BOB,
        )
    posts_before = len(bot.fake.calls_to("chat.postMessage"))
    typed = form_fields(
        "Walk and talk one-on-ones",
        "One-on-ones in meeting rooms feel stiff; walking loosens people up",
        "Start with a 30-minute loop around the block",
    )
    picked = {"theme": {"type": "static_select", "selected_option": {"value": str(theme.id)}}}

    reply = await bot.submit_view("idea_form", typed | picked, user=AUTHOR, view_id="V0SIMILAR")

    answer = reply.json()
    assert answer["response_action"] == "update"
    view = answer["view"]
    notice = shown_text(view["blocks"])
    assert similar_blocks.INVITATION in notice
    assert walking.permalink and walking.permalink in notice
    assert "new" in notice and "0 votes" in notice and f"#{walking.id}" in notice
    assert "Free fruit" not in notice
    assert initial_values(view) == {block: value["value"] for block, value in typed.items()}
    [theme_picker] = [block for block in view["blocks"] if block.get("block_id") == "theme"]
    assert theme_picker["element"]["initial_option"]["value"] == str(theme.id)
    assert len(bot.fake.calls_to("chat.postMessage")) == posts_before
    assert len(await stored_ideas(bot)) == 2

    await bot.submit_view(
        "idea_form",
        typed | picked,
        user=AUTHOR,
        view_id="V0SIMILAR",
        private_metadata=view["private_metadata"],
    )

    mine = await posted(bot, "Walk and talk one-on-ones")
    assert mine.author_id == AUTHOR
    assert mine.details == "Start with a 30-minute loop around the block"
    assert mine.theme_id == theme.id
    assert json.loads(view["private_metadata"])["similar"] == [walking.id]


async def test_unrelated_ideas_and_one_common_word_never_count_as_similar(bot: Harness) -> None:
    await bot.share_idea("Customer onboarding checklist", author=BOB)
    await bot.share_idea("Free fruit on Fridays", author=BOB)

    reply = await bot.submit_view(
        "idea_form",
        form_fields(
            "Customer feedback wall",
            "Nobody outside support hears what customers tell us",
            None,
        ),
        user=AUTHOR,
    )
    assert reply.status == 200 and not reply.text  # a plain ack: posted straight away
    await posted(bot, "Customer feedback wall")

    answer = await quick_idea(bot, "Standing desks for the design team")
    assert "posted" in answer["text"] and not buttons(answer)
    await posted(bot, "Standing desks for the design team")


async def test_a_quick_idea_offers_post_mine_anyway_and_posts_once(bot: Harness) -> None:
    fruit = await bot.share_idea("Free fruit on Fridays", author=BOB)
    posts_before = len(bot.fake.calls_to("chat.postMessage"))

    answer = await quick_idea(bot, "Fresh fruit bowls every Friday")

    shown = shown_text(answer["blocks"])
    assert similar_blocks.INVITATION in shown and fruit.permalink and fruit.permalink in shown
    assert "Fresh fruit bowls every Friday" in shown
    assert set(buttons(answer)) == {similar_blocks.POST_ANYWAY_ACTION, similar_blocks.CANCEL_ACTION}
    assert len(bot.fake.calls_to("chat.postMessage")) == posts_before
    assert len(await stored_ideas(bot)) == 1

    confirmation = await click(bot, answer, similar_blocks.POST_ANYWAY_ACTION)

    mine = await posted(bot, "Fresh fruit bowls every Friday")
    assert confirmation["replace_original"] is True
    assert f"#{mine.id}" in confirmation["text"] and mine.author_id == AUTHOR
    again = await click(bot, answer, similar_blocks.POST_ANYWAY_ACTION)
    assert again["text"] == "That idea is posted already." and not again["replace_original"]
    assert len(await stored_ideas(bot)) == 2


async def test_cancel_posts_nothing_and_gives_the_text_back(bot: Harness) -> None:
    await bot.share_idea("Free fruit on Fridays", author=BOB)

    answer = await quick_idea(bot, "Fresh fruit bowls every Friday")
    reply = await click(bot, answer, similar_blocks.CANCEL_ACTION)

    assert reply["replace_original"] is True
    assert "Not posted" in reply["text"] and "Fresh fruit bowls every Friday" in reply["text"]
    assert [idea.text for idea in await stored_ideas(bot)] == ["Free fruit on Fridays"]


async def test_closed_and_unposted_ideas_are_not_similar(lab: Harness) -> None:
    declined = await lab.share_idea("Free fruit on Fridays", author=BOB)
    await lab.command(f"status {declined.id} declined Too costly", user=ADMIN)

    async def is_declined() -> bool:
        return any(i.status == "declined" for i in await stored_ideas(lab))

    await eventually(is_declined)
    async with lab.db.session() as session:  # saved, not in Slack yet
        await ideas.create_idea(session=session, author_id=BOB, text="Fruit baskets on Fridays")

    answer = await quick_idea(lab, "Fresh fruit bowls every Friday")

    assert "posted" in answer["text"] and not buttons(answer)
    await posted(lab, "Fresh fruit bowls every Friday")


@pytest.mark.parametrize(
    ("draft", "idea", "similar"),
    [
        ("Fresh fruit bowls every Friday", "Free fruit on Fridays", True),
        ("Walking meetings", "Meeting-free Wednesdays", False),  # one shared word of two
        ("Customer feedback wall", "Customer onboarding checklist", False),
        ("Onboarding buddies for new hires", "A buddy when you are onboarded", True),
        ("Car pooling rota", "Career ladder for engineers", False),  # "car" is not "career"
        ("Kanban", "Kanban boards for every team", False),  # too little to judge
        # Two words of five: related, not the same idea.
        (
            "experiment 2 weeks without meetings on Fridays",
            "Experiment with four-day weeks in summer",
            False,
        ),
        ("Customer feedback wall", "Customers' feedback, shown on a wall", True),
    ],
)
def test_the_rule_asks_for_more_than_one_shared_word(draft: str, idea: str, similar: bool) -> None:
    wanted, summary = similar_rules.draft_terms(draft)
    assert similar_rules.is_similar(wanted, summary, idea) is similar


def test_a_long_draft_must_share_a_quarter_of_its_terms_and_one_of_its_summary() -> None:
    summary = "Shared on-call calendar"
    problem = "Nobody knows who is on call tonight, pages go to people on holiday, swaps get lost"
    wanted, summary_terms = similar_rules.draft_terms(summary, problem)
    assert len(wanted) == 12
    assert similar_rules.needed(len(wanted), 12) == similar_rules.MOST_NEEDED
    assert similar_rules.needed(len(wanted), 4) == 2
    # Three of the problem's words but none of the summary's: not the same idea.
    assert not similar_rules.is_similar(wanted, summary_terms, "Holiday swaps for people pages")
    assert similar_rules.is_similar(wanted, summary_terms, "On-call calendar that knows holidays")
