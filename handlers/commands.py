"""`/idea` and its subcommands."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.awards import rules as award_rules
from bot.ideas import answer_blocks, publishing, replies
from bot.ideas import forms as idea_forms
from bot.ideas import rules as capture
from bot.platform import claims
from bot.server.runtime import Runtime
from bot.slack import payload
from bot.slack.modals import open_modal
from bot.votes.leaderboard import parse_period
from handlers import statuses
from handlers.actions import open_experiment_form
from storage import votes

log = logging.getLogger(__name__)

COMMAND = "/idea"


def register(app: AsyncApp, runtime: Runtime) -> None:
    async def on_idea_command(
        ack: AsyncAck, command: dict, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await idea_command(runtime, ack=ack, command=command, client=client, respond=respond)

    app.command(COMMAND)(on_idea_command)


async def idea_command(
    runtime: Runtime,
    *,
    ack: AsyncAck,
    command: dict,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    settings = runtime.settings
    parsed = capture.parse_command(command.get("text") or "")
    user_id = command["user_id"]

    if parsed.action is capture.Action.HELP and parsed.text.lower() == "awards":
        await ack(**answer_blocks.private_note(award_rules.RULES_TEXT))
    elif parsed.action is capture.Action.HELP:
        await ack(
            **answer_blocks.help_message(
                ideas_channel=settings.ideas_channel,
                vote_emojis=settings.vote_emojis,
                unknown=parsed.unknown,
            )
        )
    elif parsed.action is capture.Action.FORM:
        await ack()
        await _open_form(client, command, respond)
    elif parsed.action is capture.Action.TOP:
        await _top(ack, respond, runtime, parsed.text)
    elif parsed.action is capture.Action.MINE:
        await ack()
        async with runtime.db.session() as session:
            rows, total = await votes.ideas_of(session=session, author_id=user_id)
        entries = [(i.id or 0, i.text, i.permalink, n, i.status) for i, n in rows]
        await respond(**answer_blocks.my_ideas_message(entries, total=total))
    elif parsed.action is capture.Action.EXPERIMENT:
        await ack()
        idea_id = payload.parse_id(parsed.text)
        if not await open_experiment_form(runtime, client, command, idea_id=idea_id):
            await respond(
                text=":warning: Slack didn't let me open the experiment form just now. "
                "Please try `/idea experiment` again."
            )
    elif parsed.action is capture.Action.STATUS:
        await ack()
        reply = await statuses.status_command(runtime, user_id=user_id, text=parsed.text)
        await respond(**answer_blocks.private_note(reply))
    elif parsed.action is capture.Action.HISTORY:
        await ack(
            **answer_blocks.private_note(await statuses.history_command(runtime, text=parsed.text))
        )
    elif parsed.action in (capture.Action.MUTE, capture.Action.UNMUTE):
        idea_id = payload.parse_id(parsed.text)
        if idea_id is None:
            await ack(text=f"Which idea? Use `/idea {parsed.action.value} 12`.")
            return
        reply = await statuses.mute(
            runtime,
            idea_id=idea_id,
            user_id=user_id,
            muted=parsed.action is capture.Action.MUTE,
        )
        await ack(text=reply)
    elif parsed.action is capture.Action.RETRY:
        await ack(text=":hourglass: Posting your saved ideas again…")
        outcomes = await publishing.post_again(runtime, author_id=user_id)
        await respond(text=replies.retry_summary(outcomes))
    else:
        problem = capture.quick_idea_problem(parsed.text)
        if problem is not None:
            await _hand_back(ack, client, command, respond, problem=problem, text=parsed.text)
            return
        await ack()
        if not await claims.first_delivery(runtime, key=f"command:{payload.trigger_id(command)}"):
            await respond(text=claims.ALREADY_HANDLED)
            return
        await respond(
            **await replies.share(runtime, author_id=user_id, draft=capture.IdeaDraft(parsed.text))
        )


async def _top(ack: AsyncAck, respond: AsyncRespond, runtime: Runtime, text: str) -> None:
    await ack()
    period = parse_period(text, now=datetime.now(UTC), tz=runtime.settings.tz)
    async with runtime.db.session() as session:
        rows = await votes.leaderboard(session=session, since=period.since)
    entries = [(idea.id or 0, idea.text, idea.permalink, count) for idea, count in rows]
    other = "all" if period.name == "month" else "month"
    await respond(
        **answer_blocks.leaderboard_message(entries, label=period.label, other_period=other)
    )


async def _hand_back(
    ack: AsyncAck,
    client: AsyncWebClient,
    command: dict,
    respond: AsyncRespond,
    *,
    problem: str,
    text: str,
) -> None:
    """Too long for a quick idea: give the text back, and offer the form with it inside."""
    fits_form = len(text) <= capture.DETAILS_LIMIT
    next_step = (
        "I've opened the form with your text in it: add a one-line summary there."
        if fits_form
        else "Shorten it and send it again, or type `/idea` alone for the form."
    )
    await ack(**answer_blocks.handed_back(problem=problem, text=text, next_step=next_step))
    if fits_form:
        form = idea_forms.idea_form(
            capture.IdeaDraft(text="", details=text),
            notice=f":pencil2: {problem} Your text is in the details below: "
            "add a one-line summary and the problem it solves.",
        )
        await _open_form(client, command, respond, form=form)


async def _open_form(
    client: AsyncWebClient, command: dict, respond: AsyncRespond, *, form: View | None = None
) -> None:
    if not await open_modal(client, payload.trigger_id(command), form or idea_forms.idea_form()):
        await respond(
            text=":warning: Slack didn't let me open the idea form just now. Try `/idea` again, "
            "or share your idea in one go with `/idea &lt;your idea&gt;`."
        )
