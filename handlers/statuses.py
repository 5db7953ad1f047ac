"""Idea statuses: the "Change status" button and form, mute buttons, and the `/idea status`,
`history`, `mute` and `unmute` subcommands."""

from __future__ import annotations

import logging
import re

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.home.publisher import HomePublisher
from bot.server.runtime import Runtime
from bot.slack import payload
from bot.slack.blocks import CHANGE_STATUS_ACTION
from bot.slack.modals import open_modal
from bot.slack.text import escape
from bot.statuses import blocks as status_blocks
from bot.statuses import rules
from bot.statuses import service as idea_status
from handlers import answers
from storage import ideas, statuses

log = logging.getLogger(__name__)

NOT_AN_ADMIN = (
    "Only Lightbulb admins change an idea's status, so that every change comes with a "
    "considered reason. If you think this idea should move on, say so in its thread: the "
    "admins read it."
)


def register(app: AsyncApp, runtime: Runtime, home: HomePublisher) -> None:
    async def on_change_status(
        ack: AsyncAck, body: dict, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        await open_status_form(runtime, body, client, respond)

    async def on_mute(
        ack: AsyncAck, body: dict, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        idea_id = payload.parse_id(payload.action_value(body))
        if idea_id is not None:
            text = await mute(runtime, idea_id=idea_id, user_id=payload.user_id(body))
            await answers.tell(body, client, respond, text)

    async def on_submit(ack: AsyncAck, body: dict, view: dict, client: AsyncWebClient) -> None:
        await status_form_submitted(runtime, ack=ack, body=body, view=view, client=client)
        if status_blocks.form_from_home(view):
            home.opened(payload.user_id(body))

    app.action(CHANGE_STATUS_ACTION)(on_change_status)
    app.action(re.compile(rf"^{status_blocks.MUTE_ACTION}_\d+$"))(on_mute)
    app.view(status_blocks.STATUS_FORM)(on_submit)


def is_admin(runtime: Runtime, user_id: str) -> bool:
    return user_id in runtime.settings.admin_user_ids


async def open_status_form(
    runtime: Runtime, body: dict, client: AsyncWebClient, respond: AsyncRespond
) -> None:
    idea_id = payload.parse_id(payload.action_value(body))
    user_id = payload.user_id(body)

    async def tell(text: str) -> None:
        await answers.tell(body, client, respond, text)

    if not is_admin(runtime, user_id):
        await tell(NOT_AN_ADMIN)
        return
    async with runtime.db.session() as session:
        idea = await ideas.get_idea(session=session, idea_id=idea_id) if idea_id else None
    if idea is None:
        await tell("That idea no longer exists.")
        return
    from_home = payload.as_dict(body.get("container")).get("type") == "view"
    form = status_blocks.status_form(idea, from_home=from_home)
    if not await open_modal(client, payload.trigger_id(body), form):
        await tell(
            ":warning: Slack didn't let me open the form just now. Please click again, or "
            f"use `/idea status {idea.id} &lt;status&gt; &lt;reason&gt;`."
        )


async def status_form_submitted(
    runtime: Runtime, *, ack: AsyncAck, body: dict, view: dict, client: AsyncWebClient
) -> None:
    user_id = payload.user_id(body)
    idea_id = status_blocks.form_idea_id(view)
    status, reason, owner = status_blocks.status_form_values(view)
    if not is_admin(runtime, user_id):
        await ack(response_action="errors", errors={status_blocks.F_STATUS: NOT_AN_ADMIN})
        return
    async with runtime.db.session() as session:
        idea = await ideas.get_idea(session=session, idea_id=idea_id) if idea_id else None
    if idea is None:
        await ack(
            response_action="errors",
            errors={status_blocks.F_STATUS: "This idea no longer exists."},
        )
        return
    problem = rules.status_problem(current=idea.status, to=status)
    if problem is not None:
        await ack(response_action="errors", errors={status_blocks.F_STATUS: problem})
        return
    problem = rules.reason_problem(to=status, reason=reason)
    if problem is not None:
        await ack(response_action="errors", errors={status_blocks.F_REASON: problem})
        return
    await ack()
    changed = await idea_status.change_status(
        runtime, idea_id=idea.id or 0, to=status, reason=reason, changed_by=user_id, owner_id=owner
    )
    if changed.problem is not None:
        await answers.dm(
            client,
            user_id,
            {
                "text": f"Idea #{idea.id} was not changed: {changed.problem} "
                f"Your reason, so you need not type it again:\n>{escape(reason)}"
            },
        )


async def status_command(runtime: Runtime, *, user_id: str, text: str) -> str:
    """`/idea status <id> <status> <reason>`: the reply for the person who typed it."""
    if not is_admin(runtime, user_id):
        return NOT_AN_ADMIN
    parsed = rules.parse_status_command(text)
    if isinstance(parsed, str):
        return f"{parsed}\nYou typed: `/idea status {escape(text)}`"
    changed = await idea_status.change_status(
        runtime,
        idea_id=parsed.idea_id,
        to=parsed.status,
        reason=parsed.reason,
        changed_by=user_id,
    )
    if changed.problem is not None:
        return f"{changed.problem}\nYou typed: `/idea status {escape(text)}`"
    return (
        f":white_check_mark: Idea #{parsed.idea_id} is now "
        f"{status_blocks.badge(parsed.status)}. Its author and voters will hear about it."
    )


async def history_command(runtime: Runtime, *, text: str) -> str:
    idea_id = payload.parse_id(text)
    if idea_id is None:
        return "Which idea? Use `/idea history 12`."
    async with runtime.db.session() as session:
        idea = await ideas.get_idea(session=session, idea_id=idea_id)
        if idea is None:
            return f"There is no idea #{idea_id}."
        changes = await statuses.history(session=session, idea_id=idea_id)
    return status_blocks.history_message(idea, changes)


async def mute(runtime: Runtime, *, idea_id: int, user_id: str, muted: bool = True) -> str:
    async with runtime.db.session() as session:
        if await ideas.get_idea(session=session, idea_id=idea_id) is None:
            return f"There is no idea #{idea_id}."
        if muted:
            await statuses.mute(session=session, idea_id=idea_id, user_id=user_id)
        else:
            await statuses.unmute(session=session, idea_id=idea_id, user_id=user_id)
    if muted:
        return (
            f":no_bell: You won't hear about idea #{idea_id} any more. "
            f"`/idea unmute {idea_id}` to hear about it again."
        )
    return f":bell: You'll hear about idea #{idea_id} again when its status changes."
