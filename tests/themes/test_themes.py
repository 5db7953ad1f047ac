"""Themes through the real HTTP endpoint: admins add, edit, archive and list them; an idea's
author picks one from its post's ⋯ menu; a theme's owner decides on its ideas, hears weekly
(once) about what waits, and sees overdue ideas on the Home tab."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import col, select

from bot.foundation import retried_posts
from bot.ideas.blocks import CHANGE_STATUS_ACTION, IDEA_MENU_ACTION
from bot.slack.users import SlackUser
from bot.statuses import blocks as status_blocks
from bot.themes import forms, reviews
from bot.themes import rules as theme_rules
from storage.models import Idea, Theme
from tests.harness import ADMIN, IDEAS_CHANNEL, TEAM_ID, Harness, eventually, start_harness

OWNER, AUTHOR, STRANGER, ROBOT, GONE = (
    "U0OWNER01",
    "U0AUTHOR1",
    "U0STRANG1",
    "U0ROBOT01",
    "U0GONE001",
)
VISION = "Customers who love us stay and tell their friends: ideas here make them happier."


def theme_values(name: str, owner: str | None = OWNER, emoji: str = ":heart:") -> dict:
    return {
        theme_rules.F_NAME: {"type": "plain_text_input", "value": name},
        theme_rules.F_VISION: {"type": "plain_text_input", "value": VISION},
        theme_rules.F_OWNER: {"type": "users_select", "selected_user": owner},
        theme_rules.F_EMOJI: {"type": "plain_text_input", "value": emoji},
    }


def people(lab: Harness) -> None:
    lab.add_people(ADMIN, OWNER, AUTHOR, STRANGER)
    lab.add_people(ROBOT, is_bot=True)
    lab.fake.add_user(GONE, deleted=True)


async def open_theme_form(lab: Harness, text: str = "theme add") -> dict:
    before = len(lab.fake.calls_to("views.open"))
    await lab.command(text, user=ADMIN)
    calls = await lab.fake.wait_for("views.open", count=before + 1)
    return calls[-1].args["view"]


async def add_theme(lab: Harness, name: str = "Customer love", owner: str = OWNER) -> Theme:
    view = await open_theme_form(lab)
    reply = await lab.submit_view(
        forms.THEME_FORM,
        theme_values(name, owner),
        user=ADMIN,
        private_metadata=view["private_metadata"],
    )
    assert reply.status == 200 and not reply.text, reply.text
    return await stored_theme(lab, name)


async def stored_theme(lab: Harness, name: str) -> Theme:
    async with lab.db.session() as session:
        result = await session.execute(select(Theme).where(col(Theme.name) == name))
        return result.scalar_one()


async def stored_idea(lab: Harness, idea_id: int | None) -> Idea:
    async with lab.db.session() as session:
        idea = await session.get(Idea, idea_id, populate_existing=True)
    assert idea is not None
    return idea


def dms_to(lab: Harness, person: str) -> list[dict]:
    dm = "D" + person[1:]
    return [m for m in lab.fake.messages(dm)]


async def answer(lab: Harness, text: str, *, user: str) -> str:
    """What a subcommand answers privately, at once or through its response URL."""
    url = lab.fake.response_url("cmd")
    reply = await lab.command(text, user=user, response_url=url)
    if reply.text:
        return str(reply.json()["text"])
    [response] = await eventually(lambda: lab.fake.responses_to(url))
    return str(response["text"])


async def choose_from_menu(lab: Harness, value: str, *, user: str) -> str:
    """Pick an option in an idea post's ⋯ menu; returns the response URL of the click."""
    url = lab.fake.response_url("click")
    await lab.interact(
        {
            "type": "block_actions",
            "team": {"id": TEAM_ID, "domain": "acme"},
            "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
            "api_app_id": "A0LIGHT01",
            "trigger_id": f"trigger-menu-{time.time()}",
            "response_url": url,
            "container": {"type": "message", "channel_id": IDEAS_CHANNEL},
            "channel": {"id": IDEAS_CHANNEL},
            "actions": [
                {
                    "type": "overflow",
                    "action_id": IDEA_MENU_ACTION,
                    "block_id": "actions",
                    "selected_option": {"value": value, "text": {"type": "plain_text"}},
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
    )
    return url


async def test_an_admin_adds_a_theme_with_the_form(lab: Harness) -> None:
    people(lab)

    view = await open_theme_form(lab)

    assert view["callback_id"] == forms.THEME_FORM
    fields = [block["block_id"] for block in view["blocks"]]
    assert fields == [
        theme_rules.F_NAME,
        theme_rules.F_VISION,
        theme_rules.F_OWNER,
        theme_rules.F_EMOJI,
    ]
    reply = await lab.submit_view(
        forms.THEME_FORM,
        theme_values("  Customer   love ", emoji=":Rocket:"),
        user=ADMIN,
        private_metadata=view["private_metadata"],
    )
    assert reply.status == 200 and not reply.text
    theme = await stored_theme(lab, "Customer love")
    assert (theme.vision, theme.owner_id, theme.emoji, theme.created_by) == (
        VISION,
        OWNER,
        "rocket",
        ADMIN,
    )
    assert theme.archived_at is None
    [confirmation] = await eventually(lambda: dms_to(lab, ADMIN))
    assert "Theme :rocket: *Customer love* is added" in confirmation["text"]
    [told] = await eventually(lambda: dms_to(lab, OWNER))
    assert "made you the owner of the theme :rocket: *Customer love*" in told["text"]


async def test_only_admins_manage_themes(lab: Harness) -> None:
    people(lab)

    refused = await answer(lab, "theme add", user=STRANGER)
    archive = await answer(lab, "theme archive Anything", user=STRANGER)

    assert "Only Lightbulb admins add and change themes" in refused
    assert "Only Lightbulb admins add and change themes" in archive
    assert lab.fake.calls_to("views.open") == []
    forged = await lab.submit_view(forms.THEME_FORM, theme_values("Sneaky"), user=STRANGER)
    assert "Only Lightbulb admins" in forged.json()["errors"][theme_rules.F_NAME]
    async with lab.db.session() as session:
        assert (await session.execute(select(Theme))).first() is None


async def test_a_taken_name_a_bot_a_departed_owner_and_a_bad_emoji_are_refused_inline(
    lab: Harness,
) -> None:
    people(lab)
    await add_theme(lab, "Customer love")

    taken = await lab.submit_view(forms.THEME_FORM, theme_values("CUSTOMER LOVE"), user=ADMIN)
    robot = await lab.submit_view(forms.THEME_FORM, theme_values("Speed", ROBOT), user=ADMIN)
    gone = await lab.submit_view(forms.THEME_FORM, theme_values("Speed", GONE), user=ADMIN)
    emoji = await lab.submit_view(
        forms.THEME_FORM, theme_values("Speed", emoji="not an emoji!"), user=ADMIN
    )
    empty = await lab.submit_view(
        forms.THEME_FORM,
        {**theme_values("Speed"), theme_rules.F_VISION: {"type": "plain_text_input", "value": ""}},
        user=ADMIN,
    )

    assert "already a theme called that" in taken.json()["errors"][theme_rules.F_NAME]
    assert "A bot can't review ideas" in robot.json()["errors"][theme_rules.F_OWNER]
    assert "deactivated" in gone.json()["errors"][theme_rules.F_OWNER]
    assert "one emoji name" in emoji.json()["errors"][theme_rules.F_EMOJI]
    assert "company's vision" in empty.json()["errors"][theme_rules.F_VISION]
    async with lab.db.session() as session:
        names = (await session.execute(select(Theme.name))).scalars().all()
    assert names == ["Customer love"]


async def test_edit_opens_the_form_prefilled_and_saves_the_change(lab: Harness) -> None:
    people(lab)
    theme = await add_theme(lab, "Customer love")

    unknown = await answer(lab, "theme edit Speed", user=ADMIN)
    view = await open_theme_form(lab, "theme edit customer LOVE")

    assert "There is no theme called “Speed”" in unknown and "`Customer love`" in unknown
    values = {block["block_id"]: block["element"] for block in view["blocks"]}
    assert values[theme_rules.F_NAME]["initial_value"] == "Customer love"
    assert values[theme_rules.F_VISION]["initial_value"] == VISION
    assert values[theme_rules.F_OWNER]["initial_user"] == OWNER
    assert values[theme_rules.F_EMOJI]["initial_value"] == ":heart:"
    reply = await lab.submit_view(
        forms.THEME_FORM,
        theme_values("Customer delight", AUTHOR, emoji="star"),
        user=ADMIN,
        private_metadata=view["private_metadata"],
    )
    assert reply.status == 200 and not reply.text
    edited = await stored_theme(lab, "Customer delight")
    assert (edited.id, edited.owner_id, edited.emoji) == (theme.id, AUTHOR, "star")


async def test_archive_keeps_the_theme_on_its_ideas_and_unarchive_brings_it_back(
    lab: Harness,
) -> None:
    people(lab)
    theme = await add_theme(lab, "Customer love")
    idea = await lab.share_idea("Free fruit on Fridays", author=AUTHOR)
    url = await choose_from_menu(lab, f"pick_theme:{idea.id}", user=AUTHOR)
    [_, opened] = await lab.fake.wait_for("views.open", count=2)
    await lab.submit_view(
        forms.PICK_THEME_FORM,
        {forms.F_PICKED: {"type": "static_select", "selected_option": {"value": str(theme.id)}}},
        user=AUTHOR,
        private_metadata=opened.args["view"]["private_metadata"],
    )
    assert lab.fake.responses_to(url) == []

    archived = await answer(lab, "theme archive customer love", user=ADMIN)
    listed = await answer(lab, "themes", user=STRANGER)
    again = await answer(lab, "theme archive Customer love", user=ADMIN)

    assert "is archived" in archived and "its 1 idea keep it" in archived
    assert "_Archived_ (their ideas keep them): :heart: Customer love (1 idea)" in listed
    assert "archived already" in again
    assert (await stored_idea(lab, idea.id)).theme_id == theme.id

    def post_says_archived() -> bool:
        assert idea.message_ts is not None
        post = json.dumps(lab.fake.message(IDEAS_CHANNEL, idea.message_ts)["blocks"])
        return "Customer love*" in post and "(archived)" in post

    await eventually(post_says_archived)
    back = await answer(lab, "theme unarchive Customer love", user=ADMIN)
    assert "back in the pickers, with its 1 idea" in back
    assert (await stored_theme(lab, "Customer love")).archived_at is None


async def test_themes_lists_each_with_owner_vision_and_ideas(lab: Harness) -> None:
    people(lab)
    empty = await answer(lab, "themes", user=STRANGER)
    await add_theme(lab, "Customer love")
    await add_theme(lab, "Speed <!channel>", owner=AUTHOR)

    listed = await answer(lab, "themes", user=STRANGER)
    usage = await answer(lab, "theme", user=STRANGER)

    assert "There are no themes yet" in empty
    assert "*Themes* (2)" in listed
    assert f":heart: *Customer love* · owner <@{OWNER}> · 0 ideas" in listed
    assert "Speed &lt;!channel&gt;" in listed and "<!channel>" not in listed
    assert VISION in listed
    assert "`/idea theme edit &lt;name&gt;`" in usage


async def test_the_author_picks_a_theme_from_the_menu_and_a_stranger_may_not(
    lab: Harness,
) -> None:
    people(lab)
    theme = await add_theme(lab, "Customer love")
    idea = await lab.share_idea("Free fruit on Fridays", author=AUTHOR)

    refused_url = await choose_from_menu(lab, f"pick_theme:{idea.id}", user=STRANGER)
    [refusal] = await eventually(lambda: lab.fake.responses_to(refused_url))
    assert "Only the idea's author and Lightbulb admins pick its theme" in refusal["text"]
    assert refusal["response_type"] == "ephemeral"
    assert len(lab.fake.calls_to("views.open")) == 1  # the theme form only

    await choose_from_menu(lab, f"pick_theme:{idea.id}", user=AUTHOR)
    [_, opened] = await lab.fake.wait_for("views.open", count=2)
    view = opened.args["view"]
    assert view["callback_id"] == forms.PICK_THEME_FORM
    options = [o["value"] for o in view["blocks"][1]["element"]["options"]]
    assert options == [forms.NO_THEME, str(theme.id)]
    forged = await lab.submit_view(
        forms.PICK_THEME_FORM,
        {forms.F_PICKED: {"type": "static_select", "selected_option": {"value": str(theme.id)}}},
        user=STRANGER,
        private_metadata=view["private_metadata"],
    )
    assert "Only the idea's author" in forged.json()["errors"][forms.F_PICKED]
    assert (await stored_idea(lab, idea.id)).theme_id is None

    picked = await lab.submit_view(
        forms.PICK_THEME_FORM,
        {forms.F_PICKED: {"type": "static_select", "selected_option": {"value": str(theme.id)}}},
        user=AUTHOR,
        private_metadata=view["private_metadata"],
    )

    assert picked.status == 200 and not picked.text
    assert (await stored_idea(lab, idea.id)).theme_id == theme.id

    def redrawn() -> bool:
        return any(
            "Theme: *Customer love*" in json.dumps(call.args.get("blocks"))
            for call in lab.fake.calls_to("chat.update")
        )

    await eventually(redrawn, failure="the idea's post never showed its theme")


def status_values(status: str, reason: str = "") -> dict[str, dict]:
    return {
        "status": {"type": "static_select", "selected_option": {"value": status}},
        "reason": {"type": "plain_text_input", "value": reason},
        "owner": {"type": "users_select", "selected_user": None},
    }


async def themed_idea(lab: Harness, theme: Theme, text: str, *, days_ago: int = 0) -> Idea:
    idea = await lab.share_idea(text, author=AUTHOR)
    async with lab.db.session() as session:
        await session.execute(
            sa.update(Idea)
            .where(col(Idea.id) == idea.id)
            .values(theme_id=theme.id, created_at=datetime.now(UTC) - timedelta(days=days_ago))
        )
    return await stored_idea(lab, idea.id)


async def test_a_theme_owner_changes_the_status_of_ideas_in_their_theme(lab: Harness) -> None:
    people(lab)
    mine = await add_theme(lab, "Customer love", owner=OWNER)
    theirs = await add_theme(lab, "Speed", owner=AUTHOR)
    idea = await themed_idea(lab, mine, "Free fruit on Fridays")
    other = await themed_idea(lab, theirs, "Faster builds")
    opened_before = len(lab.fake.calls_to("views.open"))

    await lab.click(CHANGE_STATUS_ACTION, str(other.id), user=OWNER)
    # Waited for by its words, not its place: a reply from setting up may still be arriving.
    await lab.fake.wait_until(
        lambda: any(
            "Only Lightbulb admins, and the owner of the idea's theme" in r.get("text", "")
            for r in lab.fake.responses
        ),
        what="the refusal",
    )

    await lab.click(CHANGE_STATUS_ACTION, str(idea.id), user=OWNER)
    calls = await lab.fake.wait_for("views.open", count=opened_before + 1)
    view = calls[-1].args["view"]
    assert view["callback_id"] == status_blocks.STATUS_FORM
    reply = await lab.submit_view(
        status_blocks.STATUS_FORM,
        status_values("under review"),
        user=OWNER,
        private_metadata=view["private_metadata"],
    )
    assert reply.status == 200 and not reply.text

    # The form is acknowledged before the change is stored: wait for the row.
    async def reviewed() -> bool:
        return (await stored_idea(lab, idea.id)).status == "under review"

    await eventually(reviewed, failure="the theme owner's status change was never stored")

    typed = await answer(lab, f"status {idea.id} shipped Done at last", user=OWNER)
    refused = await answer(lab, f"status {other.id} shipped Done", user=OWNER)
    assert "is now 🚀 Shipped" in typed
    assert "Only Lightbulb admins, and the owner" in refused
    assert (await stored_idea(lab, other.id)).status == "new"


async def test_the_weekly_review_dm_goes_once_per_owner_per_week(
    lab: Harness, migrated_url: str
) -> None:
    people(lab)
    theme = await add_theme(lab, "Customer love", owner=OWNER)
    quiet = await add_theme(lab, "Quiet", owner=AUTHOR)
    old = await themed_idea(lab, theme, "Free fruit on Fridays", days_ago=17)
    fresh = await themed_idea(lab, theme, "Standing desks", days_ago=2)
    decided = await themed_idea(lab, theme, "Nap pods", days_ago=30)
    async with lab.db.session() as session:
        await session.execute(
            sa.update(Idea).where(col(Idea.id) == decided.id).values(status="declined")
        )
    assert quiet.id
    now = datetime.now(UTC)

    first = await reviews.run(lab.runtime, now=now)
    second = await reviews.run(lab.runtime, now=now + timedelta(hours=1))

    assert [d.outcome for d in first.deliveries] == ["posted"]
    assert [d.outcome for d in second.deliveries] == ["already posted"]
    assert first.nothing_waiting == 1  # the quiet theme's owner hears nothing
    [dm] = [m for m in dms_to(lab, OWNER) if "waiting for your first decision" in m["text"]]
    assert dm["text"] == "2 ideas waiting for your first decision (1 overdue)"
    text = json.dumps(dm["blocks"], ensure_ascii=False)
    assert ":alarm_clock: overdue (3 days)" in text and "12 days left" in text
    assert text.index("Free fruit") < text.index("Standing desks")
    assert "Nap pods" not in text
    buttons = [
        block["accessory"]["value"]
        for block in dm["blocks"]
        if block.get("accessory", {}).get("action_id") == CHANGE_STATUS_ACTION
    ]
    assert buttons == [str(old.id), str(fresh.id)]
    assert not [m for m in dms_to(lab, AUTHOR) if "waiting for your first decision" in m["text"]]

    # Another process, after a restart, the same week: still one DM.
    other, close = await start_harness(migrated_url, slack=lab.fake, ADMIN_USER_IDS=ADMIN)
    try:
        restarted = await reviews.run(other.runtime, now=now + timedelta(hours=2))
    finally:
        await close(keep_slack=True)
    assert [d.outcome for d in restarted.deliveries] == ["already posted"]
    assert (
        len([m for m in dms_to(lab, OWNER) if "waiting for your first decision" in m["text"]]) == 1
    )


async def test_a_departed_owner_gets_no_dm(lab: Harness) -> None:
    people(lab)
    theme = await add_theme(lab, "Customer love", owner=OWNER)
    await themed_idea(lab, theme, "Free fruit on Fridays", days_ago=20)
    # The owner leaves after the theme was set up (and Lightbulb learns of it).
    lab.fake.add_user(OWNER, deleted=True)
    lab.runtime.users.remember(
        SlackUser(id=OWNER, name="gone", is_bot=False, deleted=True, tz=None, title="")
    )

    report = await reviews.run(lab.runtime, now=datetime.now(UTC))

    assert report.deliveries == [] and report.owners_gone == [OWNER]
    assert "Themes need a new owner" in report.summary()
    assert not [m for m in dms_to(lab, OWNER) if "waiting for your first decision" in m["text"]]


async def test_overdue_ideas_are_marked_on_the_home_review_queue(lab: Harness) -> None:
    people(lab)
    theme = await add_theme(lab, "Customer love", owner=OWNER)
    await themed_idea(lab, theme, "Free fruit on Fridays", days_ago=15)
    await themed_idea(lab, theme, "Standing desks", days_ago=3)

    for person in (ADMIN, OWNER):
        await lab.event(
            {
                "type": "app_home_opened",
                "user": person,
                "channel": "D" + person[1:],
                "tab": "home",
                "event_ts": f"{time.time():.6f}",
            }
        )

    def home_of(person: str) -> str | None:
        views = [c.args for c in lab.fake.calls_to("views.publish") if c.args["user_id"] == person]
        return json.dumps(views[-1]["view"], ensure_ascii=False) if views else None

    admin_home = await eventually(lambda: home_of(ADMIN))
    owner_home = await eventually(lambda: home_of(OWNER))
    for home in (admin_home, owner_home):
        line = next(part for part in home.split('"text": ') if "Free fruit" in part)
        assert ":alarm_clock: overdue (1 day)" in line
        fresh = next(part for part in home.split('"text": ') if "Standing desks" in part)
        assert "overdue" not in fresh
    assert "The ideas in the themes you own: Customer love." in owner_home


async def test_a_review_dm_slack_refused_is_sent_by_the_next_run_that_week(lab: Harness) -> None:
    people(lab)
    theme = await add_theme(lab, "Customer love", owner=OWNER)
    await themed_idea(lab, theme, "Free fruit on Fridays", days_ago=3)
    now = datetime.now(UTC)
    lab.fake.outage("chat.postMessage", status=503)

    down = await reviews.run(lab.runtime, now=now)
    lab.fake.clear_faults()
    back = await reviews.run(lab.runtime, now=now + timedelta(minutes=10))

    assert [d.outcome for d in down.deliveries] == ["failed"]
    assert "not sent 1" in down.summary()
    assert [d.outcome for d in back.deliveries] in (["posted"], ["recovered"])
    reviews_sent = [m for m in dms_to(lab, OWNER) if "waiting for your first decision" in m["text"]]
    assert len(reviews_sent) == 1


async def test_a_review_dm_slack_refused_is_posted_by_the_one_minute_retry(lab: Harness) -> None:
    people(lab)
    theme = await add_theme(lab, "Customer love", owner=OWNER)
    await themed_idea(lab, theme, "Free fruit on Fridays", days_ago=3)
    lab.fake.outage("chat.postMessage", status=503)
    down = await reviews.run(lab.runtime, now=datetime.now(UTC))
    lab.fake.clear_faults()

    posted = await retried_posts.post_pending(lab.runtime)

    assert [d.outcome for d in down.deliveries] == ["failed"]
    assert posted == 1
    reviews_sent = [m for m in dms_to(lab, OWNER) if "waiting for your first decision" in m["text"]]
    assert len(reviews_sent) == 1


async def test_slack_too_slow_to_say_who_the_owner_is_asks_to_submit_again(lab: Harness) -> None:
    people(lab)
    lab.fake.set_delay("users.info", 3)

    reply = await lab.submit_view(forms.THEME_FORM, theme_values("Speed"), user=ADMIN)

    assert "submit again" in reply.json()["errors"][theme_rules.F_OWNER]
    async with lab.db.session() as session:
        assert (await session.execute(select(Theme.name))).scalars().all() == []
