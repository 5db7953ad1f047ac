"""Block Kit for the idea form, and reading what was submitted in it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields, replace

from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.core.typed import parse_id
from bot.ideas import anonymity, rules
from bot.slack import payload
from bot.slack.blocks import form, select_input, text_input
from storage.vocabulary import SourceKind

IDEA_FORM_CALLBACK = "idea_form"
# "Where did it come from?", on the form of an idea saved from a message (**Save as idea**).
FORM_SOURCE = "source_kind"
SOURCE_CHOICES = (
    (SourceKind.CUSTOMER.value, "A customer"),
    (SourceKind.COLLEAGUE.value, "A colleague"),
    (SourceKind.OWN.value, "My own idea"),
)


@dataclass(frozen=True)
class FormChoices:
    """What an idea can point at: `(id, label)` of the active themes and open challenges."""

    themes: Sequence[tuple[int, str]] = ()
    challenges: Sequence[tuple[int, str]] = ()


def idea_form(
    draft: rules.IdeaDraft | None = None,
    *,
    notice: str | None = None,
    choices: FormChoices | None = None,
    allow_anonymous: bool = False,
) -> View:
    """The `/idea` form. `draft` prefills it so that nothing a person typed is lost; the theme
    and challenge pickers appear when there is something to pick, "Share anonymously" when
    ANONYMOUS_IDEAS allows it."""
    draft = draft or rules.IdeaDraft(text="")
    choices = choices or FormChoices()
    blocks: list[Block] = []
    if notice:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=notice)))
    blocks += [
        text_input(
            rules.FORM_SUMMARY,
            "Your idea, in one line",
            placeholder="e.g. A shared on-call calendar in Slack",
            max_length=rules.SUMMARY_LIMIT,
            multiline=False,
            initial=draft.text,
        ),
        text_input(
            rules.FORM_PROBLEM,
            "The problem it solves",
            placeholder="Who has this problem, and what does it cost them today?",
            max_length=rules.PROBLEM_LIMIT,
            multiline=True,
            initial=draft.problem,
        ),
        text_input(
            rules.FORM_DETAILS,
            "Details",
            placeholder="How it could work, links, first steps…",
            max_length=rules.DETAILS_LIMIT,
            multiline=True,
            optional=True,
            initial=draft.details,
            hint="Everyone in the ideas channel will see this idea and can vote for it.",
        ),
    ]
    if draft.source is not None:
        blocks.append(
            select_input(
                FORM_SOURCE,
                "Where did it come from?",
                options=SOURCE_CHOICES,
                placeholder="Pick one",
                initial=draft.source.kind or None,
                hint="The idea links to the message it was saved from.",
            )
        )
    if choices.challenges:
        blocks.append(
            select_input(
                rules.FORM_CHALLENGE,
                "Answer a challenge",
                options=[(str(i), label) for i, label in choices.challenges],
                placeholder="Pick a challenge",
                optional=True,
                initial=str(draft.challenge_id) if draft.challenge_id else None,
                hint="Your idea is also listed under the challenge's card.",
            )
        )
    if choices.themes:
        blocks.append(
            select_input(
                rules.FORM_THEME,
                "Theme",
                options=[(str(i), label) for i, label in choices.themes],
                placeholder="Pick a theme",
                optional=True,
                initial=str(draft.theme_id) if draft.theme_id else None,
                hint="Where the company is going that this idea serves; its owner reviews it.",
            )
        )
    if allow_anonymous:
        blocks.append(anonymity.anonymous_input(ticked=draft.anonymous))
    return form(
        IDEA_FORM_CALLBACK,
        title="New idea",
        submit="Share idea",
        blocks=blocks,
        metadata=_metadata(draft),
    )


def _metadata(draft: rules.IdeaDraft) -> dict | None:
    """What the form carries that is not a field: the message it was saved from and the
    similar ideas already shown. It comes back with the submission (`form_values`)."""
    carried: dict = {}
    if draft.source is not None:
        carried["source"] = asdict(draft.source)
    if draft.similar_shown:
        carried["similar"] = list(draft.similar_shown)
    return carried or None


def _source(carried: dict, kind: str) -> rules.MessageSource | None:
    """The message the form was opened from, with where the person said it came from."""
    source = carried.get("source")
    if not isinstance(source, dict):
        return None
    known = {field.name for field in fields(rules.MessageSource)}
    try:
        found = rules.MessageSource(**{k: v for k, v in source.items() if k in known})
    except TypeError:
        return None
    return replace(found, kind=kind) if kind in set(SourceKind) else found


def form_values(view: dict) -> rules.IdeaDraft:
    """Read the form's fields out of a `view_submission` payload's `view`."""
    carried = payload.metadata(view)
    similar = carried.get("similar")
    return rules.IdeaDraft(
        text=payload.text_input(view, rules.FORM_SUMMARY),
        problem=payload.text_input(view, rules.FORM_PROBLEM),
        details=payload.text_input(view, rules.FORM_DETAILS),
        theme_id=parse_id(payload.selected_option(view, rules.FORM_THEME)),
        challenge_id=parse_id(payload.selected_option(view, rules.FORM_CHALLENGE)),
        source=_source(carried, payload.selected_option(view, FORM_SOURCE)),
        similar_shown=tuple(i for i in similar if isinstance(i, int))
        if isinstance(similar, list)
        else (),
        anonymous=anonymity.ticked(view),
    )
