"""The rules for capturing an idea: what `/idea …` means and what a valid idea is.

Plain functions with no Slack or database in them, so the rules are easy to test and change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from bot.core.typed import text_length

# A quick idea is one message; longer thoughts belong in the form's details field.
QUICK_IDEA_LIMIT = 2000
# The post's header holds 150 characters (Block Kit's limit) and shows "💡 " before the summary.
SUMMARY_LIMIT = 148
PROBLEM_LIMIT = 1000
DETAILS_LIMIT = 3000  # the most a Slack plain-text input accepts


class Action(StrEnum):
    IDEA = "idea"
    FORM = "form"
    HELP = "help"
    RETRY = "retry"
    TOP = "top"
    MINE = "mine"
    EXPERIMENT = "experiment"
    STATUS = "status"
    HISTORY = "history"
    MUTE = "mute"
    UNMUTE = "unmute"
    THEME = "theme"
    THEMES = "themes"
    CHALLENGE = "challenge"
    CHALLENGES = "challenges"
    STATS = "stats"
    SEARCH = "search"
    LEARNINGS = "learnings"
    DUPLICATE = "duplicate"


# Subcommands taken alone, and what may follow each. A text is a subcommand only when all of
# it fits one of these: "Retry failed builds overnight" is an idea, "retry" is not.
_ALONE = {
    "help": Action.HELP,
    "retry": Action.RETRY,
    "top": Action.TOP,
    "mine": Action.MINE,
    "experiment": Action.EXPERIMENT,
    # These need an idea number; alone, they answer with how to use them.
    "status": Action.STATUS,
    "history": Action.HISTORY,
    "mute": Action.MUTE,
    "unmute": Action.UNMUTE,
    "themes": Action.THEMES,
    "challenge": Action.CHALLENGE,
    "challenges": Action.CHALLENGES,
    "stats": Action.STATS,
    # Alone, it answers with how to manage themes.
    "theme": Action.THEME,
    # These need words to look for; alone, they answer with how to search.
    "search": Action.SEARCH,
    "learnings": Action.LEARNINGS,
    # `duplicate 3 of 1`, `duplicate undo 3` (admins); alone, it answers with its usage.
    "duplicate": Action.DUPLICATE,
}
# `search <words>` and `learnings <words>` take whatever follows as the words to look for.
_WITH_WORDS = ("search", "learnings")
# `theme add`, `theme edit <name>`, `theme archive <name>`, `theme unarchive <name>`.
THEME_VERBS = ("add", "edit", "archive", "unarchive")
_WITH_WORD = {"help": ("awards",), "top": ("all", "month")}
_WITH_ID = {
    "experiment": Action.EXPERIMENT,
    "history": Action.HISTORY,
    "mute": Action.MUTE,
    "unmute": Action.UNMUTE,
}
SUBCOMMANDS = tuple(_ALONE)


@dataclass(frozen=True)
class ParsedCommand:
    action: Action
    text: str = ""
    unknown: str = ""  # a lone word we did not recognise, shown back with the help


def parse_command(text: str) -> ParsedCommand:
    """Decide what `/idea <text>` asks for.

    Nothing → the form. A subcommand only when the whole text fits its grammar (`top all`,
    `history 12`, `status 12 declined Too costly`), in any letter case. A single unknown word
    (`/idea halp`) is far more likely a mistyped subcommand than an idea, so it gets the help
    (which offers to post it anyway). Anything else is an idea, whatever its first word.
    """
    stripped = text.strip()
    if not stripped:
        return ParsedCommand(Action.FORM)
    words = stripped.split()
    head, rest = words[0].lower(), words[1:]
    if not rest:
        action = _ALONE.get(head)
        if action is not None:
            return ParsedCommand(action)
        if text_length(stripped) <= QUICK_IDEA_LIMIT:
            return ParsedCommand(Action.HELP, unknown=stripped)
        return ParsedCommand(Action.IDEA, text=stripped)
    if len(rest) == 1 and rest[0].lower() in _WITH_WORD.get(head, ()):
        return ParsedCommand(_ALONE[head], text=rest[0].lower())
    if len(rest) == 1 and head == "stats" and _looks_like_a_period(rest[0]):
        return ParsedCommand(Action.STATS, text=rest[0])
    if len(rest) == 1 and head in _WITH_ID and _looks_like_a_number(rest[0]):
        return ParsedCommand(_WITH_ID[head], text=rest[0])
    if head in _WITH_WORDS:
        return ParsedCommand(_ALONE[head], text=" ".join(rest))
    if head == "theme" and rest[0].lower() in THEME_VERBS:
        return ParsedCommand(Action.THEME, text=" ".join([rest[0].lower(), *rest[1:]]))
    if head == "status" and _looks_like_a_number(rest[0]):
        # "status 12 …" is a command however it goes on (no sentence starts that way): a
        # mistyped status gets its usage, with the text to post as an idea if it was one.
        return ParsedCommand(Action.STATUS, text=" ".join(rest))
    if head == "duplicate" and (rest[0].lower() == "undo" or _looks_like_a_number(rest[0])):
        # Like status: "duplicate 3 …" or "duplicate undo …" is no sentence, so a command.
        return ParsedCommand(Action.DUPLICATE, text=" ".join(rest))
    return ParsedCommand(Action.IDEA, text=stripped)


def _looks_like_a_period(word: str) -> bool:
    """`month`, `quarter`, `year`, or something starting with a digit (`2026-11`, even a
    wrong `2026-13`, which the stats then explain): "stats dashboard" is an idea."""
    return word.lower() in ("month", "quarter", "year") or word[:1].isdigit()


def _looks_like_a_number(word: str) -> bool:
    """`12`, `#12`, also `0` or `²`: meant as an idea number, even one that names no idea
    (which the subcommand then explains)."""
    return word.removeprefix("#").isdigit()


@dataclass(frozen=True)
class MessageSource:
    """The Slack message an idea is saved from (**Save as idea**). `kind` is a
    `storage.vocabulary.SourceKind` value once the person said where it came from; `author_id`
    is None for a message an app posted; `public` is whether anyone may follow `permalink`."""

    channel_id: str
    message_ts: str
    author_id: str | None = None
    permalink: str | None = None
    public: bool = False
    channel_name: str | None = None
    kind: str = ""
    # The thread the message is in (its parent's ts), where "saved as idea" is replied.
    thread_ts: str | None = None


@dataclass(frozen=True)
class IdeaDraft:
    """What a person submitted, before it is stored."""

    text: str
    problem: str = ""
    details: str = ""
    # Where it points, when the form picked a theme or a challenge.
    theme_id: int | None = None
    challenge_id: int | None = None
    # The message it was saved from, when it was.
    source: MessageSource | None = None
    # The similar ideas already shown to the person for this draft: shown once, then it posts.
    similar_shown: tuple[int, ...] = ()
    # "Share anonymously" ticked (ANONYMOUS_IDEAS=allow): the post names nobody.
    anonymous: bool = False


def quick_idea_problem(text: str) -> str | None:
    """Why a quick idea cannot be posted as it is, or None when it can."""
    if not text.strip():
        return "Your idea is empty: write it after the command, like `/idea Free fruit Fridays`."
    if text_length(text) > QUICK_IDEA_LIMIT:
        return (
            f"Your idea is {text_length(text):,} characters; a quick idea can be at most "
            f"{QUICK_IDEA_LIMIT:,}."
        )
    return None


# Keys are the form's block ids, so the errors can be shown inline next to each field.
FORM_SUMMARY, FORM_PROBLEM, FORM_DETAILS = "summary", "problem", "details"
FORM_THEME, FORM_CHALLENGE = "theme", "challenge"
FORM_ANONYMOUS = "anonymous"


def form_problems(draft: IdeaDraft) -> dict[str, str]:
    """Field-by-field problems with a submitted form; empty when it can be posted."""
    problems: dict[str, str] = {}
    if not draft.text.strip():
        problems[FORM_SUMMARY] = "Give your idea a one-line summary."
    elif text_length(draft.text) > SUMMARY_LIMIT:
        problems[FORM_SUMMARY] = (
            f"Keep the summary to {SUMMARY_LIMIT} characters (it has {text_length(draft.text)}, "
            "counting most emoji as two); "
            "put the rest in the details."
        )
    if not draft.problem.strip():
        problems[FORM_PROBLEM] = "Say which problem this solves, in a sentence or two."
    elif text_length(draft.problem) > PROBLEM_LIMIT:
        problems[FORM_PROBLEM] = f"Keep this to {PROBLEM_LIMIT:,} characters."
    if text_length(draft.details) > DETAILS_LIMIT:
        problems[FORM_DETAILS] = f"Keep the details to {DETAILS_LIMIT:,} characters."
    return problems


def clean(draft: IdeaDraft) -> IdeaDraft:
    """Trim the whitespace people leave around what they type."""
    return replace(
        draft, text=draft.text.strip(), problem=draft.problem.strip(), details=draft.details.strip()
    )


# Departments named on an idea's post before "and N more".
DEPARTMENTS_NAMED = 4


def help_line(departments: Sequence[str | None]) -> str:
    """`3 people offered help (Sales, Support, Design)`: one entry per standing offer, with
    the department recorded on it; departments in the order they first offered."""
    count = len(departments)
    if not count:
        return ""
    named = list(dict.fromkeys(d for d in departments if d))
    people = f"{count} {'person' if count == 1 else 'people'} offered help"
    if not named:
        return people
    shown = ", ".join(named[:DEPARTMENTS_NAMED])
    if len(named) > DEPARTMENTS_NAMED:
        shown += f" and {len(named) - DEPARTMENTS_NAMED} more"
    return f"{people} ({shown})"
