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


# A closed idea takes no more votes and leaves the review queue.
CLOSED_STATUSES = frozenset({IdeaStatus.SHIPPED, IdeaStatus.PARKED, IdeaStatus.DECLINED})
WAITING_FOR_REVIEW = (IdeaStatus.NEW, IdeaStatus.UNDER_REVIEW)


class ExperimentStatus(StrEnum):
    RUNNING = "running"
    CONCLUDED = "concluded"
    CANCELLED = "cancelled"


class ChallengeStatus(StrEnum):
    SCHEDULED = "scheduled"  # saved; its card is posted on the opening day
    OPEN = "open"  # takes ideas
    CLOSED = "closed"  # takes no more ideas; its ideas still take votes; winners not picked yet
    DECIDED = "decided"  # winners announced
