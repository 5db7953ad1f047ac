"""Block Kit for the weekly experiment digest."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
)

from bot.experiments.blocks import OUTCOME_LABELS, days_left
from bot.slack.blocks import sections, to_dicts
from bot.slack.text import escape, truncate
from storage.models import Challenge, Experiment, Learning

DIGEST_ITEMS_SHOWN = 10


def _experiment_link(experiment: Experiment) -> str:
    title = escape(truncate(experiment.hypothesis.replace("\n", " "), 120))
    return f"<{experiment.permalink}|{title}>" if experiment.permalink else title


def _listed(title: str, lines: list[str]) -> str:
    shown = lines[:DIGEST_ITEMS_SHOWN]
    if len(lines) > len(shown):
        shown.append(f"…and {len(lines) - len(shown)} more in this channel.")
    return f"*{title}*\n" + "\n".join(shown)


def _closing(closing: Sequence[Challenge]) -> str:
    lines = []
    for challenge in closing:
        question = escape(truncate(" ".join(challenge.question.split()), 120))
        linked = f"<{challenge.permalink}|{question}>" if challenge.permalink else question
        lines.append(f"• :dart: {linked} · closes {challenge.closes_on:%A %-d %B}")
    return _listed(f"Challenges closing this week ({len(closing)})", lines)


def digest(
    *,
    started: list[Experiment],
    running: list[Experiment],
    concluded: list[tuple[Experiment, Learning]],
    today: date,
    closing: Sequence[Challenge] = (),
) -> dict:
    """The weekly digest. Each list shows its first items and counts the rest, so the post
    stays well inside Block Kit's limits however busy the week was. Challenges closing in the
    coming week are mentioned, quiet week or not: a last call for ideas."""
    last_call = _closing(closing) if closing else ""
    if not (started or running or concluded):
        text = (
            ":test_tube: *A quiet week in the lab.* Got a hunch worth testing? "
            "`/idea experiment` turns it into a hypothesis in two minutes, and the 🧪 button "
            "on any idea does the same."
        )
        if last_call:
            text += "\n\n" + last_call
        return {"text": text, "blocks": to_dicts(sections(text))}
    parts: list[str] = []
    if concluded:
        parts.append(
            _listed(
                f"Concluded this week ({len(concluded)})",
                [
                    f"• {OUTCOME_LABELS.get(learning.outcome, learning.outcome)}: "
                    f"{_experiment_link(experiment)}: "
                    f"_{escape(truncate(learning.learned.replace(chr(10), ' '), 160))}_"
                    for experiment, learning in concluded
                ],
            )
        )
    if started:
        parts.append(
            _listed(
                f"Started this week ({len(started)})",
                [f"• #{e.id} {_experiment_link(e)} · <@{e.owner_id}>" for e in started],
            )
        )
    if running:
        parts.append(
            _listed(
                f"Running ({len(running)})",
                [f"• #{e.id} {_experiment_link(e)} · {days_left(e, today)}" for e in running],
            )
        )
    if last_call:
        parts.append(last_call)
    header = HeaderBlock(text=PlainTextObject(text="🧪 The week in experiments"))
    blocks: list[Block] = [header]
    for part in parts:
        blocks.extend(sections(part))
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Every result counts, validated or not. Start one with `/idea experiment`."
                )
            ]
        )
    )
    summary = (
        f"The week in experiments: {len(started)} started, {len(running)} running, "
        f"{len(concluded)} concluded."
    )
    return {"text": summary, "blocks": to_dicts(blocks)}
