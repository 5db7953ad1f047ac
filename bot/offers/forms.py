"""The offer form an idea's "🙋 I can help" opens, and reading what was submitted."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    CheckboxesElement,
    ConfirmObject,
    InputBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.core import typed
from bot.ideas.anonymity import author_mention
from bot.offers import rules
from bot.offers.rules import Field
from bot.slack import payload
from bot.slack.blocks import form, text_input
from bot.slack.payload import INPUT_ACTION
from bot.slack.text import escape, truncate
from storage.models import Idea
from storage.team_models import HelpOffer

OFFER_FORM = "help_offer_form"
WITHDRAW_ACTION = "help_offer_withdraw"


def offer_form(idea: Idea, earlier: HelpOffer | None) -> View:
    """What you could bring to the idea; prefilled with your standing offer, which the form
    also lets you withdraw."""
    standing = earlier is not None and earlier.withdrawn_at is None
    picked = earlier.kinds.split(",") if standing and earlier else []
    options = [Option(value=value, text=label) for value, label in rules.KINDS.items()]
    blocks: list = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"*Idea #{idea.id}*: {escape(truncate(idea.text, 300))}\n"
                f"{author_mention(idea.author_id, start=True)} hears who offered what, and "
                "may invite you to the "
                "experiment that tests it."
            )
        ),
        InputBlock(
            block_id=Field.KINDS,
            label="What could you bring?",
            optional=True,
            element=CheckboxesElement(
                action_id=INPUT_ACTION,
                options=options,
                initial_options=[o for o in options if o.value in picked] or None,
            ),
        ),
        text_input(
            Field.WHAT,
            "In a few words",
            placeholder="e.g. I run the weekly call with our biggest customers; two hours a week",
            max_length=rules.WHAT_LIMIT,
            optional=True,
            initial=earlier.what if standing and earlier else "",
        ),
    ]
    if standing:
        blocks.append(
            ActionsBlock(
                block_id="withdraw",
                elements=[
                    ButtonElement(
                        text="Withdraw my offer",
                        action_id=WITHDRAW_ACTION,
                        value=str(idea.id),
                        style="danger",
                        confirm=ConfirmObject(
                            title="Withdraw your offer?",
                            text=f"Idea #{idea.id} no longer lists you among its helpers.",
                            confirm="Withdraw",
                            deny="Keep it",
                        ),
                    )
                ],
            )
        )
    return form(
        OFFER_FORM,
        title="I can help",
        submit="Save my offer" if standing else "Offer help",
        metadata={"idea_id": idea.id},
        blocks=blocks,
    )


def withdrawn_view(idea_id: int) -> View:
    """What the form turns into once the offer is withdrawn."""
    return _note(
        f":white_check_mark: Your offer on idea #{idea_id} is withdrawn (nobody is told). You "
        "can offer again from its post any time."
    )


def offered_view(idea_id: int, *, new: bool) -> View:
    """What the form turns into once the offer is saved."""
    done = "Thank you: your offer is saved" if new else "Your offer is updated"
    return _note(
        f":raised_hand: {done}. Idea #{idea_id}'s author hears who offered what in a little "
        "while. To change or withdraw it, click 🙋 I can help again."
    )


def _note(text: str) -> View:
    return View(
        type="modal",
        title="I can help",
        close="Close",
        blocks=[SectionBlock(text=MarkdownTextObject(text=text))],
    )


def form_idea_id(view: dict) -> int | None:
    return typed.parse_id(payload.metadata(view).get("idea_id"))


def form_values(view: dict) -> tuple[list[str], str]:
    """The quick picks and the words, as submitted."""
    chosen = payload.element(view, Field.KINDS).get("selected_options")
    values = [
        payload.as_text(payload.as_dict(option).get("value"))
        for option in (chosen if isinstance(chosen, list) else [])
    ]
    return rules.known_kinds(values), payload.text_input(view, Field.WHAT)
