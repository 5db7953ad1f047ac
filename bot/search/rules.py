"""What a search looks for: the words of what a person typed, without Slack markup or the
little words every text has.

Plain functions with no Slack or database in them.
"""

from __future__ import annotations

import re

# Slack's markup: mentions, channel links, links with or without a label, user groups,
# `&amp;`-style escapes. Searching for them would match nothing a person meant.
_MARKUP = re.compile(r"<[^<>]*>|&(?:amp|lt|gt);|:[a-z0-9_+'-]+:")
_WORD = re.compile(r"[^\W_]+")
# The longest word kept, and the most words: a pasted paragraph still searches quickly.
WORD_LIMIT = 40
TERMS_LIMIT = 12

# Words too common to say what an idea is about (PostgreSQL's English list drops the same
# kind of word, SQLite's index keeps them: dropping them here makes both engines agree).
_STOP_WORDS_TEXT = """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves idea ideas
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


def terms(text: str) -> list[str]:
    """The words to look for in `text`: lower case, letters and digits only, no stop words,
    each once, in the order typed. Empty when nothing is left to look for."""
    plain = _MARKUP.sub(" ", text.lower())
    found: list[str] = []
    for word in _WORD.findall(plain):
        if word in STOP_WORDS or word in found or len(word) > WORD_LIMIT:
            continue
        found.append(word)
    return found[:TERMS_LIMIT]


NOTHING_TO_SEARCH = (
    "There's nothing to search for in that: only small words like “the” or Slack "
    "formatting. Try words that describe the idea, like `/idea search onboarding checklist`."
)
