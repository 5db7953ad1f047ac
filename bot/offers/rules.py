"""The rules for offers of help, as plain functions: what an offer is, who may make one and
on which ideas, and how the offers read on an idea's post."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.typed import text_length
from storage.vocabulary import CLOSED_STATUSES

WHAT_LIMIT = 1000
# Quick picks, in the order the form shows them: value → label.
KINDS = {
    "skills": "🛠️ Skills",
    "time": "⏱️ Time",
    "customers": "🤝 Access to customers",
    "data": "📊 Data or tools",
    "contacts": "🧭 Contacts in other teams",
}


class Field:
    KINDS = "kinds"
    WHAT = "what"


def offer_problems(*, kinds: Sequence[str], what: str) -> dict[str, str]:
    """Field-by-field problems with an offer; empty when it can be stored."""
    if text_length(what) > WHAT_LIMIT:
        return {Field.WHAT: f"Keep it to {WHAT_LIMIT:,} characters."}
    if not kinds and not what.strip():
        return {Field.WHAT: "Pick what you could bring, or say it in a few words."}
    return {}


def known_kinds(values: Sequence[str]) -> list[str]:
    """The quick picks among `values`, in the form's order (a forged value is dropped)."""
    return [kind for kind in KINDS if kind in values]


def refusal(*, helper_id: str, author_id: str, idea_id: int, status: str) -> str | None:
    """Why `helper_id` may not offer help on the idea now, in their words; None when they may.
    A closed idea keeps its offers and takes no new ones."""
    if helper_id == author_id:
        return (
            f"Idea #{idea_id} is yours: people offer their help to you. When you are ready, "
            "start an experiment from its post and pick your team."
        )
    if status in CLOSED_STATUSES:
        return (
            f"Idea #{idea_id} is {status}, so it takes no new offers of help. The offers made "
            "before are kept."
        )
    return None


def kinds_text(kinds: str) -> str:
    """`🛠️ Skills, ⏱️ Time` from the stored comma-separated picks."""
    return ", ".join(KINDS[kind] for kind in kinds.split(",") if kind in KINDS)
