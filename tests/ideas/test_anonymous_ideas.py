"""Anonymous ideas (ANONYMOUS_IDEAS=allow) through the real endpoint: the form, the post, and
a walk over every Slack surface an idea reaches, none of which may name its author except in
what is the author's alone."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from bot.awards import service as awards
from bot.core.settings import SettingsError, load_settings
from bot.experiments import forms as experiment_forms
from bot.ideas.blocks import START_EXPERIMENT_ACTION
from bot.offers import notes
from bot.offers.blocks import THANK_ACTION
from storage import anonymous
from storage import offers as offer_store
from storage.anonymous_models import AnonymousAuthor
from storage.models import Idea, VoteReaction
from storage.vocabulary import ANONYMOUS_AUTHOR
from tests.experiments.test_experiments import experiment_fields
from tests.harness import ADMIN, IDEAS_CHANNEL, Harness, eventually

AUTHOR = "U0ANON0001"
VOTERS = ("U0VOTER01", "U0VOTER02")
HELPER = "U0HELPER1"
STARTER = "U0STARTER"
AWARDS = "C0AWARDS01"
# The idea's votes and its creation are moved into October, so November's awards weigh it.
MID_OCTOBER = datetime(2026, 10, 15, 12, 0, tzinfo=UTC)
OCTOBER_ANNOUNCED = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
# Slack's surfaces: what people see. Look-ups (users.info, conversations.history…) are not.
SURFACES = (
    "chat.postMessage",
    "chat.update",
    "chat.postEphemeral",
    "views.open",
    "views.push",
    "views.update",
    "views.publish",
    "conversations.open",
    "files.completeUploadExternal",
)
TICKED = {
    "type": "checkboxes",
    "selected_options": [
        {"value": "anonymous", "text": {"type": "plain_text", "text": "Share anonymously"}}
    ],
}


def idea_fields(summary: str, *, anonymous: bool = True) -> dict[str, dict]:
    fields: dict[str, dict] = {
        "summary": {"type": "plain_text_input", "value": summary},
        "problem": {"type": "plain_text_input", "value": "Night shifts never hear the news"},
    }
    if anonymous:
        fields["anonymous"] = TICKED
    return fields


async def share_anonymously(lab: Harness, summary: str, *, user: str = AUTHOR) -> Idea:
    reply = await lab.submit_view("idea_form", idea_fields(summary), user=user)
    assert reply.status == 200 and "errors" not in reply.text, reply.text

    async def posted() -> Idea | None:
        async with lab.db.session() as session:
            idea = (
                await session.execute(select(Idea).where(col(Idea.text) == summary))
            ).scalar_one_or_none()
        return idea if idea is not None and idea.permalink else None

    return await eventually(posted, failure=f"idea {summary!r} was never posted")


async def ask(lab: Harness, text: str, *, user: str) -> tuple[str, str]:
    """`/idea <text>` as `user`; the answer (the ack's body or what went to the response URL)
    and the response URL, so that a test knows whose answers are whose."""
    url = lab.fake.response_url("cmd")
    reply = await lab.command(text, user=user, response_url=url)
    assert reply.status == 200, reply.text
    if reply.text.strip():
        return reply.text, url
    answers = await eventually(
        lambda: lab.fake.responses_to(url), failure=f"/idea {text} was never answered"
    )
    return json.dumps(answers), url


async def open_home(lab: Harness, user: str) -> dict:
    published = len(lab.fake.calls_to("views.publish"))
    reply = await lab.event(
        {
            "type": "app_home_opened",
            "user": user,
            "channel": "D" + user[1:],
            "tab": "home",
            "event_ts": lab.next_event_ts(),
        }
    )
    assert reply.status == 200
    calls = await eventually(
        lambda: [
            c
            for c in lab.fake.calls_to("views.publish")[published:]
            if c.args.get("user_id") == user
        ],
        failure=f"{user}'s Home was never published",
    )
    return calls[-1].args


def to_author(method: str, args: dict) -> bool:
    """Whether a call reaches the author alone: a DM to them, or their own Home tab."""
    if method == "views.publish":
        return args.get("user_id") == AUTHOR
    if method in ("chat.postMessage", "chat.postEphemeral", "chat.update"):
        channel = str(args.get("channel") or "")
        return channel in (AUTHOR, "D" + AUTHOR[1:]) or args.get("user") == AUTHOR
    if method == "conversations.open":
        return str(args.get("users") or "") == AUTHOR
    return False


def names_the_author(value: object) -> bool:
    # The fake names each person `person-<id in lower case>`: one look finds both.
    return AUTHOR.lower() in json.dumps(value).lower()


@pytest.mark.settings(ANONYMOUS_IDEAS="allow", AWARDS_CHANNEL=AWARDS)
async def test_no_surface_names_the_author_of_an_anonymous_idea(lab: Harness) -> None:
    lab.fake.add_user(AUTHOR, name=f"person-{AUTHOR.lower()}", title="Secret Projects")
    lab.add_people(*VOTERS, HELPER, ADMIN, STARTER, "U0OWNER01")
    idea = await share_anonymously(lab, "Pin the night-shift news in the break room")
    assert idea.author_id == ANONYMOUS_AUTHOR and idea.author_department is None
    async with lab.db.session() as session:
        assert await anonymous.author_of(session=session, idea=idea) == AUTHOR
    post = lab.fake.message(IDEAS_CHANNEL, idea.message_ts or "")
    assert "shared by an anonymous colleague" in json.dumps(post)

    judged = sum(lab.runtime.votes.verdicts.values())
    for voter in VOTERS:
        await lab.react(idea, voter)
    await lab.wait_judged(judged + 2)
    await lab.runtime.votes.drain()
    assert await lab.votes_on(idea) == 2
    await lab.runtime.posts.drain()

    # A status change: the author hears of it privately, as the idea's author.
    await ask(lab, f"status {idea.id} under review Looking into it", user=ADMIN)
    await lab.runtime.notices.drain()
    status_dms = await eventually(
        lambda: [
            c.args
            for c in lab.fake.calls_to("chat.postMessage")
            if c.args["channel"] == AUTHOR and "Under review" in json.dumps(c.args)
        ],
        failure="the author never heard of the status change",
    )
    assert "you shared" in json.dumps(status_dms[0])

    # An offer of help: the author hears who offered; their thanks name nobody.
    async with lab.db.session() as session:
        await offer_store.offer(
            session=session,
            idea_id=idea.id or 0,
            helper_id=HELPER,
            kinds=["skills"],
            what="I ran the night shift for years",
            now=datetime.now(UTC),
        )
    assert await notes.tell_author(lab.runtime, idea.id or 0)
    await lab.click(THANK_ACTION, f"{idea.id}:{HELPER}", user=AUTHOR, channel="D" + AUTHOR[1:])
    thanks = await eventually(
        lambda: [
            c.args for c in lab.fake.calls_to("chat.postMessage") if c.args["channel"] == HELPER
        ],
        failure="the helper was never thanked",
    )
    assert "The idea's author thanks you" in json.dumps(thanks)

    # Turned into an experiment by someone else.
    await lab.submit_view(
        experiment_forms.EXPERIMENT_FORM, experiment_fields(idea=str(idea.id)), user=STARTER
    )
    await lab.experiment_posted()

    # The idea of October wins the award: the post names nobody, the author gets the DM.
    async with lab.db.session() as session:
        await session.execute(
            sa.update(Idea).where(col(Idea.id) == idea.id).values(created_at=MID_OCTOBER)
        )
        await session.execute(
            sa.update(VoteReaction)
            .where(col(VoteReaction.idea_id) == idea.id)
            .values(updated_at=MID_OCTOBER + timedelta(hours=1))
        )
    await awards.run(lab.runtime, now=OCTOBER_ANNOUNCED)
    announcement = json.dumps(lab.fake.messages(AWARDS))
    assert "An anonymous colleague" in announcement
    congratulated = [
        c.args
        for c in lab.fake.calls_to("chat.postMessage")
        if c.args["channel"] == AUTHOR and "Congratulations" in json.dumps(c.args)
    ]
    assert congratulated

    # Everything anyone else can ask for.
    own_answers: set[str] = set()
    for user in (VOTERS[0], ADMIN):
        for text in ("top", "top all", "mine", f"history {idea.id}", "search night-shift", "stats"):
            await ask(lab, text, user=user)
        await open_home(lab, user)
    mine, url = await ask(lab, "mine", user=AUTHOR)
    own_answers.add(url)
    assert "Pin the night-shift news" in mine and "shared anonymously" in mine
    own_home = json.dumps(await open_home(lab, AUTHOR))
    assert "shared anonymously" in own_home
    # Help offered on their anonymous idea is listed on their own Home too.
    assert "Help offered on your ideas" in own_home and HELPER in own_home

    leaks = [
        (call.method, call.args)
        for call in lab.fake.calls
        if call.method in SURFACES
        and names_the_author(call.args)
        and not to_author(call.method, call.args)
    ]
    leaks += [
        ("response_url", body)
        for body in lab.fake.responses
        if names_the_author(body) and body.get("_url") not in own_answers
    ]
    assert not leaks, leaks
    # The placeholder is never mentioned or written to as if it were a person.
    assert not [c for c in lab.fake.calls if f"<@{ANONYMOUS_AUTHOR}>" in json.dumps(c.args)]
    assert not [
        c for c in lab.fake.calls_to("chat.postMessage") if c.args["channel"] == ANONYMOUS_AUTHOR
    ]


@pytest.mark.settings(ANONYMOUS_IDEAS="allow")
async def test_the_authors_own_vote_counts_so_that_reacting_gives_nothing_away(
    lab: Harness,
) -> None:
    lab.add_people(AUTHOR, VOTERS[0])
    idea = await share_anonymously(lab, "Quiet hours on Thursday")
    judged = sum(lab.runtime.votes.verdicts.values())
    for voter in (VOTERS[0], AUTHOR):
        await lab.react(idea, voter)
    await lab.wait_judged(judged + 2)
    await lab.runtime.votes.drain()
    # A reaction that did not count would point at the author.
    assert await lab.votes_on(idea) == 2


@pytest.mark.settings(ANONYMOUS_IDEAS="allow")
async def test_idea_retry_posts_the_authors_anonymous_ideas_too(lab: Harness) -> None:
    lab.add_people(AUTHOR)
    lab.fake.fail_next("chat.postMessage", error="not_in_channel")
    reply = await lab.submit_view("idea_form", idea_fields("Night shift news digest"), user=AUTHOR)
    assert reply.status == 200 and "errors" not in reply.text, reply.text
    await lab.fake.wait_for("chat.postMessage", count=2)  # the refused post, the author's DM
    assert not lab.fake.messages(IDEAS_CHANNEL)

    _, url = await ask(lab, "retry", user=AUTHOR)

    (answer,) = await eventually(lambda: lab.fake.responses_to(url))
    assert "Your idea #1 is posted" in answer["text"]
    (post,) = lab.fake.messages(IDEAS_CHANNEL)
    assert "Night shift news digest" in json.dumps(post["blocks"])
    assert not names_the_author(post)


@pytest.mark.settings(ANONYMOUS_IDEAS="allow")
async def test_its_author_starting_an_experiment_is_told_the_owner_is_named(
    lab: Harness,
) -> None:
    lab.add_people(AUTHOR, STARTER)
    idea = await share_anonymously(lab, "Late shift lunch")

    hints: dict[str, str] = {}
    for person in (AUTHOR, STARTER):
        await lab.click(START_EXPERIMENT_ACTION, str(idea.id), user=person)
        opened = await lab.fake.wait_for("views.open", count=len(hints) + 1)
        view = opened[-1].args["view"]
        (owner,) = [b for b in view["blocks"] if b.get("block_id") == "owner"]
        hints[person] = owner["hint"]["text"]

    assert hints[AUTHOR] == experiment_forms.ANONYMOUS_OWNER_HINT
    assert hints[STARTER] == experiment_forms.OWNER_HINT


@pytest.mark.settings(ANONYMOUS_IDEAS="allow")
async def test_the_form_offers_anonymity_and_help_says_where_the_author_is_kept(
    lab: Harness,
) -> None:
    lab.add_people(AUTHOR)
    await lab.command("", user=AUTHOR, trigger_id="trigger-form")
    opened = await lab.fake.wait_for("views.open")
    assert '"block_id": "anonymous"' in json.dumps(opened[-1].args)
    help_text, _ = await ask(lab, "help", user=AUTHOR)
    assert "the database operator is the only one who can see who it is" in help_text
    assert "never anonymous" in help_text


async def test_anonymity_is_off_by_default_and_a_ticked_box_is_handed_back(lab: Harness) -> None:
    lab.add_people(AUTHOR)
    await lab.command("", user=AUTHOR, trigger_id="trigger-form")
    opened = await lab.fake.wait_for("views.open")
    assert '"block_id": "anonymous"' not in json.dumps(opened[-1].args)
    help_text, _ = await ask(lab, "help", user=AUTHOR)
    assert "anonymous" not in help_text.lower()
    # A form opened while it was allowed: handed back, never posted with the author's name.
    reply = await lab.submit_view("idea_form", idea_fields("A quiet room"), user=AUTHOR)
    assert reply.json()["errors"]["anonymous"].startswith("Anonymous ideas are not allowed")
    async with lab.db.session() as session:
        assert (await session.execute(select(Idea))).first() is None


@pytest.mark.settings(ANONYMOUS_IDEAS="allow")
async def test_a_named_idea_stays_named_and_keeps_no_author_apart(lab: Harness) -> None:
    lab.add_people(AUTHOR)
    await lab.submit_view("idea_form", idea_fields("Named idea", anonymous=False), user=AUTHOR)

    async def stored() -> Idea | None:
        async with lab.db.session() as session:
            return (await session.execute(select(Idea))).scalar_one_or_none()

    idea = await eventually(stored, failure="the idea was never stored")
    assert idea.author_id == AUTHOR
    async with lab.db.session() as session:
        assert (await session.execute(select(AnonymousAuthor))).first() is None


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("ANONYMOUS_IDEAS", "yes", "must be off or allow"),
        ("ANONYMOUS_IDEAS", "on", "must be off or allow"),
        ("SHOW_VOTER_NAMES", "no", "must be true or false"),
    ],
)
def test_settings_name_what_they_accept(name: str, value: str, words: str) -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-123-456-abc", "IDEAS_CHANNEL": "C0IDEAS01", name: value}
    with pytest.raises(SettingsError, match=words) as error:
        load_settings(env)
    assert name in str(error.value) and "\n" not in str(error.value)


def test_settings_defaults_and_values() -> None:
    base = {"SLACK_BOT_TOKEN": "xoxb-123-456-abc", "IDEAS_CHANNEL": "C0IDEAS01"}
    default = load_settings(base)
    assert default.anonymous_ideas is False and default.show_voter_names is True
    chosen = load_settings(base | {"ANONYMOUS_IDEAS": "Allow", "SHOW_VOTER_NAMES": "FALSE"})
    assert chosen.anonymous_ideas is True and chosen.show_voter_names is False
