"""`/idea search` and `/idea learnings` through the real HTTP endpoint, on SQLite and
PostgreSQL: what a match shows, what each command looks through, the answers when there is
nothing to look for or nothing found, and the pages of a long answer."""

from __future__ import annotations

import json
from datetime import date

from bot.search.blocks import NEXT_ACTION, PREVIOUS_ACTION
from bot.search.rules import NOTHING_TO_SEARCH
from storage import experiments, ideas
from storage.models import Idea
from tests.harness import IDEAS_CHANNEL, Harness, eventually

SEARCHER = "U0SEEKER1"


async def ask(bot: Harness, text: str) -> dict:
    """Run `/idea <text>` and return its private answer."""
    url = bot.fake.response_url("cmd")
    reply = await bot.command(text, user=SEARCHER, response_url=url)
    assert reply.status == 200
    [answer] = await eventually(lambda: bot.fake.responses_to(url))
    return answer


def everything_in(answer: dict) -> str:
    """The answer's text as Slack would show it: every section and context."""
    shown = []
    for block in answer.get("blocks", []):
        if block["type"] == "section":
            shown.append(block["text"]["text"])
        if block["type"] == "context":
            shown += [element["text"] for element in block["elements"]]
    return "\n".join(shown)


def buttons_of(answer: dict) -> dict[str, dict]:
    """The page buttons by action id, with their values read."""
    found = {}
    for block in answer.get("blocks", []):
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            found[element["action_id"]] = json.loads(element["value"])
    return found


def match_lines(answer: dict) -> list[str]:
    return [line for line in everything_in(answer).splitlines() if line.startswith("💡 ")]


async def posted_idea(bot: Harness, text: str, n: int) -> int:
    """An idea already in the ideas channel, written straight to the database (the posting
    itself is tested elsewhere)."""
    async with bot.db.session() as session:
        idea = await ideas.create_idea(session=session, author_id="U0AUTHOR1", text=text)
        assert idea.id is not None
        await ideas.record_post(
            session=session, idea_id=idea.id, channel_id=IDEAS_CHANNEL, message_ts=f"1790.{n:06d}"
        )
        await ideas.record_permalink(
            session=session, idea_id=idea.id, permalink=f"https://acme.slack.com/p{n}"
        )
        return idea.id


async def experiment(
    bot: Harness, hypothesis: str, *, learned: str | None = None, outcome: str = "invalidated"
) -> int:
    """An experiment, concluded with `learned` when given."""
    async with bot.db.session() as session:
        started = await experiments.create_experiment(
            session=session,
            hypothesis=hypothesis,
            metric="signups per week",
            owner_id="U0OWNER01",
            started_by="U0OWNER01",
            ends_on=date(2026, 12, 31),
        )
        assert started.id is not None
        if learned is not None:
            await experiments.conclude(
                session=session,
                experiment_id=started.id,
                outcome=outcome,
                learned=learned,
                next_step="Try it with a smaller group",
                author_id="U0OWNER01",
            )
        return started.id


async def test_search_finds_an_idea_by_another_form_of_its_words(bot: Harness) -> None:
    idea: Idea = await bot.share_idea("Onboarding checklist for new hires")
    await bot.share_idea("Free fruit on Fridays")
    bot.add_people("U0VOTER01")
    await bot.react(idea, "U0VOTER01")
    await bot.wait_judged(1)

    answer = await ask(bot, "search onboarded")

    [line] = match_lines(answer)
    assert f"*#{idea.id}*" in line
    assert f"<{idea.permalink}|Onboarding checklist for new hires>" in line
    assert "· new ·" in line and "*1 vote*" in line
    assert "Fridays" not in everything_in(answer)
    assert buttons_of(answer) == {}, "one page needs no buttons"
    assert "Only you can see this message." in everything_in(answer)


async def test_search_covers_experiments_and_learnings_but_not_unposted_ideas(
    bot: Harness,
) -> None:
    async with bot.db.session() as session:
        await ideas.create_idea(session=session, author_id="U0AUTHOR1", text="Pricing page v2")
    running = await experiment(bot, "A pricing banner lifts trials")
    concluded = await experiment(
        bot, "Annual plans sell", learned="Pricing by seat confused buyers"
    )
    await posted_idea(bot, "Pricing tiers <!here> & <@U0BOSS001>", 7)

    answer = await ask(bot, "search pricing")
    shown = everything_in(answer)

    assert f"🧪 *Experiment #{running}* A pricing banner lifts trials · running" in shown
    assert (
        f"📘 *Learning* Pricing by seat confused buyers · 🔬 Invalidated · experiment #{concluded}"
        in shown
    )
    assert "Pricing page v2" not in shown, "an idea not in Slack yet has no post to show"
    assert "Pricing tiers &lt;!here&gt; &amp; &lt;@U0BOSS001&gt;" in shown
    assert "<!here>" not in json.dumps(answer), "a title pings nobody"


