"""Anonymous ideas (ANONYMOUS_IDEAS=allow): who may be shown as an idea's author, and who is
told about it.

An anonymous idea is stored with `ANONYMOUS_AUTHOR` as its author and the real author kept
apart (`storage.anonymous`). Two questions, two functions, so no surface mixes them up:
`author_mention` is what others may see (nobody, for an anonymous idea); `author_to_tell` is
whom a private DM goes to (the real author, always).
"""

from __future__ import annotations

from slack_sdk.models.blocks import CheckboxesElement, InputBlock, Option

from bot.foundation.context import Context
from bot.ideas import rules
from bot.slack import payload
from bot.slack.payload import INPUT_ACTION
from storage import anonymous
from storage.models import Idea
from storage.vocabulary import ANONYMOUS_AUTHOR

ANONYMOUS_NAME = "an anonymous colleague"
# Said by `/idea help` and the form, word for word what is true.
WHERE_IT_IS_KEPT = (
    "nobody in Slack sees who shared the idea: its post, the Home tabs, `/idea top`, "
    "challenges and awards say “an anonymous colleague”. Lightbulb stores the author apart "
    "from the idea, only to tell you privately how it goes (status changes, offers of help, "
    "awards), and the database operator is the only one who can see who it is. Your own vote "
    "on it counts like anyone's, so a reaction never gives you away. A quick "
    "`/idea &lt;text&gt;` is never anonymous: use the form."
)
_TICKED = "anonymous"


def is_anonymous(idea: Idea) -> bool:
    return anonymous.is_anonymous(idea)


def is_anonymous_id(author_id: str) -> bool:
    """Whether a stored author (an idea's, an award winner's) stands for an anonymous one."""
    return author_id == ANONYMOUS_AUTHOR


def author_mention(author_id: str, *, start: bool = False) -> str:
    """The author as others may see them: a mention, or nobody for an anonymous idea
    (capitalised to `start` a sentence)."""
    if author_id != ANONYMOUS_AUTHOR:
        return f"<@{author_id}>"
    return ANONYMOUS_NAME[:1].upper() + ANONYMOUS_NAME[1:] if start else ANONYMOUS_NAME


def own_mark(idea: Idea) -> str:
    """What marks an anonymous idea in its author's own lists (`/idea mine`, their Home)."""
    return " · 🕶️ shared anonymously" if is_anonymous(idea) else ""


def shown_author(idea: Idea) -> str | None:
    """The author's ID when it may be shown to others; None for an anonymous idea."""
    return None if is_anonymous(idea) else idea.author_id


async def author_to_tell(ctx: Context, idea: Idea) -> str | None:
    """Whom to tell privately about `idea` (status, learning, offers, awards): its real
    author, also of an anonymous idea. Never show the answer to anyone else."""
    if not is_anonymous(idea):
        return idea.author_id
    async with ctx.db.session() as session:
        return await anonymous.author_of(session=session, idea=idea)


def anonymous_input(*, ticked: bool) -> InputBlock:
    """The form's "Share anonymously" checkbox, read back with `ticked`."""
    option = Option(
        value=_TICKED,
        text="Share anonymously",
        description="The post and every list name nobody; only you hear how it goes.",
    )
    return InputBlock(
        block_id=rules.FORM_ANONYMOUS,
        label="Anonymous",
        optional=True,
        hint="Lightbulb keeps who you are apart from the idea: only the database operator can "
        "see it.",
        element=CheckboxesElement(
            action_id=INPUT_ACTION,
            options=[option],
            initial_options=[option] if ticked else None,
        ),
    )


def ticked(view: dict) -> bool:
    chosen = payload.element(view, rules.FORM_ANONYMOUS).get("selected_options")
    return any(
        payload.as_text(payload.as_dict(option).get("value")) == _TICKED
        for option in (chosen if isinstance(chosen, list) else [])
    )


NOT_ALLOWED_NOW = (
    "Anonymous ideas are not allowed any more: untick this to share your idea with your name."
)


def form_problems(draft: rules.IdeaDraft, *, allowed: bool) -> dict[str, str]:
    """A ticked "Share anonymously" after ANONYMOUS_IDEAS went off is handed back, never
    posted with the author's name."""
    return {rules.FORM_ANONYMOUS: NOT_ALLOWED_NOW} if draft.anonymous and not allowed else {}
