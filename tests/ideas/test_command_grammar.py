"""What `/idea <text>` means: a subcommand only when the whole text fits its grammar; any
other sentence is an idea, whatever its first word."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from bot.ideas import rules as capture
from bot.ideas.blocks import POST_AS_IDEA_ACTION
from bot.ideas.rules import Action
from storage.models import Idea
from tests.harness import ADMIN, IDEAS_CHANNEL, TEAM_ID, Harness

# Real ideas that begin with every subcommand word, in the cases people type them.
SENTENCES = [
    "Retry failed builds automatically overnight",
    "Help new hires find a mentor in their first week",
    "Top sellers shown on the office dashboard",
    "Mine customer tickets for feature requests",
    "Status page for our internal tools",
    "History of decisions kept in the wiki",
    "Mute notifications during focus time",
    "Unmute the lobby speakers for announcements",
    "Experiment with four-day weeks in summer",
    "experiment 2 weeks without meetings on Fridays",
    "HELP desk chat for the warehouse",
    "top 10 reasons customers churn, on one page",
    "mute 12 channels nobody reads",
    "history 101 sessions for new engineers",
    "Theme parks discount for employees",
    "Themes for the company wiki",
    "Challenge coins for on-call heroes",
    "challenges of remote onboarding, written down",
]


@pytest.mark.parametrize("sentence", SENTENCES)
def test_a_sentence_starting_with_a_subcommand_word_is_an_idea(sentence: str) -> None:
    assert capture.parse_command(sentence) == capture.ParsedCommand(Action.IDEA, text=sentence)


@pytest.mark.parametrize(
    ("typed", "action", "text"),
    [
        ("help", Action.HELP, ""),
        ("Help Awards", Action.HELP, "awards"),
        ("RETRY", Action.RETRY, ""),
        ("top", Action.TOP, ""),
        ("Top ALL", Action.TOP, "all"),
        ("top month", Action.TOP, "month"),
        ("Mine", Action.MINE, ""),
        ("experiment", Action.EXPERIMENT, ""),
        ("Experiment #12", Action.EXPERIMENT, "#12"),
        ("history 12", Action.HISTORY, "12"),
        ("MUTE 7", Action.MUTE, "7"),
        ("unmute #7", Action.UNMUTE, "#7"),
        (
            "status 12 declined Too costly this year",
            Action.STATUS,
            "12 declined Too costly this year",
        ),
        # A mistyped status is still a status command: it gets the usage, not a public post.
        ("Status 12 approvd", Action.STATUS, "12 approvd"),
        # Meant as an idea number, even one no idea has: the subcommand explains.
        ("status ² shipped It is live", Action.STATUS, "² shipped It is live"),
        ("history 0", Action.HISTORY, "0"),
        # Alone, the words that need an idea number say how to use them.
        ("history", Action.HISTORY, ""),
        ("status", Action.STATUS, ""),
        ("", Action.FORM, ""),
        ("themes", Action.THEMES, ""),
        ("theme", Action.THEME, ""),
        ("Theme ADD", Action.THEME, "add"),
        ("theme edit Customer love", Action.THEME, "edit Customer love"),
        ("theme Archive Customer love", Action.THEME, "archive Customer love"),
        ("theme unarchive Speed", Action.THEME, "unarchive Speed"),
        ("Challenge", Action.CHALLENGE, ""),
        ("challenges", Action.CHALLENGES, ""),
    ],
)
def test_a_subcommand_is_the_whole_text_in_its_grammar(
    typed: str, action: Action, text: str
) -> None:
    parsed = capture.parse_command(typed)
    assert (parsed.action, parsed.text) == (action, text)


def test_a_lone_unknown_word_gets_the_help_with_the_word_kept() -> None:
    assert capture.parse_command("  Kanban ") == capture.ParsedCommand(
        Action.HELP, unknown="Kanban"
    )


async def ideas_in(bot: Harness) -> list[Idea]:
    async with bot.db.session() as session:
        return list((await session.execute(select(Idea).order_by(col(Idea.id)))).scalars())


async def test_ideas_starting_with_command_words_are_posted_not_swallowed(bot: Harness) -> None:
    for number, sentence in enumerate(SENTENCES, start=1):
        # A different author each time: one person may share only a few ideas a minute.
        reply = await bot.command(sentence, user=f"U0AUTHOR{number:02d}")
        assert reply.status == 200 and reply.text == "", sentence
        responses = await bot.fake.wait_for_responses(count=number, timeout=20)
        assert f"Your idea #{number} is posted" in responses[-1]["text"], sentence

    assert [idea.text for idea in await ideas_in(bot)] == SENTENCES
    posted = [message["text"] for message in bot.fake.messages(IDEAS_CHANNEL)]
    assert len(posted) == len(SENTENCES)
    assert all(sentence in text for sentence, text in zip(SENTENCES, posted, strict=True))


async def test_subcommands_in_any_case_still_answer_as_subcommands(bot: Harness) -> None:
    mine = await bot.command("MINE")
    assert mine.status == 200
    [listing] = await bot.fake.wait_for_responses(timeout=20)
    assert "You haven't shared an idea yet" in listing["text"]

    awards = await bot.command("Help Awards")
    assert "How the monthly awards are chosen" in awards.json()["text"]

    history = await bot.command("History")
    assert "Use `/idea history 12`" in history.json()["text"]
    assert await ideas_in(bot) == []


async def test_a_lone_word_can_be_posted_as_an_idea_from_the_help(bot: Harness) -> None:
    reply = await bot.command("Kanban", user="U0DANA001")

    body = reply.json()
    assert "I don't know `/idea Kanban`" in body["text"]
    [button] = [
        element
        for block in body["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]
    assert (button["action_id"], button["value"]) == (POST_AS_IDEA_ACTION, "Kanban")
    assert await ideas_in(bot) == []

    # The help is the command's ephemeral answer, and the click comes from it.
    clicked = await bot.interact(
        {
            "type": "block_actions",
            "team": {"id": TEAM_ID},
            "user": {"id": "U0DANA001"},
            "api_app_id": "A0LIGHT01",
            "trigger_id": "trigger-help",
            "response_url": bot.fake.response_url("click"),
            "container": {"type": "message", "message_ts": "1.000001", "is_ephemeral": True},
            "actions": [
                {"type": "button", "action_id": POST_AS_IDEA_ACTION, "value": button["value"]}
            ],
        }
    )

    assert clicked.status == 200
    [answer] = await bot.fake.wait_for_responses(timeout=20)
    assert answer["replace_original"] is True and "Your idea #1 is posted" in answer["text"]
    [idea] = await ideas_in(bot)
    assert (idea.text, idea.author_id) == ("Kanban", "U0DANA001")
    assert len(bot.fake.messages(IDEAS_CHANNEL)) == 1


async def test_a_mistyped_status_command_is_explained_and_nothing_is_posted(lab: Harness) -> None:
    idea = await lab.share_idea("Shared on-call calendar")

    reply = await lab.command(f"status {idea.id} approvd looks great", user=ADMIN)

    assert reply.status == 200
    answer = (await lab.fake.wait_for_responses(count=2, timeout=20))[-1]
    assert "`approvd` is not a status" in answer["text"]
    assert "You typed: `/idea status" in answer["text"]
    assert [i.text for i in await ideas_in(lab)] == ["Shared on-call calendar"]
