"""Idea statuses: the "Change status" button and form, mute buttons, and the `/idea status`,
`history`, `mute` and `unmute` subcommands."""

from __future__ import annotations

import logging
import re

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.core import typed
from bot.foundation.context import Context
from bot.home.publisher import HomePublisher
from bot.ideas.blocks import CHANGE_STATUS_ACTION
from bot.slack import answers, payload
from bot.slack.modals import open_modal
from bot.slack.text import escape
from bot.statuses import blocks as status_blocks
from bot.statuses import commands, rules
from bot.statuses import service as idea_status
from bot.statuses.commands import NOT_AN_ADMIN, find_idea, may_change_status

log = logging.getLogger(__name__)


def register(app: AsyncApp, ctx: Context, home: HomePublisher) -> None:
    async def on_change_status(
        ack: AsyncAck, body: dict, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        await open_status_form(ctx, body, client, respond)

    async def on_mute(
        ack: AsyncAck, body: dict, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        idea_id = typed.parse_id(payload.action_value(body))
        if idea_id is not None:
            text = await commands.mute(ctx, idea_id=idea_id, user_id=payload.user_id(body))
            await answers.tell(body, client, respond, text)

    async def on_submit(ack: AsyncAck, body: dict, view: dict, client: AsyncWebClient) -> None:
        await status_form_submitted(ctx, ack=ack, body=body, view=view, client=client)
        if status_blocks.form_from_home(view):
            home.opened(payload.user_id(body))

    app.action(CHANGE_STATUS_ACTION)(on_change_status)
    app.action(re.compile(rf"^{status_blocks.MUTE_ACTION}_\d+$"))(on_mute)
    app.view(status_blocks.STATUS_FORM)(on_submit)


async def open_status_form(
    ctx: Context, body: dict, client: AsyncWebClient, respond: AsyncRespond
) -> None:
    idea_id = typed.parse_id(payload.action_value(body))
    user_id = payload.user_id(body)

    async def tell(text: str) -> None:
        await answers.tell(body, client, respond, text)

    if not await may_change_status(ctx, user_id, idea_id):
        await tell(NOT_AN_ADMIN)
        return
    idea = await find_idea(ctx, idea_id)
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
    ctx: Context, *, ack: AsyncAck, body: dict, view: dict, client: AsyncWebClient
) -> None:
    user_id = payload.user_id(body)
    idea_id = status_blocks.form_idea_id(view)
    status, reason, owner = status_blocks.status_form_values(view)
    if not await may_change_status(ctx, user_id, idea_id):
        await ack(response_action="errors", errors={status_blocks.F_STATUS: NOT_AN_ADMIN})
        return
    idea = await find_idea(ctx, idea_id)
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
        ctx, idea_id=idea.id or 0, to=status, reason=reason, changed_by=user_id, owner_id=owner
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
