"""The "👥 Team" button on an experiment's card and the team form it opens."""

from __future__ import annotations

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.experiments import forms as experiment_forms
from bot.experiments import rules, team, team_blocks
from bot.experiments.blocks import parse_button_value
from bot.foundation import claims
from bot.foundation.context import Context
from bot.slack import answers, payload
from bot.slack.modals import open_modal


def register(app: AsyncApp, ctx: Context) -> None:
    async def on_team(
        ack: AsyncAck, body: dict, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        await open_team_form(ctx, body, client, respond)

    async def on_team_submitted(
        ack: AsyncAck, body: dict, view: dict, client: AsyncWebClient
    ) -> None:
        await team_form_submitted(ctx, ack=ack, body=body, view=view)

    app.action(team_blocks.TEAM_ACTION)(on_team)
    app.view(team_blocks.TEAM_FORM)(on_team_submitted)


async def open_team_form(
    ctx: Context, body: dict, client: AsyncWebClient, respond: AsyncRespond
) -> None:
    """The owner or an admin gets the team form; anyone else a polite private explanation."""
    experiment_id = parse_button_value(payload.action_value(body))
    if experiment_id is None:
        return
    form = await team.team_form(ctx, experiment_id=experiment_id, user_id=payload.user_id(body))
    if isinstance(form, str):
        await answers.tell(body, client, respond, form)
        return
    if not await open_modal(client, payload.trigger_id(body), form):
        await answers.tell(
            body,
            client,
            respond,
            ":warning: Slack didn't let me open the team form just now. Please click again.",
        )


async def team_form_submitted(ctx: Context, *, ack: AsyncAck, body: dict, view: dict) -> None:
    user_id = payload.user_id(body)
    experiment, refusal = await team.team_changer(
        ctx, experiment_id=experiment_forms.form_experiment_id(view), user_id=user_id
    )
    if experiment is None:
        await ack(response_action="errors", errors={rules.Field.TEAM: refusal or "Try again."})
        return
    picked, problems = await team.checked_team(
        ctx, owner_id=experiment.owner_id, team=team_blocks.picked_team(view)
    )
    if problems:
        await ack(response_action="errors", errors=problems)
        return
    await ack()
    if not await claims.first_delivery(ctx, key=claims.form_key(view)):
        return
    await team.set_team(ctx, experiment=experiment, team=picked, changed_by=user_id)
