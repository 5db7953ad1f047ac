"""The searchable idea menus (`external_select`), through the endpoint: what Slack lists as
someone types a number, words or nothing, and the experiment form submitted with a pick."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import col

from bot.conversations.evidence_blocks import EVIDENCE_IDEA_PICKER
from bot.experiments import forms as experiment_forms
from storage.models import Idea
from storage.vocabulary import IdeaStatus
from tests.experiments.test_experiments import experiment_fields, start_experiment
from tests.harness import Harness

PICKER = experiment_forms.IDEA_PICKER


async def close(lab: Harness, idea: Idea, status: IdeaStatus = IdeaStatus.SHIPPED) -> None:
    async with lab.db.session() as session:
        await session.execute(sa.update(Idea).where(col(Idea.id) == idea.id).values(status=status))


def values(options: list[dict]) -> list[str]:
    return [option["value"] for option in options]


async def test_a_number_puts_that_idea_first(lab: Harness) -> None:
    first = await lab.share_idea("Free fruit on Fridays")
    second = await lab.share_idea("Onboarding buddy for every newcomer")

    for typed in (str(first.id), f"#{first.id}", f" #{first.id} "):
        options = await lab.suggest(PICKER, typed)
        assert options[0]["value"] == str(first.id)
        assert options[0]["text"]["text"] == f"#{first.id} Free fruit on Fridays"
    assert values(await lab.suggest(PICKER, str(second.id)))[0] == str(second.id)
    assert await lab.suggest(PICKER, "#999") == []


async def test_words_find_ideas_as_search_does(lab: Harness) -> None:
    fruit = await lab.share_idea("Free fruit on Fridays")
    buddy = await lab.share_idea("Onboarding buddy for every newcomer")
    checklist = await lab.share_idea("An onboarding checklist in the Home tab")

    found = values(await lab.suggest(PICKER, "onboard"))
    assert sorted(found) == sorted([str(buddy.id), str(checklist.id)])
    assert values(await lab.suggest(PICKER, "FRUITS")) == [str(fruit.id)]
    assert await lab.suggest(PICKER, "nothing like this") == []


async def test_nothing_typed_lists_the_newest_open_ideas(lab: Harness) -> None:
    ideas = [await lab.share_idea(f"Idea number {n} about lunch") for n in range(3)]
    await close(lab, ideas[1])

    newest_first = [str(ideas[2].id), str(ideas[0].id)]
    assert values(await lab.suggest(PICKER, "")) == newest_first
    # Only little words or Slack markup: the same list, not an empty one.
    assert values(await lab.suggest(PICKER, "the <@U0ALICE01>")) == newest_first


async def test_closed_ideas_are_offered_for_evidence_only(lab: Harness) -> None:
    shipped = await lab.share_idea("Quiet hours on Thursdays")
    await close(lab, shipped)

    assert await lab.suggest(PICKER, "quiet") == []
    assert await lab.suggest(PICKER, str(shipped.id)) == []
    [option] = await lab.suggest(EVIDENCE_IDEA_PICKER, "quiet")
    assert option["value"] == str(shipped.id)
    assert option["text"]["text"] == f"#{shipped.id} Quiet hours on Thursdays (shipped)"


async def test_long_summaries_fit_slack_s_option_text(lab: Harness) -> None:
    text = "Weekly demo " + "of everything we shipped, " * 6 + "with cake"
    idea = await lab.share_idea(text)

    [option] = await lab.suggest(PICKER, "demo")
    assert len(option["text"]["text"]) <= 75
    assert option["text"]["text"].startswith(f"#{idea.id} Weekly demo of everything")
    assert option["text"]["text"].endswith("…")


async def test_at_most_twenty_options(lab: Harness) -> None:
    # Stored as posted, as twenty-three `/idea` in a row would meet the per-minute limit.
    async with lab.db.session() as session:
        for n in range(23):
            ts = f"1700000000.{n:06d}"
            session.add(
                Idea(
                    text=f"Standup variant {n}",
                    author_id=f"U0AUTH{n:03d}",
                    channel_id="C0IDEAS01",
                    message_ts=ts,
                    permalink=f"https://acme.slack.com/archives/C0IDEAS01/p{ts}",
                )
            )

    assert len(await lab.suggest(PICKER, "standup")) == 20
    assert len(await lab.suggest(PICKER, "")) == 20


async def test_the_experiment_form_offers_the_idea_menu_prefilled(lab: Harness) -> None:
    idea = await lab.share_idea("Shorter stand-ups")

    await lab.command(f"experiment {idea.id}", trigger_id="trigger-exp")

    [opened] = await lab.fake.wait_for("views.open")
    menu = next(b for b in opened.args["view"]["blocks"] if b.get("block_id") == "idea")
    assert menu["element"]["type"] == "external_select"
    assert menu["element"]["action_id"] == PICKER
    assert menu["element"]["min_query_length"] == 0
    assert menu["element"]["initial_option"]["value"] == str(idea.id)
    assert menu["optional"] is True


async def test_the_experiment_form_starts_on_the_idea_picked(lab: Harness) -> None:
    await lab.share_idea("Free fruit on Fridays")
    idea = await lab.share_idea("Shorter stand-ups")
    [option] = await lab.suggest(PICKER, "stand-ups")

    experiment = await start_experiment(lab, idea)

    assert option["value"] == str(idea.id)
    assert experiment.idea_id == idea.id


async def test_an_experiment_without_an_idea_still_starts(lab: Harness) -> None:
    experiment = await start_experiment(lab)
    assert experiment.idea_id is None


async def test_a_picked_idea_that_is_gone_is_an_inline_error(lab: Harness) -> None:
    reply = await lab.submit_view(experiment_forms.EXPERIMENT_FORM, experiment_fields(idea="41"))

    assert reply.json() == {
        "response_action": "errors",
        "errors": {"idea": "There is no idea #41. Leave it empty, or fix it."},
    }
