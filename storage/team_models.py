"""Cross-functional work on ideas: offers of help, experiment teams and the introductions
between an idea's author and the people who offered to help."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models import utcnow


class HelpOffer(SQLModel, table=True):
    """One person's offer to help with one idea: what they could bring, in their words and
    as quick picks. Offering again edits the row; withdrawing keeps it, marked. `told_at` is
    the claim on telling the idea's author about this version of the offer."""

    __tablename__ = "help_offers"
    __table_args__ = (sa.UniqueConstraint("idea_id", "helper_id", name="uq_help_offers"),)

    id: int | None = Field(default=None, primary_key=True)
    idea_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False
        )
    )
    helper_id: str = Field(max_length=32, index=True)
    department: str | None = Field(default=None, max_length=80)  # when they offered
    # Quick picks, comma-separated (skills, time, customers, data, …).
    kinds: str = Field(default="", max_length=200)
    what: str = Field(default="", sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    withdrawn_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    told_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class TeamChange(SQLModel, table=True):
    """One change to an experiment's team: someone joined or left it, who made the change and
    when. The history is the team: each person's latest row says whether they are on it."""

    __tablename__ = "experiment_team_changes"

    id: int | None = Field(default=None, primary_key=True)
    experiment_id: int = Field(
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey("experiments.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    user_id: str = Field(max_length=32, index=True)
    joined: bool = Field(default=True)  # False: removed
    department: str | None = Field(default=None, max_length=80)  # when they joined
    changed_by: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class Introduction(SQLModel, table=True):
    """A group DM between an idea's author and helpers from other departments. Unique per
    idea and set of people, so the same people are never introduced about the same idea
    twice; the row is the claim, inserted before the group DM is opened."""

    __tablename__ = "introductions"
    __table_args__ = (sa.UniqueConstraint("idea_id", "people", name="uq_introductions_people"),)

    id: int | None = Field(default=None, primary_key=True)
    idea_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False
        )
    )
    people: str = Field(max_length=200)  # the user ids, sorted, comma-separated
    week: str = Field(max_length=10)  # ISO week, e.g. 2026-W49
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    channel_id: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)


class IntroductionSeat(SQLModel, table=True):
    """One person's introduction in one ISO week: unique, so nobody is introduced twice in a
    week, however many replicas run the job."""

    __tablename__ = "introduction_seats"
    __table_args__ = (sa.UniqueConstraint("user_id", "week", name="uq_introduction_seats"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(max_length=32)
    week: str = Field(max_length=10)
    introduction_id: int = Field(
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey("introductions.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
