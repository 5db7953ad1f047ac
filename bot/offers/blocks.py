"""Block Kit for offers of help: the author's DM of who offered what, the thanks a helper
gets, and the App Home's list of offers."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.ideas import anonymity
from bot.offers.rules import kinds_text
from bot.slack.blocks import linked_title, sections, to_dicts
from bot.slack.text import MESSAGE_BLOCK_LIMIT, escape, truncate
from storage.models import Idea
from storage.team_models import HelpOffer

THANK_ACTION = "help_offer_thank"
INVITE_ACTION = "help_offer_invite"
# Each offer in the author's DM takes two blocks; past this many the DM points to the Home tab.
OFFERS_IN_A_DM = 20
HOME_OFFERS_SHOWN = 10


def offer_value(idea_id: int, helper_id: str) -> str:
    return f"{idea_id}:{helper_id}"


def parse_offer_value(value: str) -> tuple[int, str] | None:
    """The (idea, helper) a Thank or Invite button is about."""
    idea_text, _, helper_id = value.partition(":")
    if not idea_text.isdecimal() or not helper_id:
        return None
    return int(idea_text), helper_id


def _who(offer: HelpOffer) -> str:
    department = f" ({escape(offer.department)})" if offer.department else ""
    return f"<@{offer.helper_id}>{department}"


def _what(offer: HelpOffer, limit: int = 500) -> str:
    parts = [kinds_text(offer.kinds)] if offer.kinds else []
    if offer.what.strip():
        parts.append(f"“{escape(truncate(offer.what.strip(), limit))}”")
    return " · ".join(part for part in parts if part)


def offers_dm(idea: Idea, offers: Sequence[HelpOffer]) -> dict:
    """One DM to the idea's author with the offers made since the last one, each with buttons
    to thank the helper or invite them to the experiment."""
    count = len(offers)
    title = linked_title(idea.text, idea.permalink)
    opening = (
        f"🙋 {'Someone' if count == 1 else f'{count} people'} offered to help with your "
        f"idea #{idea.id} {title}:"
    )
    blocks: list[Block] = [*sections(opening)]
    for offer in offers[:OFFERS_IN_A_DM]:
        value = offer_value(idea.id or 0, offer.helper_id)
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=f"{_who(offer)}: {_what(offer)}"[:3000]))
        )
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(text="🙏 Thank them", action_id=THANK_ACTION, value=value),
                    ButtonElement(
                        text="🧪 Invite to the experiment", action_id=INVITE_ACTION, value=value
                    ),
                ]
            )
        )
    if count > OFFERS_IN_A_DM:
        blocks.extend(
            sections(f"…and {count - OFFERS_IN_A_DM} more: see them on Lightbulb's Home tab.")
        )
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Invite opens the experiment form with them on the team, or adds them "
                    "to the running experiment's team."
                )
            ]
        )
    )
    names = ", ".join(f"<@{offer.helper_id}>" for offer in offers[:10])
    text = f"{opening} {names}"
    return {"text": truncate(text, 3000), "blocks": to_dicts(blocks[:MESSAGE_BLOCK_LIMIT])}


def thanks_dm(idea: Idea, *, author_id: str) -> dict:
    title = linked_title(idea.text, idea.permalink)
    # The thanks of an anonymous idea's author come from "the idea's author", unnamed.
    who = "The idea's author" if anonymity.is_anonymous(idea) else f"<@{author_id}>"
    return {
        "text": f"🙏 {who} thanks you for offering to help with idea #{idea.id} "
        f"{title}. They may invite you to an experiment on it."
    }


def home_section(offers: Sequence[tuple[Idea, HelpOffer]], *, everyone: bool) -> list[Block]:
    """ "Help offered on your ideas" (on everyone's, for admins), newest first."""
    heading = "Help offered on everyone's ideas" if everyone else "Help offered on your ideas"
    if not offers:
        return []
    lines = [
        f"• #{idea.id} {linked_title(idea.text, idea.permalink, 60)} · {_who(offer)}: "
        f"{_what(offer, 150)}"
        for idea, offer in offers[:HOME_OFFERS_SHOWN]
    ]
    return sections(f"*{heading}*\n" + "\n".join(lines))
