"""When an existing idea is "similar" to one about to be posted.

Plain functions with no Slack or database in them. Showing a wrong idea costs more than
missing a right one (people learn to click past the step), so the rule asks for more than
the full-text search does: the search finds every idea sharing any word, this rule keeps
those that share half the words of the shorter text (at least two, at most four), one of
them from the new idea's summary. "Experiment with four-day weeks in summer" and
"Experiment 2 weeks without meetings on Fridays" share two words of five: related, not the
same idea.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from bot.search.rules import STOP_WORDS, terms

# Fewer terms than this say too little about an idea to call anything like it.
FEWEST_TERMS = 2
# Of the shorter text's terms, at least this share must be shared…
SHARE_OF_TERMS = 0.5
# …but never more than this many: two long texts about one idea still differ in most words.
MOST_NEEDED = 4
SHOWN = 3

_WORD = re.compile(r"[^\W_]+")
# English endings, taken off so that "meetings" and "meeting", "onboarded" and
# "onboarding" count as one word, as both engines' stemmers count them.
_ENDINGS = ("ing", "ed", "es", "s")
_SHORTEST_STEM = 3
# "meet" and "meeting" are one word; "car" and "career" are not.
_SHORTEST_PREFIX = 4
_LONGEST_EXTENSION = 3


def draft_terms(summary: str, problem: str = "") -> tuple[list[str], list[str]]:
    """The terms of a draft (summary first, as the search gets them) and of its summary,
    each word once ("customer" and "customers" are one)."""
    return _distinct(terms(f"{summary}\n{problem}")), _distinct(terms(summary))


def needed(draft_count: int, idea_count: int) -> int:
    """How many of a draft's terms an idea must share to be similar, given how many terms
    each has: half of the shorter one's, at least two and at most four; 0 when the draft has
    too few terms to judge (then nothing is similar)."""
    if draft_count < FEWEST_TERMS:
        return 0
    shorter = min(draft_count, idea_count)
    return min(draft_count, MOST_NEEDED, max(FEWEST_TERMS, math.ceil(shorter * SHARE_OF_TERMS)))


def shared_terms(draft: Sequence[str], text: str) -> list[str]:
    """The draft's terms that `text` contains, as words or as the same word with another
    ending (never as a little word: "without" is not "with")."""
    stems = {_stem(word) for word in _WORD.findall(text.lower()) if word not in STOP_WORDS}
    return [term for term in draft if any(_same(_stem(term), stem) for stem in stems)]


def is_similar(draft: Sequence[str], summary: Sequence[str], text: str) -> bool:
    """Whether an idea reading `text` (its summary and problem) is like the draft whose terms
    are `draft`, `summary` being those of its summary line: it shares enough of the terms
    (`needed`), and one of the summary's."""
    want = needed(len(draft), len(_distinct(terms(text))))
    if not want:
        return False
    shared = shared_terms(draft, text)
    if len(shared) < want:
        return False
    return not summary or any(term in shared for term in summary)


def _distinct(words: Sequence[str]) -> list[str]:
    kept: list[str] = []
    for word in words:
        if not any(_same(_stem(word), _stem(other)) for other in kept):
            kept.append(word)
    return kept


def _stem(word: str) -> str:
    if word.endswith("ies") and len(word) > _SHORTEST_STEM + 1:
        return word[:-3] + "y"  # "buddies" is "buddy"
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= _SHORTEST_STEM:
            return word[: -len(ending)]
    return word


def _same(one: str, other: str) -> bool:
    if one == other:
        return True
    short, long = sorted((one, other), key=len)
    return (
        len(short) >= _SHORTEST_PREFIX
        and long.startswith(short)
        and len(long) - len(short) <= _LONGEST_EXTENSION
    )
