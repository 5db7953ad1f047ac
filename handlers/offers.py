"""Offers of help: "🙋 I can help" on an idea's post, its form (with Withdraw), and the
Thank and Invite buttons in the author's DM."""

from __future__ import annotations

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.core import typed
from bot.foundation.context import Context
from bot.ideas.blocks import OFFER_HELP_ACTION
from bot.offers import blocks, forms, rules, service
from bot.slack import answers, payload
from bot.slack.modals import open_modal, update_modal

FORM_REFUSED = ":warning: Slack didn't let me open the form just now. Please click again."


def register(app: AsyncApp, ctx: Context) -> None:
    async def on_offer(
        ack: AsyncAck, body: dict, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        helper_id = payload.user_id(body)
        place = await service.place_for(
            ctx, idea_id=typed.parse_id(payload.action_value(body)), helper_id=helper_id
        )
        if place.idea is None or place.refusal:
            await answers.tell(body, client, respond, place.refusal or "Please try again.")
            return
        form = forms.offer_form(place.idea, place.earlier)
        if not await open_modal(client, payload.trigger_id(body), form):
            await answers.tell(body, client, respond, FORM_REFUSED)

    async def on_submit(ack: AsyncAck, body: dict, view: dict) -> None:
        kinds, what = forms.form_values(view)
        problems = rules.offer_problems(kinds=kinds, what=what)
        helper_id = payload.user_id(body)
        place = await service.place_for(ctx, idea_id=forms.form_idea_id(view), helper_id=helper_id)
        if place.idea is None or place.refusal:
            problems = {rules.Field.WHAT: place.refusal or "This idea no longer exists."}
        if problems:
            await ack(response_action="errors", errors=problems)
            return
        assert place.idea is not None
        _, new = await service.offer(
            ctx, idea=place.idea, helper_id=helper_id, kinds=kinds, what=what
        )
        await ack(response_action="update", view=forms.offered_view(place.idea.id or 0, new=new))

    async def on_withdraw(ack: AsyncAck, body: dict, client: AsyncWebClient) -> None:
        await ack()
        idea_id = typed.parse_id(payload.action_value(body))
        if idea_id is None:
            return
        await service.withdraw(ctx, idea_id=idea_id, helper_id=payload.user_id(body))
        form = payload.as_text(payload.as_dict(body.get("view")).get("id"))
        await update_modal(client, form, forms.withdrawn_view(idea_id))

    async def on_thank(
        ack: AsyncAck, body: dict, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        offer = blocks.parse_offer_value(payload.action_value(body))
        if offer is None:
            return
        text = await service.thank(
            ctx, idea_id=offer[0], helper_id=offer[1], author_id=payload.user_id(body)
        )
        await answers.tell(body, client, respond, text)

    async def on_invite(
        ack: AsyncAck, body: dict, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        offer = blocks.parse_offer_value(payload.action_value(body))
        if offer is None:
            return
        invitation = await service.invite(
            ctx, idea_id=offer[0], helper_id=offer[1], by=payload.user_id(body)
        )
        if invitation.form is not None:
            if not await open_modal(client, payload.trigger_id(body), invitation.form):
                await answers.tell(body, client, respond, FORM_REFUSED)
            return
        await answers.tell(body, client, respond, invitation.text)

    app.action(OFFER_HELP_ACTION)(on_offer)
    app.view(forms.OFFER_FORM)(on_submit)
    app.action(forms.WITHDRAW_ACTION)(on_withdraw)
    app.action(blocks.THANK_ACTION)(on_thank)
    app.action(blocks.INVITE_ACTION)(on_invite)