async def test_learnings_finds_only_what_concluded_experiments_learned(bot: Harness) -> None:
    await posted_idea(bot, "Onboarding buddy for every hire", 1)
    await experiment(bot, "An onboarding video halves questions")
    concluded = await experiment(
        bot,
        "A buddy speeds up the first week",
        learned="Buddies made onboarding friendlier, not faster",
        outcome="inconclusive",
    )

    shown = everything_in(await ask(bot, "learnings onboarding"))

    assert "Buddies made onboarding friendlier, not faster · 🤔 Inconclusive" in shown
    assert f"experiment #{concluded}" in shown
    assert "video" not in shown, "a running experiment has nothing learned yet"
    assert "Onboarding buddy for every hire" not in shown, "ideas are not learnings"


async def test_only_small_words_or_markup_hand_the_text_back(bot: Harness) -> None:
    typed = "the <@U0ALICE01> and <!channel> of :tada: it"

    answer = await ask(bot, f"search {typed}")

    shown = everything_in(answer)
    assert NOTHING_TO_SEARCH in shown
    assert "the &lt;@U0ALICE01&gt; and &lt;!channel&gt; of :tada: it" in shown
    assert "<!channel>" not in json.dumps(answer), "what was typed pings nobody"


async def test_search_alone_says_how_and_no_match_suggests_other_words(bot: Harness) -> None:
    await posted_idea(bot, "Standing desks", 1)

    how = everything_in(await ask(bot, "search"))
    nothing = everything_in(await ask(bot, "search quantum teleportation"))
    no_learning = everything_in(await ask(bot, "learnings desks"))

    assert "`/idea search onboarding checklist`" in how
    assert "Nothing matches `quantum teleportation` yet. Try fewer or other words." in nothing
    assert "share it" in nothing
    assert "No learning matches `desks` yet" in no_learning


async def test_twenty_five_matches_come_ten_a_page(bot: Harness) -> None:
    for n in range(1, 26):
        await posted_idea(bot, f"Recycling bins on floor {n}", n)
    await posted_idea(bot, "Standing desks", 99)

    first = await ask(bot, "search the recycling")

    assert len(match_lines(first)) == 10
    assert "(1–10)" in everything_in(first)
    assert set(buttons_of(first)) == {NEXT_ACTION}
    assert buttons_of(first)[NEXT_ACTION] == {
        "words": "recycling",
        "offset": 10,
        "learnings": False,
    }

    seen = {line for line in match_lines(first)}
    page = first
    for number in (2, 3):
        before = len(bot.fake.responses)
        value = json.dumps(buttons_of(page)[NEXT_ACTION])
        reply, _ = await bot.click(NEXT_ACTION, value, user=SEARCHER)
        assert reply.status == 200
        page = (await bot.fake.wait_for_responses(count=before + 1))[-1]
        assert page["replace_original"] is True, "the next page takes the old one's place"
        seen |= set(match_lines(page))
        if number == 2:
            assert len(match_lines(page)) == 10
            assert set(buttons_of(page)) == {PREVIOUS_ACTION, NEXT_ACTION}

    assert len(match_lines(page)) == 5
    assert "(21–25)" in everything_in(page)
    assert set(buttons_of(page)) == {PREVIOUS_ACTION}, "the last page has no Next"
    assert len(seen) == 25, "every match is shown once over the pages"
    assert "Standing desks" not in "\n".join(seen)

    before = len(bot.fake.responses)
    back = json.dumps(buttons_of(page)[PREVIOUS_ACTION])
    await bot.click(PREVIOUS_ACTION, back, user=SEARCHER)
    previous = (await bot.fake.wait_for_responses(count=before + 1))[-1]
    assert "(11–20)" in everything_in(previous)


async def test_a_page_button_not_made_by_lightbulb_is_refused_politely(bot: Harness) -> None:
    before = len(bot.fake.responses)

    await bot.click(NEXT_ACTION, '{"words": "<!channel>", "offset": -5}', user=SEARCHER)

    answer = (await bot.fake.wait_for_responses(count=before + 1))[-1]
    assert "no longer works" in answer["text"]
    assert answer["replace_original"] is False
