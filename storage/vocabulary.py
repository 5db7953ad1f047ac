"""The values stored in status columns, one `StrEnum` each.

Members compare equal to the plain strings read back from the database, so rows need no
conversion. Domain rules may import this module, and nothing else from storage.
"""

from __future__ import annotations

from enum import StrEnum


class IdeaStatus(StrEnum):
    NEW = "new"
    UNDER_REVIEW = "under review"
    EXPERIMENTING = "experimenting"
    SHIPPED = "shipped"
    PARKED = "parked"
    DECLINED = "declined"


# An idea closed by `/idea duplicate`: only that command sets it (it names the idea this one
# duplicates) and only its undo leaves it, so it is not one of the statuses an admin picks.
DUPLICATE = "duplicate"
# A closed idea takes no more votes and leaves the review queue.
CLOSED_STATUSES = frozenset({IdeaStatus.SHIPPED, IdeaStatus.PARKED, IdeaStatus.DECLINED, DUPLICATE})
WAITING_FOR_REVIEW = (IdeaStatus.NEW, IdeaStatus.UNDER_REVIEW)
OPEN_STATUSES = tuple(status.value for status in IdeaStatus if status not in CLOSED_STATUSES)


# `ideas.author_id` of an idea shared anonymously: never a Slack user ID (those are upper
# case), so no mention, DM or lookup can reach anyone through it. The real author is kept
# apart, in `anonymous_authors` (storage.anonymous).
ANONYMOUS_AUTHOR = "anonymous"


class ExperimentStatus(StrEnum):
    RUNNING = "running"
    CONCLUDED = "concluded"
    CANCELLED = "cancelled"


class ChallengeStatus(StrEnum):
    SCHEDULED = "scheduled"  # saved; its card is posted on the opening day
    OPEN = "open"  # takes ideas
    CLOSED = "closed"  # takes no more ideas; its ideas still take votes; winners not picked yet
    DECIDED = "decided"  # winners announced


class SourceKind(StrEnum):
    """Where an idea saved from a message came from, as the person saving it said."""

    CUSTOMER = "customer"
    COLLEAGUE = "colleague"
    OWN = "own"
