"""Button clicks."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.core import typed
from bot.experiments import blocks as experiment_blocks
from bot.experiments import forms as experiment_forms
from bot.experiments import learning_prompts
from bot.experiments import service as experiments
from bot.experiments import team as experiment_team
from bot.foundation import claims
from bot.foundation.context import Context
from bot.ideas import replies
from bot.ideas import rules as capture
from bot.ideas.blocks import POST_AS_IDEA_ACTION, START_EXPERIMENT_ACTION
from bot.slack import answers, payload
from bot.slack.modals import open_modal

log = logging.getLogger(__name__)


def register(app: AsyncApp, ctx: Context) -> None:
    async def on_start(ack: AsyncAck, body: dict, client: AsyncWebClient) -> None:
        await ack()
        idea_id = typed.parse_id(payload.action_value(body))
        form = await experiment_team.form_for_idea(
            ctx, owner_id=payload.user_id(body), idea_id=idea_id
        )
        await open_modal(client, payload.trigger_id(body), form)

    async def on_update(
        ack: AsyncAck, body: dict, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await manage_experiment(ctx, ack, body, client, respond, experiment_forms.update_form)

    async def on_conclude(
        ack: AsyncAck, body: dict, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await manage_experiment(ctx, ack, body, client, respond, experiment_forms.learning_form)

    async def on_snooze(
        ack: AsyncAck, body: dict, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        await snooze_prompt(ctx, body, client, respond)

    async def on_cancel(
        ack: AsyncAck, body: dict, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        await cancel_experiment(ctx, body, client, respond)

    async def on_post_anyway(ack: AsyncAck, body: dict, respond: AsyncRespond) -> None:
        await ack()
        await post_as_idea(ctx, body, respond)

    app.action(POST_AS_IDEA_ACTION)(on_post_anyway)
    app.action(re.compile(rf"^{experiment_blocks.SNOOZE_ACTION}_\d+$"))(on_snooze)
    app.action(experiment_blocks.CANCEL_ACTION)(on_cancel)
    app.action(START_EXPERIMENT_ACTION)(on_start)
    app.action(experiment_blocks.UPDATE_ACTION)(on_update)
    app.action(experiment_blocks.CONCLUDE_ACTION)(on_conclude)


async def post_as_idea(ctx: Context, body: dict, respond: AsyncRespond) -> None:
    """ "Post it as an idea" under the help for a lone word, or under the answer to a message
    typed to Lightbulb: the button's text is the idea. Each message's button posts once, however
    often it is clicked; under the help, the answer replaces the help."""
    text = payload.action_value(body).strip()
    container = payload.as_dict(body.get("container"))
    ephemeral = container.get("is_ephemeral") is True
    problem = capture.quick_idea_problem(text)
    if problem is not None:
        await respond(text=problem, replace_original=ephemeral)
        return
    user_id = payload.user_id(body)
    if not await claims.first_click(
        ctx, key=f"post-as-idea:{payload.as_text(container.get('message_ts'))}:{user_id}"
    ):
        await respond(text="That is posted already.", replace_original=False)
        return
    reply = await replies.share(ctx, author_id=user_id, draft=capture.IdeaDraft(text))
    await respond(**reply, replace_original=ephemeral)


async def manage_experiment(
    ctx: Context,
    ack: AsyncAck,
    body: dict,
    client: AsyncWebClient,
    respond: AsyncRespond,
    form_for: Callable[[int], View],
) -> None:
    """ "Add update" and "Conclude": the owner or an admin gets the form, anyone else a polite
    private explanation."""
    await ack()
    experiment_id = experiment_blocks.parse_button_value(payload.action_value(body))
    if experiment_id is None:
        return
    refusal = await _refusal(ctx, experiment_id, payload.user_id(body))
    if refusal is not None:
        await answers.tell(body, client, respond, refusal)
        return
    if not await open_modal(client, payload.trigger_id(body), form_for(experiment_id)):
        await answers.tell(
            body,
            client,
            respond,
            ":warning: Slack didn't let me open the form just now. Please click again.",
        )


async def snooze_prompt(
    ctx: Context, body: dict, client: AsyncWebClient, respond: AsyncRespond
) -> None:
    """ "Snooze" on a learning prompt: ask again after the chosen number of days."""
    button, _, days_text = payload.action_value(body).rpartition(":")
    experiment_id = experiment_blocks.parse_button_value(button)
    days = next((d for d, _ in experiment_blocks.SNOOZE_CHOICES if str(d) == days_text), None)
    if experiment_id is None or days is None:
        return
    refusal = await _refusal(ctx, experiment_id, payload.user_id(body))
    if refusal is not None:
        await answers.tell(body, client, respond, refusal)
        return
    until = await learning_prompts.snooze(ctx, experiment_id=experiment_id, days=days)
    await answers.tell(
        body,
        client,
        respond,
        f":zzz: Snoozed. I'll ask about experiment #{experiment_id} again after "
        f"{until.astimezone(ctx.settings.tz):%A %-d %B}.",
        replace=True,
    )


async def cancel_experiment(
    ctx: Context, body: dict, client: AsyncWebClient, respond: AsyncRespond
) -> None:
    """ "Cancel experiment" (after Slack's confirm dialog): the owner or an admin only."""
    experiment_id = experiment_blocks.parse_button_value(payload.action_value(body))
    if experiment_id is None:
        return
    user_id = payload.user_id(body)
    refusal = await _refusal(ctx, experiment_id, user_id)
    if refusal is not None:
        text = refusal
    elif await experiments.cancel(ctx, experiment_id=experiment_id, cancelled_by=user_id):
        text = f":white_check_mark: Experiment #{experiment_id} is cancelled. No more reminders."
    else:
        text = f"Experiment #{experiment_id} has already ended; nothing to cancel."
    await answers.tell(body, client, respond, text)


async def _refusal(ctx: Context, experiment_id: int, user_id: str) -> str | None:
    """Why `user_id` may not change the experiment, or None when they may."""
    _, refusal = await experiments.managed_by(ctx, experiment_id=experiment_id, user_id=user_id)
    return refusal
