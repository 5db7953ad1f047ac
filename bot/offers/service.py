"""Offers of help on ideas: making, editing and withdrawing one, and the author's thanks.

An offer records the helper's department as it is when they offer. The idea's post shows
the offers (its redraw is coalesced with the votes', so a burst of offers makes one update),
and the author hears of them in one batched DM (`bot.offers.notes`). The rules are in
`bot.offers.rules`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from slack_sdk.models.views import View

from bot.experiments import rules as experiment_rules
from bot.experiments import team
from bot.foundation import retried_posts
from bot.foundation.context import Context
from bot.foundation.delivery import IN_PROGRESS, deliver
from bot.ideas import anonymity
from bot.offers import blocks, rules
from storage import ideas, offers, teams
from storage.models import Idea
from storage.team_models import HelpOffer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OfferPlace:
    """The idea someone wants to help with and their offer on it so far, or why they may not
    offer (in words for them)."""

    idea: Idea | None
    earlier: HelpOffer | None = None
    refusal: str | None = None


async def place_for(ctx: Context, *, idea_id: int | None, helper_id: str) -> OfferPlace:
    async with ctx.db.session() as session:
        idea = await ideas.get_idea(session=session, idea_id=idea_id) if idea_id else None
        if idea is None:
            return OfferPlace(None, refusal="This idea no longer exists.")
        earlier = await offers.get_offer(session=session, idea_id=idea_id or 0, helper_id=helper_id)
    # The refusal is the helper's alone: an anonymous idea's author is told it is theirs.
    author_id = await anonymity.author_to_tell(ctx, idea) or idea.author_id
    refusal = rules.refusal(
        helper_id=helper_id, author_id=author_id, idea_id=idea.id or 0, status=idea.status
    )
    return OfferPlace(idea, earlier, refusal)


async def offer(
    ctx: Context, *, idea: Idea, helper_id: str, kinds: Sequence[str], what: str
) -> tuple[HelpOffer, bool]:
    """Store the offer (or edit the person's earlier one); returns it and whether it is new.
    The post shows it soon and the author hears of it in the next batch."""
    async with ctx.db.session() as session:
        stored, new = await offers.offer(
            session=session,
            idea_id=idea.id or 0,
            helper_id=helper_id,
            kinds=kinds,
            what=what.strip(),
            now=datetime.now(UTC),
        )
    ctx.signals.idea_changed(idea)
    ctx.signals.help_offered(idea.id or 0)
    return stored, new


async def withdraw(ctx: Context, *, idea_id: int, helper_id: str) -> bool:
    """Withdraw the person's standing offer (it is kept, marked); False when there was none."""
    async with ctx.db.session() as session:
        withdrawn = await offers.withdraw(
            session=session, idea_id=idea_id, helper_id=helper_id, now=datetime.now(UTC)
        )
        idea = await ideas.get_idea(session=session, idea_id=idea_id)
    if withdrawn is not None and idea is not None:
        ctx.signals.idea_changed(idea)
    return withdrawn is not None


async def thank(ctx: Context, *, idea_id: int, helper_id: str, author_id: str) -> str:
    """The author's thanks, sent to the helper once however often it is clicked; what to
    tell the author."""
    async with ctx.db.session() as session:
        idea = await ideas.get_idea(session=session, idea_id=idea_id)
    if idea is None:
        return "This idea no longer exists."
    if await anonymity.author_to_tell(ctx, idea) != author_id:
        who = anonymity.author_mention(idea.author_id)
        return f"Only {who}, whose idea #{idea_id} it is, can thank its helpers."
    message = blocks.thanks_dm(idea, author_id=author_id)

    async def compose() -> dict:
        return message

    sent = await deliver(
        ctx,
        job=retried_posts.HELP_THANKS_DM,
        period=f"{idea_id}:{helper_id}",
        channel=helper_id,
        compose=compose,
        now=datetime.now(UTC),
    )
    # A click while an earlier one is delivering the thanks: it is on its way.
    if not sent.delivered and sent.outcome != IN_PROGRESS:
        return f":hourglass: Your thanks to <@{helper_id}> will reach them in a few minutes."
    return f":pray: <@{helper_id}> has your thanks."


@dataclass(frozen=True)
class Invitation:
    """What inviting a helper comes to: a form to open (no experiment yet), or words for the
    author (the helper joined the running experiment, or only its owner can add them)."""

    form: View | None = None
    text: str = ""


async def invite(ctx: Context, *, idea_id: int, helper_id: str, by: str) -> Invitation:
    """ "Invite to the experiment" in the author's DM. With no experiment on the idea yet, the
    experiment form with the helper on its team; with one running, the helper joins its team
    when `by` may change it (its owner or an admin), and otherwise `by` is told who can."""
    experiment = await team.running_experiment_for_idea(ctx, idea_id)
    if experiment is None:
        return Invitation(
            form=await team.form_for_idea(ctx, owner_id=by, idea_id=idea_id, team=[helper_id])
        )
    if not experiment_rules.can_change_team(by, experiment.owner_id, ctx.settings.admin_user_ids):
        return Invitation(
            text=f"Experiment #{experiment.id} tests this idea, run by <@{experiment.owner_id}>: "
            f"ask them to add <@{helper_id}> with the 👥 Team button on its card."
        )
    async with ctx.db.session() as session:
        members = await teams.member_ids(session=session, experiment_id=experiment.id or 0)
    if helper_id == experiment.owner_id or helper_id in members:
        role = "runs" if helper_id == experiment.owner_id else "is on the team of"
        return Invitation(text=f"<@{helper_id}> {role} experiment #{experiment.id} already.")
    joined = await team.add_members(ctx, experiment=experiment, user_ids=[helper_id], changed_by=by)
    if not joined:
        return Invitation(
            text=f"<@{helper_id}> cannot join experiment #{experiment.id}: it has just ended, "
            "or their Slack account is deactivated."
        )
    return Invitation(
        text=f":busts_in_silhouette: <@{helper_id}> joined the team of experiment #{experiment.id}."
    )
