"""The shapes of the programme's numbers, shared by `/idea stats`, the Home tab, the monthly
report and its chart, and the stats export. Computed by `bot.numbers.service` from stored facts
only (the department recorded on each idea and vote, the status history), so a past period's
numbers never change when people move or ideas change status later."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# Ideas that reached a step by the end of the period, out of those posted in it.
FUNNEL_STEPS = ("new", "under review", "experimenting", "shipped")
# A department with people but no idea and no vote in this many days up to the period's end.
QUIET_AFTER_DAYS = 60


def share(part: int, whole: int | None) -> float | None:
    """`part` of `whole` as a fraction; None when there is no whole to divide by."""
    return part / whole if whole else None


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC; `label` as people read it (`November 2026`, `Q4 2026`, `2026`) and
    `key` as commands and exports spell it (`2026-11`, `2026-Q4`, `2026`). A period still
    under way ends now and is not `complete`."""

    key: str
    label: str
    start: datetime
    end: datetime
    complete: bool = True


@dataclass(frozen=True)
class Funnel:
    """Of the ideas posted in the period, how many had reached each step (or a later one) by
    its end: new counts them all."""

    new: int = 0
    under_review: int = 0
    experimenting: int = 0
    shipped: int = 0

    def counts(self) -> tuple[int, int, int, int]:
        return (self.new, self.under_review, self.experimenting, self.shipped)

    def conversions(self) -> tuple[float | None, float | None, float | None]:
        """Each step's share of the step before it."""
        steps = self.counts()
        return (
            share(steps[1], steps[0]),
            share(steps[2], steps[1]),
            share(steps[3], steps[2]),
        )


@dataclass(frozen=True)
class Slice:
    """The numbers of the whole programme (`department` None) or of one department."""

    department: str | None
    ideas: int = 0
    contributors: int = 0  # distinct authors of the period's ideas
    headcount: int | None = None  # active people with this department; None: not known
    voters: int = 0  # distinct people who voted in the period
    funnel: Funnel = field(default_factory=Funnel)
    median_days_to_decision: float | None = None  # ideas first decided in the period
    experiments_started: int = 0
    experiments_concluded: int = 0
    concluded_with_learning: int = 0
    # Check-ins (one person, one week) whose week began in the period; those answered; and
    # those answered 2 hours or more, "got their protected time".
    exploration_asked: int = 0
    exploration_answered: int = 0
    exploration_protected: int = 0

    @property
    def contributor_share(self) -> float | None:
        return share(self.contributors, self.headcount)

    @property
    def learning_share(self) -> float | None:
        return share(self.concluded_with_learning, self.experiments_concluded)

    @property
    def protected_share(self) -> float | None:
        return share(self.exploration_protected, self.exploration_answered)


@dataclass(frozen=True)
class ProgrammeNumbers:
    period: Period
    programme: Slice
    departments: tuple[Slice, ...] = ()  # most ideas first; people with no department apart
    quiet_departments: tuple[str, ...] = ()  # no idea and no vote in QUIET_AFTER_DAYS

    @property
    def departments_taking_part(self) -> int:
        """Departments with an idea or a vote in the period."""
        return sum(1 for one in self.departments if one.department and one.ideas + one.voters)
