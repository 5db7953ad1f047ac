"""Starting a challenge (its form's submission) and **Submit an idea** on its card or in the
Home tab. `/idea challenge` and `/idea challenges` are in `handlers.commands`."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.challenges import blocks, forms, launch, pickers, rules, service
from bot.core.clock import today
from bot.core.typed import parse_id
from bot.foundation import claims
from bot.foundation.context import Context
from bot.slack import answers, payload
from bot.slack.modals import open_modal

log = logging.getLogger(__name__)


def register(app: AsyncApp, ctx: Context) -> None:
    async def on_submit(ack: AsyncAck, body: dict, view: dict) -> None:
        await challenge_form_submitted(ctx, ack=ack, body=body, view=view)

    async def on_submit_idea(
        ack: AsyncAck, body: dict, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        await submit_idea(ctx, body, client, respond)

    app.view(forms.CHALLENGE_FORM)(on_submit)
    app.action(blocks.SUBMIT_ACTION)(on_submit_idea)


async def challenge_form_submitted(ctx: Context, *, ack: AsyncAck, body: dict, view: dict) -> None:
    user_id = payload.user_id(body)
    if not await service.may_start(ctx, user_id):
        await ack(response_action="errors", errors={rules.Field.QUESTION: rules.REFUSAL})
        return
    draft = forms.challenge_values(view)
    now = datetime.now(UTC)
    problems = await service.problems(ctx, draft, today=today(ctx.settings.tz, now=now))
    if problems:
        await ack(response_action="errors", errors=problems)
        return
    await ack()
    if not await claims.first_delivery(ctx, key=claims.form_key(view)):
        return
    challenge = await service.create(ctx, draft=draft, created_by=user_id)
    await launch.launch(ctx, challenge, now=now)


async def submit_idea(
    ctx: Context, body: dict, client: AsyncWebClient, respond: AsyncRespond
) -> None:
    """The idea form with the challenge preselected, while it takes ideas."""
    challenge, refusal = await service.open_for_ideas(ctx, parse_id(payload.action_value(body)))
    if challenge is None:
        await answers.tell(body, client, respond, refusal)
        return
    form = await pickers.idea_form_for(ctx, challenge_id=challenge.id)
    if not await open_modal(client, payload.trigger_id(body), form):
        await answers.tell(
            body,
            client,
            respond,
            ":warning: Slack didn't let me open the idea form just now. Please click again, "
            "or use `/idea` and pick the challenge there.",
        )
