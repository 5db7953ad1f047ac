"""Themes: the theme form's submission, and "Pick a theme" in an idea post's ⋯ menu with its
form. (`/idea theme …` and `/idea themes` are in `handlers.commands`.)"""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.core import typed
from bot.foundation.context import Context
from bot.ideas.blocks import IDEA_MENU_ACTION, PICK_THEME
from bot.slack import answers, payload
from bot.slack.modals import open_modal
from bot.themes import blocks as theme_blocks
from bot.themes import forms, picking
from bot.themes import service as theme_service

log = logging.getLogger(__name__)


def register(app: AsyncApp, ctx: Context) -> None:
    async def on_menu(
        ack: AsyncAck, body: dict, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        await idea_menu(ctx, body, client, respond)

    async def on_theme_form(ack: AsyncAck, body: dict, view: dict, client: AsyncWebClient) -> None:
        await theme_form_submitted(ctx, ack=ack, body=body, view=view, client=client)

    async def on_pick_form(ack: AsyncAck, body: dict, view: dict) -> None:
        await pick_form_submitted(ctx, ack=ack, body=body, view=view)

    app.action(IDEA_MENU_ACTION)(on_menu)
    app.view(forms.THEME_FORM)(on_theme_form)
    app.view(forms.PICK_THEME_FORM)(on_pick_form)


def _menu_choice(body: dict) -> tuple[str, int | None]:
    """`pick_theme:12` → ("pick_theme", 12): what was chosen in the ⋯ menu, and for which idea."""
    what, _, idea = payload.action_value(body).partition(":")
    return what, typed.parse_id(idea)


async def idea_menu(
    ctx: Context, body: dict, client: AsyncWebClient, respond: AsyncRespond
) -> None:
    what, idea_id = _menu_choice(body)
    if what != PICK_THEME:
        log.warning("unknown idea menu choice %r", what)
        return
    outcome = await picking.pick_form(ctx, user_id=payload.user_id(body), idea_id=idea_id)
    if isinstance(outcome, str):
        await answers.tell(body, client, respond, outcome)
        return
    if not await open_modal(client, payload.trigger_id(body), outcome):
        await answers.tell(
            body,
            client,
            respond,
            ":warning: Slack didn't let me open the form just now. Please pick again.",
        )


async def theme_form_submitted(
    ctx: Context, *, ack: AsyncAck, body: dict, view: dict, client: AsyncWebClient
) -> None:
    user_id = payload.user_id(body)
    saved = await theme_service.save(
        ctx,
        user_id=user_id,
        theme_id=forms.form_theme_id(view),
        draft=forms.theme_form_values(view),
    )
    if saved.theme is None:
        await ack(response_action="errors", errors=saved.problems)
        return
    await ack()
    theme = saved.theme
    await answers.dm(client, user_id, {"text": theme_blocks.saved(theme, new=saved.new)})
    if saved.new_owner and theme.owner_id != user_id:
        await answers.dm(
            client, theme.owner_id, {"text": theme_blocks.now_owner(theme, by=user_id)}
        )


async def pick_form_submitted(ctx: Context, *, ack: AsyncAck, body: dict, view: dict) -> None:
    idea_id, theme_id, valid = forms.picked_theme(view)
    if not valid:
        await ack(response_action="errors", errors={forms.F_PICKED: "Pick a theme, or No theme."})
        return
    problem = await picking.pick(
        ctx, user_id=payload.user_id(body), idea_id=idea_id, theme_id=theme_id
    )
    if problem is not None:
        await ack(response_action="errors", errors={forms.F_PICKED: problem})
        return
    await ack()
